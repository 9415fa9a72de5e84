package com.dlradapter.mapping;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapping language through the running adapter: one shape takes the same receipt as a GET
 * query and as a JSON POST, a reason is left out of delivered receipts, an error code is
 * described by a table, and a batch's cost is price x count (the test-only langsms mapping, which
 * is written with merge keys).
 */
class MappingLanguageHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    @TempDir
    Path routes;
    @TempDir
    Path mappings;

    @Test
    void oneMappingReadsAGetQueryAndAJsonPostWithConditionsTablesAndArithmetic() throws Exception {
        ShippedFiles.copyRoutes(routes);
        ShippedFiles.copyMappings(mappings);
        Files.writeString(routes.resolve("langsms.yaml"), Files.readString(Path.of("routes/acme.yaml")).replace("acme", "langsms"));
        Files.copy(Path.of("src/test/resources/shape-mappings/langsms.yaml"), mappings.resolve("langsms.yaml"));
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        settings.put("dlr.providers.langsms.auth", "none");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            var query = adapter.get("/webhooks/langsms?messageId=q-1&status=delivered&msisdn=447700900001&err-code=0"
                    + "&price=0.03330000&message-timestamp=2026-01-02+03%3A04%3A05");
            assertThat(query.statusCode()).as(query.body()).isEqualTo(200);
            var post = adapter.post("/webhooks/langsms", "{\"messageId\": \"j-1\", \"status\": \"failed\","
                    + " \"msisdn\": \"447700900001\", \"err-code\": \"2\"}");
            assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
            var batch = adapter.post("/webhooks/langsms", "{\"results\": [{\"id\": \"b-1\", \"to\": \"41793026727\","
                    + " \"count\": 3, \"state\": {\"name\": \"DELIVERED\"}, \"price\": {\"perMessage\": 0.0125, \"currency\": \"EUR\"}}]}");
            assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);

            JsonNode delivered = adapter.message("langsms", "q-1");
            assertThat(delivered.get("status").asText()).isEqualTo("DELIVERED");
            assertThat(delivered.path("reason").isNull() || delivered.path("reason").isMissingNode())
                    .as("err-code=0 is no reason on a delivered receipt: %s", delivered).isTrue();
            assertThat(delivered.at("/cost/amount").decimalValue()).isEqualByComparingTo("0.0333");

            JsonNode failed = adapter.message("langsms", "j-1");
            assertThat(failed.get("status").asText()).isEqualTo("FAILED");
            assertThat(failed.at("/reason/code").asText()).isEqualTo("2");
            assertThat(failed.at("/reason/description").asText()).isEqualTo("Absent Subscriber - Temporary");

            assertThat(adapter.message("langsms", "b-1").at("/cost/amount").decimalValue()).isEqualByComparingTo("0.0375");
        }
    }
}
