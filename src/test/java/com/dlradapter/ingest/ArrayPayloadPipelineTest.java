package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
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
import java.util.stream.Stream;

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
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.writeString(routes.resolve("arraysms.yaml"), Files.readString(Path.of("routes/acme.yaml"))
                .replace("acme", "arraysms").replace("GET,POST", "POST"));
        // every route needs its provider's mapping
        try (Stream<Path> files = Files.list(Path.of("mappings"))) {
            for (Path file : files.toList()) {
                Files.copy(file, mappings.resolve(file.getFileName()));
            }
        }
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
        }
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
