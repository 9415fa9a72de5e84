package com.dlradapter.api;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.WebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery endpoints the console's Deliveries page and message page use: the targets with
 * their pending and failed counts, one target's deliveries of a status, a message's deliveries,
 * and the retry of all failed deliveries of a target (POST only, then delivered). H2 and PostgreSQL.
 */
class DeliveryConsoleApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("test-secret-0123456789".getBytes());

    @TempDir
    Path data;

    static String delivered(int i) {
        return """
                {"eventId": "dc-%d", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "dc-m%d", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}"""
                .formatted(i, i);
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void failedDeliveriesAreListedByTargetAndByMessageAndRetriedAllAtOnce(TestDatabases.Kind kind) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.started(SECRET)) {
            Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
            RunningAdapter.fastDelivery(settings);
            settings.put("dlr.delivery.max-age", "1s");
            settings.put("dlr.outbound.targets", "erp");
            settings.put("dlr.outbound.erp.url", receiver.url("/erp"));
            settings.put("dlr.outbound.erp.secret", SECRET);
            receiver.answer(500);
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(adapter.post(adapter.webhook("zeckta"), delivered(i)).statusCode()).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        adapter.getJson("/api/deliveries?status=failed&target=erp").get("deliveries").size() == 3);

                JsonNode targets = adapter.getJson("/api/deliveries/targets").get("targets");
                assertThat(targets).hasSize(1);
                assertThat(targets.get(0).toString())
                        .isEqualTo("{\"sink\":\"webhook\",\"target\":\"erp\",\"pending\":0,\"failed\":3,\"disabled\":false}");
                assertThat(adapter.getJson("/api/deliveries?status=pending&target=erp").get("deliveries")).isEmpty();
                assertThat(adapter.getJson("/api/deliveries?status=failed&target=erp&sink=jdbc").get("deliveries")).isEmpty();
                assertThat(adapter.get("/api/deliveries?target=erp").statusCode()).isEqualTo(400);
                assertThat(adapter.get("/api/deliveries?status=failed&target=erp&sink=smtp").statusCode()).isEqualTo(400);
                assertThat(adapter.get("/api/deliveries?status=failed&sink=jdbc").statusCode()).isEqualTo(400);

                // a message's deliveries, by the event that caused them
                JsonNode message = adapter.getJson("/api/messages/zeckta/dc-m1");
                JsonNode ofMessage = adapter.getJson("/api/messages/zeckta/dc-m1/deliveries");
                assertThat(ofMessage.get("deliveries")).hasSize(1);
                JsonNode delivery = ofMessage.get("deliveries").get(0);
                assertThat(delivery.get("sourceId").asText()).isEqualTo(message.get("history").get(0).get("id").asText());
                assertThat(delivery.get("target").asText()).isEqualTo("erp");
                assertThat(delivery.get("status").asText()).isEqualTo("failed");
                assertThat(delivery.get("lastCode").asInt()).isEqualTo(500);
                assertThat(delivery.get("attempts").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(adapter.get("/api/messages/zeckta/nobody/deliveries").statusCode()).isEqualTo(404);

                // retry all: never by a GET, a target is required, the token too
                assertThat(adapter.call("GET", "/api/deliveries/retry?target=erp", "test-api-token").statusCode())
                        .isEqualTo(405);
                assertThat(adapter.call("POST", "/api/deliveries/retry", "test-api-token").statusCode()).isEqualTo(400);
                assertThat(adapter.call("POST", "/api/deliveries/retry?target=erp&before=yesterday", "test-api-token")
                        .statusCode()).isEqualTo(400);
                assertThat(adapter.call("POST", "/api/deliveries/retry?target=erp", null).statusCode()).isEqualTo(401);
                // failed after the given time: none of them
                JsonNode none = JSON.readTree(adapter.call("POST", "/api/deliveries/retry?target=erp&before=2020-01-01T00:00:00Z",
                        "test-api-token").body());
                assertThat(none.get("retried").asInt()).isZero();
                assertThat(adapter.getJson("/api/deliveries?status=failed&target=erp").get("deliveries")).hasSize(3);

                receiver.answer(200);
                HttpResponse<String> retried = adapter.call("POST", "/api/deliveries/retry?target=erp", "test-api-token");
                assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
                JsonNode answer = JSON.readTree(retried.body());
                assertThat(answer.get("target").asText()).isEqualTo("erp");
                assertThat(answer.get("retried").asInt()).isEqualTo(3);
                assertThat(answer.get("complete").asBoolean()).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCounts().size() == 3);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        adapter.getJson("/api/deliveries?status=delivered&target=erp").get("deliveries").size() == 3);
                assertThat(adapter.getJson("/api/deliveries/targets").get("targets")).isEmpty();
                assertThat(list(adapter.getJson("/api/messages/zeckta/dc-m1/deliveries").get("deliveries")))
                        .extracting(d -> d.get("status").asText()).containsExactly("delivered");
                assertThat(JSON.readTree(adapter.call("POST", "/api/deliveries/retry?target=erp", "test-api-token").body())
                        .get("retried").asInt()).isZero();
            }
        }
    }
}
