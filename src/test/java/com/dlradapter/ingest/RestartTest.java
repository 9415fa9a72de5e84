package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Everything stored survives a restart on the same H2 file, and so does de-duplication. */
class RestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void aRestartOnTheSameDatabaseFileKeepsAllData() throws Exception {
        String sent = WebhookPipelineTest.zeckta("restart-1", "MESSAGE_SENT", "SENT", "zeckta-restart");
        String delivered = WebhookPipelineTest.zeckta("restart-2", "MESSAGE_DELIVERED", "DELIVERED", "zeckta-restart");
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data))) {
            assertThat(adapter.post(adapter.webhook("zeckta"), sent).statusCode()).isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("zeckta"), delivered).statusCode()).isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("zeckta"), "{\"eventId\": \"x\", \"message\": {}}").statusCode()).isEqualTo(200);

            adapter.restart();

            JsonNode state = JSON.readTree(adapter.get("/api/messages/zeckta/zeckta-restart").body());
            assertThat(state.get("status").asText()).isEqualTo("DELIVERED");
            assertThat(state.get("history")).hasSize(2);
            JsonNode deadLetters = JSON.readTree(adapter.get("/api/dead-letters").body()).get("deadLetters");
            assertThat(deadLetters).hasSize(1);

            // The restarted member's key cache is empty: the database still knows the event.
            JsonNode again = JSON.readTree(adapter.post(adapter.webhook("zeckta"), delivered).body());
            assertThat(again.get("result").asText()).isEqualTo("duplicate");
            state = JSON.readTree(adapter.get("/api/messages/zeckta/zeckta-restart").body());
            assertThat(state.get("history")).hasSize(2);
        }
    }
}
