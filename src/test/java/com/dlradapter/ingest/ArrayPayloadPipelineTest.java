package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One request carrying several receipts: each is de-duplicated and stored on its own, one answer lists all. */
class ArrayPayloadPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    @TempDir
    Path routes;
    @TempDir
    Path mappings;

    @Test
    void eachReceiptOfAnArrayIsStoredAndDuplicatesAmongThemAreDropped() throws Exception {
        ShippedFiles.copyRoutes(routes);
        Files.writeString(routes.resolve("arraysms.yaml"), Files.readString(Path.of("routes/acme.yaml"))
                .replace("acme", "arraysms").replace("GET,POST", "POST"));
        // every route needs its provider's mapping
        ShippedFiles.copyMappings(mappings);
        Files.copy(Path.of("src/test/resources/shape-mappings/arraysms.yaml"), mappings.resolve("arraysms.yaml"));
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        settings.put("dlr.providers.arraysms.auth", "none");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            JsonNode first = JSON.readTree(adapter.post(adapter.webhook("arraysms"),
                    "[{\"id\": \"a1\", \"state\": \"sent\"}, {\"id\": \"a1\",  \"state\":\"ok\" }]").body());
            assertThat(first.get("result").asText()).isEqualTo("stored");
            assertThat(first.get("receipts")).hasSize(2);
            // each receipt keeps its own item, exactly as written, as its raw payload
            assertThat(rawPayloads(adapter)).containsExactly("{\"id\": \"a1\", \"state\": \"sent\"}",
                    "{\"id\": \"a1\",  \"state\":\"ok\" }");

            JsonNode second = JSON.readTree(adapter.post(adapter.webhook("arraysms"),
                    "[{\"id\": \"a1\", \"state\": \"ok\"}, {\"id\": \"a2\", \"state\": \"sent\"}]").body());
            assertThat(second.get("receipts").get(0).get("duplicate").asBoolean()).isTrue();
            assertThat(second.get("receipts").get(1).get("duplicate").asBoolean()).isFalse();

            JsonNode a1 = JSON.readTree(adapter.get("/api/messages/arraysms/a1").body());
            assertThat(a1.get("status").asText()).isEqualTo("DELIVERED");
            assertThat(a1.get("history")).hasSize(2);

            // One bad item no longer costs the batch: the good ones are stored, the bad one is a
            // dead letter of its own naming the item and the field, and the answer says so.
            var mixed = adapter.post(adapter.webhook("arraysms"),
                    "[{\"id\": \"a3\", \"state\": \"ok\"}, {\"id\": \"a4\",\"state\": \"bogus\"}, {\"id\": \"a5\", \"state\": \"sent\"}]");
            assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(mixed.body());
            assertThat(answer.get("result").asText()).isEqualTo("stored");
            assertThat(answer.get("receipts")).hasSize(2);
            assertThat(answer.get("receipts").get(0).get("messageId").asText()).isEqualTo("a3");
            assertThat(answer.get("receipts").get(1).get("messageId").asText()).isEqualTo("a5");
            assertThat(answer.get("counts").get("receipts").asInt()).isEqualTo(2);
            assertThat(answer.get("counts").get("deadLettered").asInt()).isEqualTo(1);
            JsonNode item = answer.get("deadLettered").get(0);
            assertThat(item.get("item").asInt()).isEqualTo(1);
            assertThat(item.get("reason").asText()).startsWith("item 1 of 3: ").contains("field 'providerStatus'")
                    .contains("'bogus'");
            long deadLetterId = item.get("deadLetterId").asLong();
            assertThat(adapter.get("/api/messages/arraysms/a3").statusCode()).isEqualTo(200);
            assertThat(adapter.get("/api/messages/arraysms/a5").statusCode()).isEqualTo(200);
            assertThat(adapter.get("/api/messages/arraysms/a4").statusCode()).isEqualTo(404);
            // kept as the payload with only that item, exactly as written
            JsonNode listed = JSON.readTree(adapter.get("/api/dead-letters?provider=arraysms").body()).get("deadLetters");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("rawPayload").asText()).isEqualTo("[{\"id\": \"a4\",\"state\": \"bogus\"}]");
            assertThat(listed.get(0).get("reason").asText()).isEqualTo(item.get("reason").asText());

            // its replay goes through the ingest route like any payload: still refused, then stored once the mapping knows 'bogus'
            assertThat(replay(adapter, deadLetterId).get("result").asText()).isEqualTo("still-unmappable");
            Path mapping = mappings.resolve("arraysms.yaml");
            // (its sample of a refused element then uses another unknown status: samples must pass)
            Files.writeString(mapping, Files.readString(mapping).replace("  sent: SENT\n", "  sent: SENT\n  bogus: FAILED\n")
                    .replace("\"state\": \"bogus\"}]'", "\"state\": \"nonsense\"}]'")
                    .replace("provider status 'bogus'", "provider status 'nonsense'"));
            adapter.restart();
            JsonNode replayed = replay(adapter, deadLetterId);
            assertThat(replayed.get("result").asText()).as(replayed.toString()).isEqualTo("stored");
            assertThat(replayed.get("receipts").get(0).get("messageId").asText()).isEqualTo("a4");
            assertThat(JSON.readTree(adapter.get("/api/messages/arraysms/a4").body()).get("status").asText()).isEqualTo("FAILED");
        }
    }

    private static JsonNode replay(RunningAdapter adapter, long id) throws Exception {
        var response = adapter.call("POST", "/api/dead-letters/" + id + "/replay", RunningAdapter.API_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> rawPayloads(RunningAdapter adapter) throws Exception {
        List<String> raw = new ArrayList<>();
        try (Connection connection = adapter.bean("dataSource", DataSource.class).getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT raw_payload FROM receipt_event ORDER BY seq")) {
            while (rs.next()) {
                raw.add(rs.getString(1));
            }
        }
        return raw;
    }
}
