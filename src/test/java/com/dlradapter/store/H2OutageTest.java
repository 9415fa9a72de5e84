package com.dlradapter.store;

import com.dlradapter.support.OutageLoad;
import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proof of no loss when the embedded H2 database is closed under load (SHUTDOWN, and its file
 * taken away so it cannot be reopened): 503 only, never a 200 for a receipt not stored, and the
 * adapter recovers by itself once the file is back.
 */
class H2OutageTest {

    @TempDir
    Path data;

    @Test
    void h2ClosedUnderLoadMeans503AndNoLossAndRecovery() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        // IFEXISTS: once its file is gone, H2 refuses connections instead of creating an empty database
        settings.put("dlr.db.url", settings.get("dlr.db.url") + ";IFEXISTS=TRUE");
        Files.createDirectories(data);
        // create the database file first (IFEXISTS needs it)
        try (Connection ignored = java.sql.DriverManager.getConnection(
                "jdbc:h2:file:" + data.resolve("dlr").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "")) {
            // created
        }
        Path file = data.resolve("dlr.mv.db");
        Path away = data.resolve("away.mv.db");
        try (RunningAdapter adapter = RunningAdapter.start(settings);
             OutageLoad load = OutageLoad.start(adapter, "h2-outage-")) {
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            Set<String> acknowledged = load.acknowledged();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 50);
            // Take the database's file away (the open database keeps its handle), then close it:
            // from now on it cannot be reopened.
            Files.move(file, away, StandardCopyOption.ATOMIC_MOVE);
            try (Connection connection = dataSource.getConnection()) {
                connection.createStatement().execute("SHUTDOWN");
            } catch (java.sql.SQLException expected) {
                // the connection dies with the database
            }
            int before503 = load.answered(503);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.answered(503) >= before503 + 20);
            HttpResponse<String> ready = adapter.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/health/ready"))).GET());
            assertThat(ready.statusCode()).as("readiness during the outage: " + ready.body()).isEqualTo(503);

            // Bring the file back: the pool reconnects by itself.
            Files.move(away, file, StandardCopyOption.ATOMIC_MOVE);
            int ackedBeforeRecovery = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= ackedBeforeRecovery + 50);
            // A failed assertion inside a client ends it with an exception: stop() rethrows it here.
            load.stop();
            assertThat(load.answers().keySet()).as("answer codes").isSubsetOf(200, 503);
            assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/health/ready"))).GET())
                    .statusCode()).as("readiness after the outage").isEqualTo(200);

            Map<String, Integer> stored = new HashMap<>();
            try (Connection connection = dataSource.getConnection()) {
                stored.putAll(OutageLoad.storedEvents(connection));
            }
            List<String> lost = acknowledged.stream().filter(id -> !stored.containsKey(id)).toList();
            System.out.printf("H2OutageTest: sent %d, answers %s, acknowledged %d, stored %d, lost %d%n",
                    load.sent(), load.answers(), acknowledged.size(), stored.size(), lost.size());
            assertThat(lost).as("answered 200 but not stored").isEmpty();
            assertThat(stored.values()).allMatch(count -> count == 1);
        }
    }
}
