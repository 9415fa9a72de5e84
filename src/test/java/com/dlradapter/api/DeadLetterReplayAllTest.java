package com.dlradapter.api;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.dlradapter.support.Sql;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/dead-letters/replay?provider=}: 130 dead letters of one provider (more than a
 * page of 100) are replayed before and after the mapping fix, part of them first (through an id),
 * then all; the counts by result; another provider's dead letter untouched; a GET, a missing
 * provider, a bad position and a missing token refused. On H2 and PostgreSQL.
 */
class DeadLetterReplayAllTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int DEAD = 130;

    @TempDir
    Path data;
    @TempDir
    Path mappings;

    static String enroute(int i) {
        return """
                {"eventId": "replay-all-%d", "eventType": "MESSAGE_ENROUTE", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "replay-all-%d", "src": "ZECKTA", "dest": "+233202007745", "status": "ENROUTE"}}"""
                .formatted(i, i);
    }

    /** Replays as the console does: again from where the answer stopped until it is complete; the summed counts. */
    static Map<String, Integer> replayAll(RunningAdapter adapter, String query) throws Exception {
        Map<String, Integer> sums = new LinkedHashMap<>();
        String next = query;
        for (int requests = 0; requests < 50; requests++) {
            HttpResponse<String> answer = adapter.call("POST", "/api/dead-letters/replay?" + next, "test-api-token");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode counts = JSON.readTree(answer.body());
            for (String key : List.of("replayed", "stored", "duplicate", "still-unmappable")) {
                sums.merge(key, counts.get(key).asInt(), Integer::sum);
            }
            if (counts.get("complete").asBoolean()) {
                assertThat(counts.get("remaining").asLong()).isZero();
                return sums;
            }
            next = "provider=" + counts.get("provider").asText() + "&after=" + counts.get("after").asLong()
                    + "&through=" + counts.get("through").asLong();
        }
        throw new AssertionError("the replay did not complete in 50 requests");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aProvidersDeadLettersAreReplayedInPagesWithTheirCounts(TestDatabases.Kind kind) throws Exception {
        ShippedFiles.copyMappings(mappings);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.mappings.dir", mappings.toString());
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < DEAD; i++) {
                JsonNode dead = JSON.readTree(adapter.post(adapter.webhook("zeckta"), enroute(i)).body());
                assertThat(dead.get("result").asText()).isEqualTo("dead-lettered");
                ids.add(dead.get("deadLetterId").asLong());
            }
            JsonNode other = JSON.readTree(adapter.post(adapter.webhook("routee"), "{\"nothing\": \"useful\"}").body());
            assertThat(other.get("result").asText()).isEqualTo("dead-lettered");

            // refused: a GET (it changes data), no provider, a bad position, no or a wrong token
            assertThat(adapter.call("GET", "/api/dead-letters/replay?provider=zeckta", "test-api-token").statusCode())
                    .isEqualTo(405);
            assertThat(adapter.call("POST", "/api/dead-letters/replay", "test-api-token").statusCode()).isEqualTo(400);
            assertThat(adapter.call("POST", "/api/dead-letters/replay?provider=zeckta&after=-1", "test-api-token")
                    .statusCode()).isEqualTo(400);
            assertThat(adapter.call("POST", "/api/dead-letters/replay?provider=zeckta&through=x", "test-api-token")
                    .statusCode()).isEqualTo(400);
            assertThat(adapter.call("POST", "/api/dead-letters/replay?provider=zeckta", null).statusCode()).isEqualTo(401);
            assertThat(adapter.call("POST", "/api/dead-letters/replay?provider=zeckta", "wrong").statusCode()).isEqualTo(401);
            assertThat(replays(adapter)).as("nothing refused replayed anything").isZero();

            // before the fix: every one still unmappable, none kept a second time
            assertThat(replayAll(adapter, "provider=zeckta"))
                    .containsExactly(Map.entry("replayed", DEAD), Map.entry("stored", 0), Map.entry("duplicate", 0),
                            Map.entry("still-unmappable", DEAD));
            assertThat(JSON.readTree(adapter.get("/api/dead-letters?limit=500").body()).get("deadLetters")).hasSize(DEAD + 1);

            Path zeckta = mappings.resolve("zeckta.yaml");
            Files.writeString(zeckta, Files.readString(zeckta).replace("  SENT: SENT\n", "  SENT: SENT\n  ENROUTE: SENT\n"));
            adapter.restart();

            // the first ten only, then all: the ten are duplicates the second time
            HttpResponse<String> first = adapter.call("POST", "/api/dead-letters/replay?provider=zeckta&through=" + ids.get(9),
                    "test-api-token");
            JsonNode ten = JSON.readTree(first.body());
            assertThat(ten.get("provider").asText()).isEqualTo("zeckta");
            assertThat(ten.get("replayed").asInt()).isEqualTo(10);
            assertThat(ten.get("stored").asInt()).isEqualTo(10);
            assertThat(ten.get("complete").asBoolean()).isTrue();
            assertThat(ten.get("after").asLong()).isEqualTo(ids.get(9));
            assertThat(replayAll(adapter, "provider=zeckta"))
                    .containsExactly(Map.entry("replayed", DEAD), Map.entry("stored", DEAD - 10), Map.entry("duplicate", 10),
                            Map.entry("still-unmappable", 0));
            JsonNode messages = JSON.readTree(adapter.get("/api/messages?provider=zeckta&limit=500").body()).get("messages");
            assertThat(messages).hasSize(DEAD);
            assertThat(messages).allMatch(message -> message.get("status").asText().equals("SENT"));

            // a provider without dead letters: nothing to do
            assertThat(replayAll(adapter, "provider=cecula")).containsEntry("replayed", 0);
            // the other provider's dead letter was never replayed
            assertThat(replaysOf(adapter, other.get("deadLetterId").asLong())).isZero();
            assertThat(replays(adapter)).isEqualTo(DEAD + 10 + DEAD);
        }
    }

    private static long replays(RunningAdapter adapter) throws Exception {
        return Sql.number(adapter.bean("dataSource", DataSource.class), "SELECT COUNT(*) FROM dead_letter_replay");
    }

    private static long replaysOf(RunningAdapter adapter, long deadLetterId) throws Exception {
        return Sql.number(adapter.bean("dataSource", DataSource.class), "SELECT COUNT(*) FROM dead_letter_replay WHERE dead_letter_id = " + deadLetterId);
    }
}
