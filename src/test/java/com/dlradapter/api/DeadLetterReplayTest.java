package com.dlradapter.api;

import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.store.ReceiptKeyCache;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A payload dead-lettered because the mapping does not know a status is replayed after the
 * mapping is fixed (in a temp mappings directory) and the adapter restarted; on H2 and PostgreSQL.
 */
class DeadLetterReplayTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    @TempDir
    Path mappings;

    static final String ENROUTE = """
            {"eventId": "replay-1", "eventType": "MESSAGE_ENROUTE", "timestamp": "2026-06-09T13:04:57Z",
             "message": {"uuid": "replay-message", "src": "ZECKTA", "dest": "+233202007745", "status": "ENROUTE"}}""";

    HttpResponse<String> replay(RunningAdapter adapter, String id, String token) {
        return adapter.call("POST", "/api/dead-letters/" + id + "/replay", token);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aDeadLetterIsStoredAfterTheMappingIsFixedAndEachReplayIsRecorded(TestDatabases.Kind kind) throws Exception {
        ShippedFiles.copyMappings(mappings);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.mappings.dir", mappings.toString());
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            JsonNode dead = JSON.readTree(adapter.post(adapter.webhook("zeckta"), ENROUTE).body());
            assertThat(dead.get("result").asText()).isEqualTo("dead-lettered");
            String id = dead.get("deadLetterId").asText();

            assertThat(replay(adapter, id, null).statusCode()).isEqualTo(401);
            assertThat(replay(adapter, id, "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> still = replay(adapter, id, "test-api-token");
            assertThat(still.statusCode()).as(still.body()).isEqualTo(200);
            assertThat(JSON.readTree(still.body()).get("result").asText()).isEqualTo("still-unmappable");
            assertThat(still.body()).contains("ENROUTE");
            assertThat(adapter.get("/api/messages/zeckta/replay-message").statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(adapter.get("/api/dead-letters").body()).get("deadLetters"))
                    .as("a replay the mapping still refuses is not kept a second time").hasSize(1);

            // The mapping fix: Zeckta's new ENROUTE status is SENT.
            Path zeckta = mappings.resolve("zeckta.yaml");
            Files.writeString(zeckta, Files.readString(zeckta).replace("  SENT: SENT\n", "  SENT: SENT\n  ENROUTE: SENT\n"));
            adapter.restart();

            HttpResponse<String> stored = replay(adapter, id, "test-api-token");
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(stored.body());
            assertThat(answer.get("result").asText()).isEqualTo("stored");
            assertThat(answer.get("receipts").get(0).get("status").asText()).isEqualTo("SENT");
            assertThat(answer.get("replays").asInt()).isEqualTo(2);
            HttpResponse<String> message = adapter.get("/api/messages/zeckta/replay-message");
            assertThat(message.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(message.body()).get("history")).hasSize(1);
            // through the ingest route: the group commit told the idempotent consumer's repository
            String key = DeliveryReceipt.statusKey("zeckta", "replay-message",
                    JSON.readTree(message.body()).get("providerStatus").asText(), null);
            assertThat(DeliveryReceipt.idFor(key)).isEqualTo(answer.get("receipts").get(0).get("id").asText());
            ReceiptKeyCache keys = adapter.bean("receiptKeys", ReceiptKeyCache.class);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(keys.known(Set.of(key))).containsExactly(key));

            JsonNode again = JSON.readTree(replay(adapter, id, "test-api-token").body());
            assertThat(again.get("result").asText()).isEqualTo("duplicate");
            assertThat(JSON.readTree(adapter.get("/api/messages/zeckta/replay-message").body()).get("history")).hasSize(1);
            // the provider's own retry is a duplicate too
            assertThat(adapter.post(adapter.webhook("zeckta"), ENROUTE).body()).contains("duplicate");

            assertThat(replay(adapter, "999999", "test-api-token").statusCode()).isEqualTo(404);
            assertThat(replay(adapter, "abc", "test-api-token").statusCode()).isEqualTo(400);

            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            try (Connection connection = dataSource.getConnection();
                 ResultSet rows = connection.createStatement().executeQuery(
                         "SELECT result FROM dead_letter_replay WHERE dead_letter_id = " + Long.parseLong(id) + " ORDER BY id")) {
                List<String> results = new ArrayList<>();
                while (rows.next()) {
                    results.add(rows.getString(1));
                }
                assertThat(results).containsExactly("still-unmappable", "stored", "duplicate");
            }
        }
    }
}
