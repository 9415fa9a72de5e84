package com.dlradapter.ingest;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A value the database refuses (SQLSTATE class 22: too long, out of range, not valid for its type)
 * is the payload's fault, not an outage: the provider would retry a 503 for ever. The receipt is
 * kept as a dead letter and answered 200. Simulated with a column narrower than the data.
 */
class DatabaseDataErrorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aValueTheDatabaseRefusesIsADeadLetterNotA503(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            execute(adapter, "ALTER TABLE receipt_event ALTER COLUMN provider_status SET DATA TYPE VARCHAR(4)");
            HttpResponse<String> response = adapter.post(adapter.webhook("zeckta"),
                    Payloads.zeckta("data-error-1", "MESSAGE_DELIVERED", "DELIVERED", "data-error-message"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(response.body());
            assertThat(answer.get("result").asText()).isEqualTo("dead-lettered");
            assertThat(answer.get("reason").asText()).startsWith("the database refused a value of this payload");
            assertThat(adapter.get("/api/dead-letters").body()).contains("the database refused a value of this payload");
        }
    }

    private static void execute(RunningAdapter adapter, String sql) throws Exception {
        try (Connection connection = adapter.bean("dataSource", DataSource.class).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
