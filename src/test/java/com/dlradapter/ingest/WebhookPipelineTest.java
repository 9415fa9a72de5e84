package com.dlradapter.ingest;

import com.dlradapter.store.ReceiptKeyCache;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline over real HTTP: the adapter as a user runs it, fed with the providers'
 * documented payloads, and every bad input the issue names.
 */
class WebhookPipelineTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RunningAdapter adapter;

    @BeforeAll
    static void start() {
        Map<String, String> settings = RunningAdapter.defaults(data);
        settings = new java.util.LinkedHashMap<>(settings);
        settings.put("dlr.providers.cecula.token", "cecula-secret");
        settings.put("dlr.max-body-bytes", "4096");
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    static String zeckta(String eventId, String eventType, String status, String messageId) {
        return Payloads.zeckta(eventId, eventType, status, messageId);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void eachProvidersDocumentedCallbackIsStored() throws Exception {
        String cecula = """
                {"reference": "b8bfb980-357a-4a39-863a-1b27c1f191d5", "mobile": "2348181234567", "sender": "Cecula",
                 "status": "DELIVRD", "broadcastTime": "2024-10-08 07:41 AM", "pages": 1, "costPerPage": "1.50",
                 "creditsDeducted": "1.50", "mccmnc": "060", "done": true, "doneDate": "2024-10-08 07:42 AM"}""";
        String mplus = """
                {"destination": "+441111111111", "delivered": true, "batchuuid": "ea5b64d8-4267-4ffa-937d-2ba0c4f031f3",
                 "messageuuid": "6a96a54d-596f-403a-bcd6-6a07fd985f93",
                 "receiptInfo": {"code": "00", "description": "Successful"}}""";
        String routee = """
                {"messageId": "routee-doc-1", "smsId": "sms-1", "part": 1, "parts": 1, "to": "+306900000000",
                 "from": "Routee", "country": "GR", "operator": "Cosmote", "status": {"name": "Delivered",
                 "reason": {"detailedStatus": "Delivered", "description": "Delivered to handset"},
                 "updatedDate": "2026-06-09T13:04:57Z"}, "price": 0.05, "direction": "Outbound"}""";
        assertThat(adapter.post("/webhooks/cecula?token=cecula-secret", cecula).statusCode()).isEqualTo(200);
        assertThat(adapter.post(adapter.webhook("mplus"), mplus).statusCode()).isEqualTo(200);
        assertThat(adapter.post(adapter.webhook("routee"), routee).statusCode()).isEqualTo(200);
        HttpResponse<String> zeckta = adapter.post(adapter.webhook("zeckta"), zeckta("doc-event-1", "MESSAGE_DELIVERED", "DELIVERED", "zeckta-doc-1"));
        assertThat(zeckta.statusCode()).isEqualTo(200);
        assertThat(zeckta.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("application/json"));
        assertThat(json(zeckta).get("result").asText()).isEqualTo("stored");

        JsonNode ceculaState = adapter.message("cecula", "b8bfb980-357a-4a39-863a-1b27c1f191d5");
        assertThat(ceculaState.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(ceculaState.get("recipient").asText()).isEqualTo("+2348181234567");
        assertThat(ceculaState.get("occurredAt").asText()).isEqualTo("2024-10-08T06:42:00Z");
        assertThat(adapter.message("mplus", "6a96a54d-596f-403a-bcd6-6a07fd985f93").get("status").asText()).isEqualTo("DELIVERED");
        assertThat(adapter.message("routee", "routee-doc-1").get("final").asBoolean()).isTrue();
        JsonNode zecktaState = adapter.message("zeckta", "zeckta-doc-1");
        assertThat(zecktaState.get("occurredAt").asText()).isEqualTo("2026-06-09T13:04:57.487133482Z");
        assertThat(zecktaState.get("source").asText()).isEqualTo("webhook");
        assertThat(zecktaState.get("history").get(0).get("id").asText()).isEqualTo(zecktaState.get("id").asText());
    }

    @Test
    void theSameEventPostedThreeTimesIsOneHistoryEntry() throws Exception {
        String body = zeckta("dup-event", "MESSAGE_SENT", "SENT", "zeckta-dup");
        JsonNode first = json(adapter.post(adapter.webhook("zeckta"), body));
        JsonNode second = json(adapter.post(adapter.webhook("zeckta"), body));
        HttpResponse<String> third = adapter.post(adapter.webhook("zeckta"), body);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(first.get("result").asText()).isEqualTo("stored");
        assertThat(second.get("result").asText()).isEqualTo("duplicate");
        assertThat(json(third).get("receipts").get(0).get("id").asText())
                .isEqualTo(first.get("receipts").get(0).get("id").asText());
        assertThat(adapter.message("zeckta", "zeckta-dup").get("history").size()).isEqualTo(1);
    }

    @Test
    void concurrentDuplicatesAreStoredOnce() throws Exception {
        String body = zeckta("concurrent-event", "MESSAGE_DELIVERED", "DELIVERED", "zeckta-concurrent");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                posts.add(() -> adapter.post(adapter.webhook("zeckta"), body).statusCode());
            }
            for (Future<Integer> status : pool.invokeAll(posts)) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(adapter.message("zeckta", "zeckta-concurrent").get("history").size()).isEqualTo(1);
    }

    @Test
    void aLateLowerStatusIsKeptInHistoryButDoesNotChangeTheStatus() throws Exception {
        adapter.post(adapter.webhook("zeckta"), zeckta("ooo-2", "MESSAGE_DELIVERED", "DELIVERED", "zeckta-ooo"));
        adapter.post(adapter.webhook("zeckta"), zeckta("ooo-1", "MESSAGE_SENT", "SENT", "zeckta-ooo"));
        JsonNode state = adapter.message("zeckta", "zeckta-ooo");
        assertThat(state.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("final").asBoolean()).isTrue();
        assertThat(state.get("history")).hasSize(2);
        assertThat(state.get("history").get(0).get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("history").get(1).get("status").asText()).isEqualTo("SENT");
    }

    @Test
    void aMultipartRouteeMessageIsFinalWhenEveryPartReported() throws Exception {
        String part = """
                {"messageId": "routee-multi", "smsId": "sms-%d", "part": %d, "parts": 2, "to": "+306900000000",
                 "status": {"name": "%s", "reason": null, "updatedDate": "2026-06-09T13:0%d:00Z"}}""";
        adapter.post(adapter.webhook("routee"), part.formatted(1, 1, "Delivered", 1));
        JsonNode halfway = adapter.message("routee", "routee-multi");
        assertThat(halfway.get("final").asBoolean()).isFalse();
        adapter.post(adapter.webhook("routee"), part.formatted(2, 2, "Undelivered", 2));
        JsonNode done = adapter.message("routee", "routee-multi");
        assertThat(done.get("final").asBoolean()).isTrue();
        assertThat(done.get("status").asText()).isEqualTo("UNDELIVERED");
        assertThat(done.get("history")).hasSize(2);
    }

    @Test
    void malformedJsonIsAnswered400WithAJsonError() throws Exception {
        HttpResponse<String> response = adapter.post(adapter.webhook("zeckta"), "{\"eventId\": ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isEqualTo("malformed-payload");
        assertNoInternals(response);
        // Our words plus where, not Jackson's text about its own features and sources.
        assertThat(json(response).get("message").asText()).isEqualTo("the request body is not valid json (line 1, column 13)");
        assertThat(adapter.post(adapter.webhook("zeckta"), "").statusCode()).isEqualTo(400);
        HttpResponse<String> duplicate = adapter.post(adapter.webhook("zeckta"), "{\"a\":1,\n \"a\":2}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(json(duplicate).get("message").asText()).contains("a key appears twice").contains("line 2, column");
        assertNoInternals(duplicate);
        HttpResponse<String> garbage = adapter.post(adapter.webhook("zeckta"), "{\"a\": nope}");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(json(garbage).get("message").asText()).contains("line 1, column");
        assertNoInternals(garbage);
    }

    @Test
    void anUnknownProviderIs404AndAWrongMethod405() {
        assertThat(adapter.post(adapter.webhook("nosuchprovider"), "{}").statusCode()).isEqualTo(404);
        HttpResponse<String> get = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/zeckta"))).GET());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> put = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/zeckta")))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(put.statusCode()).isEqualTo(405);
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"padding\": \"" + "x".repeat(5000) + "\"}";
        HttpResponse<String> response = adapter.post(adapter.webhook("zeckta"), big);
        assertThat(response.statusCode()).isEqualTo(413);
        assertNoInternals(response);
    }

    @Test
    void aProviderTokenIsRequiredWhenConfigured() throws Exception {
        String body = """
                {"reference": "token-test", "mobile": "2348181234567", "status": "SENT", "broadcastTime": "2024-10-08 07:41 AM"}""";
        assertThat(adapter.post("/webhooks/cecula", body).statusCode()).isEqualTo(401);
        assertThat(adapter.post("/webhooks/cecula?token=wrong", body).statusCode()).isEqualTo(401);
        String wrongBasic = "Basic " + Base64.getEncoder().encodeToString("cecula:nope".getBytes(StandardCharsets.UTF_8));
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/cecula")))
                .header("Authorization", wrongBasic).POST(HttpRequest.BodyPublishers.ofString(body))).statusCode()).isEqualTo(401);

        assertThat(adapter.post("/webhooks/cecula?token=cecula-secret", body).statusCode()).isEqualTo(200);
        String basic = "Basic " + Base64.getEncoder().encodeToString("cecula:cecula-secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> withBasic = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/cecula")))
                .header("Authorization", basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(withBasic.statusCode()).isEqualTo(200);
        assertThat(adapter.message("cecula", "token-test").get("history")).hasSize(1);
    }

    @Test
    void anUnmappablePayloadIsAnswered200AndKeptAsADeadLetter() throws Exception {
        String unknownStatus = zeckta("dl-event", "MESSAGE_WEIRD", "WEIRD", "zeckta-dl");
        HttpResponse<String> response = adapter.post(adapter.webhook("zeckta"), unknownStatus);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.get("result").asText()).isEqualTo("dead-lettered");
        long id = answer.get("deadLetterId").asLong();

        HttpResponse<String> noMessageId = adapter.post(adapter.webhook("mplus"), "{\"delivered\": true}");
        assertThat(noMessageId.statusCode()).isEqualTo(200);
        assertThat(json(noMessageId).get("result").asText()).isEqualTo("dead-lettered");

        JsonNode deadLetters = json(adapter.get("/api/dead-letters?provider=zeckta")).get("deadLetters");
        JsonNode kept = null;
        for (JsonNode deadLetter : deadLetters) {
            if (deadLetter.get("id").asLong() == id) {
                kept = deadLetter;
            }
        }
        assertThat(kept).as("dead letter %d in %s", id, deadLetters).isNotNull();
        assertThat(kept.get("reason").asText()).contains("WEIRD");
        assertThat(kept.get("rawPayload").asText()).isEqualTo(unknownStatus);
        assertThat(adapter.get("/api/messages/zeckta/zeckta-dl").statusCode()).isEqualTo(404);
    }

    @Test
    void aDeadLetterThatCannotBeStoredIsAnswered503() throws Exception {
        execute("ALTER TABLE dead_letter RENAME TO dead_letter_away");
        try {
            HttpResponse<String> response = adapter.post(adapter.webhook("zeckta"), zeckta("dl-fail", "X", "NOT_A_STATUS", "zeckta-dlf"));
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertNoInternals(response);
        } finally {
            execute("ALTER TABLE dead_letter_away RENAME TO dead_letter");
        }
        assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("dl-fail", "X", "NOT_A_STATUS", "zeckta-dlf")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aReceiptThatCannotBeStoredIsAnswered503AndStoredOnRetry() throws Exception {
        String body = zeckta("outage-event", "MESSAGE_DELIVERED", "DELIVERED", "zeckta-outage");
        execute("ALTER TABLE receipt_event RENAME TO receipt_event_away");
        try {
            HttpResponse<String> response = adapter.post(adapter.webhook("zeckta"), body);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response).get("error").asText()).isEqualTo("unavailable");
            assertNoInternals(response);
        } finally {
            execute("ALTER TABLE receipt_event_away RENAME TO receipt_event");
        }
        // The failed attempt left no key behind in the idempotent repository: the retry is stored,
        // and only then does its key enter the repository.
        ReceiptKeyCache keys = adapter.bean("receiptKeys", ReceiptKeyCache.class);
        String key = "zeckta|message|zeckta-outage|DELIVERED";
        assertThat(keys.known(Set.of(key))).isEmpty();
        JsonNode retry = json(adapter.post(adapter.webhook("zeckta"), body));
        assertThat(retry.get("result").asText()).isEqualTo("stored");
        await().atMost(Duration.ofSeconds(10)).until(() -> keys.known(Set.of(key)).contains(key));
        assertThat(adapter.message("zeckta", "zeckta-outage").get("history")).hasSize(1);
    }

    @Test
    void requestHeadersAreNotEchoedAndNoAnswerCarriesInternals() {
        HttpResponse<String> response = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(adapter.webhook("zeckta"))))
                .header("Content-Type", "application/json")
                .header("X-Probe", "echo-me")
                .header("CamelHttpResponseCode", "299")
                .POST(HttpRequest.BodyPublishers.ofString(zeckta("hdr-1", "MESSAGE_SENT", "SENT", "zeckta-hdr"))));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("X-Probe"));
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("camel"));
    }

    @Test
    void theQueryApiNeedsTheBearerToken() {
        String path = "/api/messages/zeckta/anything";
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(path))).GET()).statusCode()).isEqualTo(401);
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(path)))
                .header("Authorization", "Bearer wrong").GET()).statusCode()).isEqualTo(401);
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/dead-letters"))).GET()).statusCode())
                .isEqualTo(401);
        assertThat(adapter.get(path).statusCode()).isEqualTo(404);
        assertThat(adapter.get("/api/dead-letters?limit=abc").statusCode()).isEqualTo(400);
    }

    private static void assertNoInternals(HttpResponse<String> response) {
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("com.dlradapter")
                .doesNotContain("org.apache").doesNotContain("StreamReadFeature").doesNotContain("fasterxml")
                .doesNotContain("Source:");
    }

    private static void execute(String sql) throws Exception {
        DataSource dataSource = adapter.bean("dataSource", DataSource.class);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static String uniqueId() {
        return UUID.randomUUID().toString();
    }
}
