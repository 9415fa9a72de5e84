package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad data is the sender's fault, never an outage: a value the database would refuse (a timestamp
 * outside the years 1970-9999, a NUL, a number beyond any range) is a dead letter naming the field
 * for a provider's receipt (200, kept and replayable) and a 400 for the admin API, on H2 and
 * PostgreSQL alike; never a 503 the provider would retry for ever, never a 500.
 */
class BadDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aTimestampOutsideTheYears1970To9999IsADeadLetterNamingTheField(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            int n = 0;
            for (String timestamp : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
                    "+10000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
                    "-4714-11-24T00:00:00Z")) {
                HttpResponse<String> answer = adapter.post(adapter.webhook("zeckta"), zeckta("far-" + n++, timestamp, "1"));
                assertThat(answer.statusCode()).as(timestamp + ": " + answer.body()).isEqualTo(200);
                JsonNode body = JSON.readTree(answer.body());
                assertThat(body.get("result").asText()).as(answer.body()).isEqualTo("dead-lettered");
                assertThat(body.get("reason").asText()).as(timestamp)
                        .contains("field 'occurredAt'").contains("1970").contains("9999");
            }
            // the bounds themselves are fine, and read back as sent
            for (String timestamp : List.of("1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z")) {
                String messageId = "bound-" + timestamp.substring(0, 4);
                HttpResponse<String> answer = adapter.post(adapter.webhook("zeckta"), zeckta(messageId, timestamp, "1"));
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(JSON.readTree(answer.body()).get("result").asText()).as(answer.body()).isEqualTo("stored");
                JsonNode message = JSON.readTree(adapter.get("/api/messages/zeckta/" + messageId).body());
                assertThat(message.get("occurredAt").asText()).isEqualTo(timestamp);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void registrationRefusesANulOrAnOutOfRangeSentAtWith400(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            HttpResponse<String> nul = register(adapter, "{\"provider\":\"cecula\",\"messageId\":\"nul\\u0000id\"}");
            assertThat(nul.statusCode()).as(nul.body()).isEqualTo(400);
            assertThat(nul.body()).contains("messageId").contains("NUL").doesNotContain("\u0000");
            HttpResponse<String> nulBatch = register(adapter,
                    "{\"provider\":\"cecula\",\"messageId\":\"m-1\",\"batchId\":\"b\\u0000\"}");
            assertThat(nulBatch.statusCode()).as(nulBatch.body()).isEqualTo(400);
            assertThat(nulBatch.body()).contains("batchId");
            for (String sentAt : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
                    "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z")) {
                HttpResponse<String> answer = register(adapter,
                        "{\"provider\":\"cecula\",\"messageId\":\"m-range\",\"sentAt\":\"" + sentAt + "\"}");
                assertThat(answer.statusCode()).as(sentAt + ": " + answer.body()).isEqualTo(400);
                assertThat(answer.body()).contains("sentAt").contains("1970").contains("9999");
            }
            HttpResponse<String> fine = register(adapter,
                    "{\"provider\":\"cecula\",\"messageId\":\"m-range\",\"sentAt\":\"1970-01-01T00:00:00Z\"}");
            assertThat(fine.statusCode()).as(fine.body()).isEqualTo(201);
        }
    }

    /**
     * JSON numbers whose exponent no decimal type can hold (Jackson refuses to build them) in every
     * mapped field, numeric or text, and in a field no mapping reads: never a 5xx.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aNumberBeyondAnyRangeIsNeverA500(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            int n = 0;
            for (String number : List.of("1e-2147483648", "1e2147483647", "-1e-2147483648", "1e2147483648", "10e2147483647",
                    "-1.5e-2147483649", "1e-2147483647")) {
                // a mapped numeric field (cost.amount, segments): a dead letter naming it
                for (Map.Entry<String, String> field : Map.of("\"cost\": 1", "cost.amount",
                        "\"segments\": 1", "segments").entrySet()) {
                    String payload = zeckta("num-" + n++, "2026-06-09T13:04:57Z", "1")
                            .replace(field.getKey(), field.getKey().replace(" 1", " " + number));
                    assertDeadLetterNaming(adapter.post(adapter.webhook("zeckta"), payload), field.getValue(), number);
                }
                // mapped text fields (message id, status, recipient) and the timestamp
                for (Map.Entry<String, String> field : Map.of("\"uuid\": \"", "messageId", "\"status\": \"", "providerStatus",
                        "\"dest\": \"", "recipient", "\"timestamp\": \"", "occurredAt").entrySet()) {
                    String payload = zeckta("num-" + n++, "2026-06-09T13:04:57Z", "1")
                            .replaceFirst(java.util.regex.Pattern.quote(field.getKey()) + "[^\"]*\"",
                                    java.util.regex.Matcher.quoteReplacement(field.getKey().replace(": \"", ": ") + number));
                    assertDeadLetterNaming(adapter.post(adapter.webhook("zeckta"), payload), field.getValue(), number);
                }
                // a field no mapping reads: the receipt is stored
                String unread = zeckta("num-" + n++, "2026-06-09T13:04:57Z", "1").replace("\"units\": 1", "\"units\": " + number);
                HttpResponse<String> stored = adapter.post(adapter.webhook("zeckta"), unread);
                assertThat(stored.statusCode()).as(number + ": " + stored.body()).isEqualTo(200);
                assertThat(JSON.readTree(stored.body()).get("result").asText()).as(stored.body()).isEqualTo("stored");
            }
            // zero with any exponent is zero
            HttpResponse<String> zero = adapter.post(adapter.webhook("zeckta"),
                    zeckta("num-zero", "2026-06-09T13:04:57Z", "0e-2147483648"));
            assertThat(zero.statusCode()).as(zero.body()).isEqualTo(200);
            assertThat(JSON.readTree(zero.body()).get("result").asText()).as(zero.body()).isEqualTo("stored");
            // the admin API refuses such a number with a 400
            HttpResponse<String> registration = register(adapter,
                    "{\"provider\":\"cecula\",\"messageId\":1e-2147483648}");
            assertThat(registration.statusCode()).as(registration.body()).isEqualTo(400);
        }
    }

    private static void assertDeadLetterNaming(HttpResponse<String> answer, String field, String number) throws Exception {
        assertThat(answer.statusCode()).as(number + " in " + field + ": " + answer.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("result").asText()).as(number + " in " + field + ": " + answer.body()).isEqualTo("dead-lettered");
        assertThat(body.get("reason").asText()).as(number + " in " + field).contains("field '" + field + "'");
    }

    private static HttpResponse<String> register(RunningAdapter adapter, String json) {
        return adapter.postApi("/api/messages", json);
    }

    static String zeckta(String messageId, String timestamp, String cost) {
        return """
                {"eventId": "ev-%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "%s",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED",
                             "segments": 1, "units": 1, "attempts": 1, "cost": %s}}
                """.formatted(messageId, timestamp, messageId, cost);
    }
}
