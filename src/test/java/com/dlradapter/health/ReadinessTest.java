package com.dlradapter.health;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Readiness says whether a receipt could be stored now, and the store's file cannot vanish
 * unnoticed: a read-only database is not ready, an H2 file deleted while running makes readiness
 * DOWN, a lost H2 file stops the next start, and any H2 file URL works as H2's docs write it.
 */
class ReadinessTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aReadOnlyDatabaseIsNotReady(TestDatabases.Kind kind) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            assertThat(ready(adapter).statusCode()).as(ready(adapter).body()).isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("ro-1", "MESSAGE_DELIVERED", "DELIVERED", "ro-1"))
                    .statusCode()).isEqualTo(200);
        }
        // the same database again, read-only: H2's read-only access mode, or PostgreSQL sessions
        // whose transactions are read-only (as on a standby)
        settings.put("dlr.db.url", kind == TestDatabases.Kind.H2
                ? settings.get("dlr.db.url") + ";ACCESS_MODE_DATA=r"
                : settings.get("dlr.db.url") + "&options=-c%20default_transaction_read_only%3Don");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            HttpResponse<String> ready = ready(adapter);
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).contains("database").containsIgnoringCase("read");
            HttpResponse<String> receipt = adapter.post(adapter.webhook("zeckta"),
                    Payloads.zeckta("ro-2", "MESSAGE_DELIVERED", "DELIVERED", "ro-2"));
            assertThat(receipt.statusCode()).as(receipt.body()).isEqualTo(503);
            // still alive: restarting would not make the database writable
            HttpResponse<String> live = adapter.send(HttpRequest.newBuilder(
                    URI.create(adapter.managementUrl("/observe/health/live"))).GET());
            assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        }
    }

    @Test
    void anH2FileDeletedWhileRunningMakesReadinessDownAndTheNextStartStops() throws Exception {
        Map<String, String> settings = RunningAdapter.defaults(data);
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            assertThat(ready(adapter).statusCode()).isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("gone-1", "MESSAGE_DELIVERED", "DELIVERED", "gone-1"))
                    .statusCode()).isEqualTo(200);
            Files.delete(data.resolve("dlr.mv.db"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> ready = ready(adapter);
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                assertThat(ready.body()).contains("dlr.mv.db").contains("gone");
            });
        }
        // The folder still holds the API token and the first run's files: the database was lost.
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasStackTraceContaining("dlr.db.url")
                .hasStackTraceContaining("dlr.mv.db is missing")
                .hasStackTraceContaining("lost or moved");
    }

    @Test
    void aFreshOrEmptyDataFolderStartsANewDatabase() throws Exception {
        Path empty = Files.createDirectories(data.resolve("empty"));
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(empty))) {
            assertThat(ready(adapter).statusCode()).isEqualTo(200);
        }
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data.resolve("absent").resolve("deeper")))) {
            assertThat(ready(adapter).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anH2FileUrlAsH2WritesItWorks() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.db.url", "jdbc:h2:file:" + data.resolve("db").toAbsolutePath());
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> stored = adapter.post(adapter.webhook("zeckta"),
                        Payloads.zeckta("plain-" + i, "MESSAGE_DELIVERED", "DELIVERED", "plain-" + i));
                assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
                assertThat(stored.body()).contains("\"stored\"");
            }
            HttpResponse<String> message = adapter.get("/api/messages/zeckta/plain-1");
            assertThat(message.statusCode()).as(message.body()).isEqualTo(200);
            assertThat(message.body()).contains("\"status\":\"DELIVERED\"");
            assertThat(ready(adapter).statusCode()).isEqualTo(200);
        }
        assertThat(data.resolve("db.mv.db")).exists();
    }

    @Test
    void anH2UrlContradictingTheNeededSettingsOrAnotherDatabaseStopsTheStart() {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.db.url", "jdbc:h2:file:" + data.resolve("db").toAbsolutePath() + ";MODE=MySQL");
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasStackTraceContaining("dlr.db.url sets MODE=MySQL, but the adapter needs MODE=PostgreSQL");
        settings.put("dlr.db.url", "jdbc:mysql://127.0.0.1:3306/dlr?user=dlr&password=secret");
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasStackTraceContaining("dlr.db.url: 'jdbc:mysql://127.0.0.1:3306/dlr?user=dlr&password=***' is not a supported database");
    }

    private static HttpResponse<String> ready(RunningAdapter adapter) {
        return adapter.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/health/ready"))).GET());
    }
}
