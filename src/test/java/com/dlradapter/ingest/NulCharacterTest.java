package com.dlradapter.ingest;

import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A NUL character (U+0000) in a receipt: PostgreSQL text cannot hold it, H2 can. Both databases
 * must answer alike: a mapped field with a NUL makes the payload a dead letter (200, replayable),
 * a NUL anywhere else in the raw body is stored, and neither is answered 503 for ever.
 */
class NulCharacterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String NUL = "\u0000";

    @TempDir
    Path data;
    @TempDir
    Path mappings;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aNulInAMappedFieldIsADeadLetterAndANulElsewhereIsStored(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            // JSON "\u0000" inside the message uuid (the escape, not a raw NUL byte: that is malformed JSON)
            String zeckta = Payloads.zeckta("nul-event", "MESSAGE_DELIVERED", "DELIVERED", "zk-nul\\u0000x");
            long zecktaId = deadLettered(adapter.post(adapter.webhook("zeckta"), zeckta), "messageId");
            assertThat(rawPayloadOf(adapter, "zeckta", zecktaId)).isEqualTo(zeckta);

            // %00 in a form callback's message id and in its status
            long sid = deadLettered(adapter.post(adapter.webhook("acme"),
                    "MessageSid=SMnul%00x&MessageStatus=delivered&To=%2B15558675310", FORM), "messageId");
            assertThat(rawPayloadOf(adapter, "acme", sid)).contains("SMnul%00x");
            long status = deadLettered(adapter.post(adapter.webhook("acme"),
                    "MessageSid=SMnulstatus&MessageStatus=deliv%00ered&To=%2B15558675310", FORM), "providerStatus");
            assertThat(rawPayloadOf(adapter, "acme", status)).contains("deliv%00ered");

            // %00 in a GET callback's message id
            String query = "msisdn=447700900000&messageId=0Anul%00x&status=delivered&err-code=0";
            HttpResponse<String> get = adapter.send(HttpRequest.newBuilder(
                    URI.create(adapter.url("/webhooks/acme?" + query + "&token=test-acme-token"))).GET());
            long getId = deadLettered(get, "messageId");
            assertThat(rawPayloadOf(adapter, "acme", getId)).isEqualTo(query);

            // %00 only in a field the mapping does not read: the receipt is stored, raw body and all
            HttpResponse<String> unmapped = adapter.post(adapter.webhook("acme"),
                    "MessageSid=SMnulother&MessageStatus=delivered&To=%2B15558675310&AccountSid=AC%00x", FORM);
            assertThat(unmapped.statusCode()).as(unmapped.body()).isEqualTo(200);
            assertThat(JSON.readTree(unmapped.body()).get("result").asText()).isEqualTo("stored");
            HttpResponse<String> message = adapter.get("/api/messages/acme/SMnulother");
            assertThat(message.statusCode()).as(message.body()).isEqualTo(200);
            assertThat(JSON.readTree(message.body()).get("status").asText()).isEqualTo("DELIVERED");

            assertThat(adapter.get("/api/messages/zeckta/zk-nulx").statusCode()).isEqualTo(404);
        }
    }

    /**
     * Dead letters with a NUL are replayed after a mapping fix: one that came as %00 in a form
     * field, and one whose stored raw text holds a real NUL (as a form or GET callback's decoded
     * text may), which the store keeps escaped and replay reads back as it arrived.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aDeadLetterWithANulIsReplayedAfterTheMappingIsFixed(TestDatabases.Kind kind) throws Exception {
        ShippedFiles.copyMappings(mappings);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.mappings.dir", mappings.toString());
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            long encoded = deadLettered(adapter.post(adapter.webhook("acme"),
                    "MessageSid=SMreplay1&MessageStatus=undelivered&ErrorCode=30003&ErrorMessage=Unreachable%00handset"
                            + "&To=%2B15558675310", FORM), "reason.description");
            String realNul = "MessageSid=SMreplay2&MessageStatus=delivered&ErrorMessage=x" + NUL + "y&To=%2B15558675310";
            long real = new DeadLetterStore(adapter.bean("dataSource", DataSource.class)).save("acme",
                    ReceiptSource.WEBHOOK, "a NUL in ErrorMessage", FORM, realNul, Instant.now());
            assertThat(rawPayloadOf(adapter, "acme", real)).isEqualTo(realNul);

            JsonNode still = replay(adapter, encoded);
            assertThat(still.get("result").asText()).isEqualTo("still-unmappable");
            assertThat(still.get("reason").asText()).contains("reason.description").doesNotContain(NUL);

            // The mapping fix: Acme's ErrorMessage is no longer read.
            Path acme = mappings.resolve("acme.yaml");
            // (and its sample says so: a mapping whose samples fail does not start)
            String fixed = Files.readString(acme).replace("      reason.description: $.ErrorMessage\n", "")
                    .replace("description: Unreachable destination handset}", "description: null}");
            assertThat(fixed).isNotEqualTo(Files.readString(acme));
            Files.writeString(acme, fixed);
            adapter.restart();

            for (long id : new long[] {encoded, real}) {
                JsonNode stored = replay(adapter, id);
                assertThat(stored.get("result").asText()).as(stored.toString()).isEqualTo("stored");
            }
            JsonNode first = JSON.readTree(adapter.get("/api/messages/acme/SMreplay1").body());
            assertThat(first.get("status").asText()).isEqualTo("UNDELIVERED");
            assertThat(first.get("reason").get("code").asText()).isEqualTo("30003");
            assertThat(JSON.readTree(adapter.get("/api/messages/acme/SMreplay2").body()).get("status").asText())
                    .isEqualTo("DELIVERED");
        }
    }

    /** Asserts a 200 dead-lettered answer whose reason names the field and holds no NUL; its id. */
    private static long deadLettered(HttpResponse<String> response, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("result").asText()).as(response.body()).isEqualTo("dead-lettered");
        assertThat(answer.get("reason").asText())
                .contains("field '" + field + "'")
                .contains("NUL character (U+0000)")
                .doesNotContain(NUL);
        return answer.get("deadLetterId").asLong();
    }

    /** The raw payload of the dead letter as GET /api/dead-letters lists it. */
    private static String rawPayloadOf(RunningAdapter adapter, String provider, long id) throws Exception {
        HttpResponse<String> list = adapter.get("/api/dead-letters?provider=" + provider);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        for (JsonNode deadLetter : JSON.readTree(list.body()).get("deadLetters")) {
            if (deadLetter.get("id").asLong() == id) {
                assertThat(deadLetter.get("reason").asText()).doesNotContain(NUL);
                return deadLetter.get("rawPayload").asText();
            }
        }
        throw new AssertionError("dead letter " + id + " is not listed: " + list.body());
    }

    private static JsonNode replay(RunningAdapter adapter, long id) throws Exception {
        HttpResponse<String> response = adapter.call("POST", "/api/dead-letters/" + id + "/replay", RunningAdapter.API_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
