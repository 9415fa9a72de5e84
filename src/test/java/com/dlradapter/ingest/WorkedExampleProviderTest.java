package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worked example (mappings/acme.yaml + routes/acme.yaml, no Java): form-encoded status
 * callbacks by POST and delivery receipts by GET are stored like any JSON webhook.
 */
class WorkedExampleProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";

    @TempDir
    static Path data;
    static RunningAdapter adapter;

    @BeforeAll
    static void start() {
        adapter = RunningAdapter.start(RunningAdapter.defaults(data));
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void formEncodedStatusCallbacksAreStored() throws Exception {
        for (String status : new String[] {"queued", "sent", "delivered"}) {
            HttpResponse<String> response = adapter.post(adapter.webhook("acme"),
                    "MessageSid=SMexample1&MessageStatus=" + status + "&To=%2B15558675310&From=%2B15017122661", FORM);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        JsonNode state = JSON.readTree(adapter.get("/api/messages/acme/SMexample1").body());
        assertThat(state.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("recipient").asText()).isEqualTo("+15558675310");
        assertThat(state.get("history")).hasSize(3);
    }

    @Test
    void getDeliveryReceiptsAreStoredWithoutTheTokenParameter() throws Exception {
        String query = "msisdn=447700900000&to=AcmeInc&network-code=23410&messageId=0AEXAMPLE&price=0.0333"
                + "&status=delivered&scts=2001011400&err-code=0&message-timestamp=2020-01-01+14%3A00%3A00";
        HttpResponse<String> response = adapter.send(HttpRequest.newBuilder(
                URI.create(adapter.url("/webhooks/acme?" + query + "&token=test-acme-token"))).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode state = JSON.readTree(adapter.get("/api/messages/acme/0AEXAMPLE").body());
        assertThat(state.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("occurredAt").asText()).isEqualTo("2020-01-01T14:00:00Z");
        assertThat(state.get("network").get("mccmnc").asText()).isEqualTo("23410");

        // The same receipt again is a duplicate, by GET as by POST.
        HttpResponse<String> again = adapter.post(adapter.webhook("acme"), query, FORM);
        assertThat(JSON.readTree(again.body()).get("result").asText()).isEqualTo("duplicate");
    }

    @Test
    void aFormatTheMappingDoesNotReadIs415() {
        HttpResponse<String> json = adapter.post(adapter.webhook("acme"), "{\"MessageSid\": \"x\"}");
        assertThat(json.statusCode()).isEqualTo(415);
        HttpResponse<String> form = adapter.post(adapter.webhook("zeckta"), "eventId=x", FORM);
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/zeckta?eventId=x"))).GET())
                .statusCode()).as("zeckta's route serves POST only").isEqualTo(405);
    }
}
