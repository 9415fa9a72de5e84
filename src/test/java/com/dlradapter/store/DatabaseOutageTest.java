package com.dlradapter.store;

import com.dlradapter.support.OutageLoad;
import com.dlradapter.support.RunningAdapter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proof of no loss under a database outage: a real PostgreSQL is stopped under concurrent load
 * (connections refused). The adapter answers 503, never 200 for a receipt it did not store, its
 * readiness goes DOWN, and once the database is back it recovers by itself.
 */
class DatabaseOutageTest {

    @TempDir
    Path data;
    @TempDir
    Path pgData;

    EmbeddedPostgres postgres(int port) throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(pgData).setCleanDataDirectory(false).start();
    }

    @Test
    void postgresGoneUnderLoadMeans503AndNoLossAndTheAdapterRecoversByItself() throws Exception {
        int pgPort = RunningAdapter.freePort();
        EmbeddedPostgres pg = postgres(pgPort);
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.db.url", url);
        settings.put("dlr.db.username", "postgres");
        settings.put("dlr.db.password", "");
        int managementPort = Integer.parseInt(settings.get("dlr.management.port"));
        try (RunningAdapter adapter = RunningAdapter.start(settings);
             OutageLoad load = OutageLoad.start(adapter, "outage-")) {
            Set<String> acknowledged = load.acknowledged();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 50);
            pg.close();   // connections refused from now on
            int ackedAtStop = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.answered(503) >= 20);
            HttpResponse<String> ready = adapter.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready")).GET());
            assertThat(ready.statusCode()).as("readiness during the outage: " + ready.body()).isEqualTo(503);

            pg = postgres(pgPort);   // the database is back, on the same data
            int ackedBeforeRecovery = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= ackedBeforeRecovery + 50);
            // A failed assertion inside a client ends it with an exception: stop() rethrows it here.
            load.stop();
            assertThat(load.answers().keySet()).as("answer codes").isSubsetOf(200, 503);
            assertThat(adapter.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready")).GET()).statusCode()).isEqualTo(200);

            Map<String, Integer> stored = new HashMap<>();
            try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
                stored.putAll(OutageLoad.storedEvents(connection));
            }
            List<String> lost = acknowledged.stream().filter(id -> !stored.containsKey(id)).toList();
            System.out.printf("DatabaseOutageTest: sent %d, answers %s, acknowledged %d (%d before the stop), stored %d, lost %d%n",
                    load.sent(), load.answers(), acknowledged.size(), ackedAtStop, stored.size(), lost.size());
            assertThat(lost).as("answered 200 but not stored").isEmpty();
            assertThat(stored.values()).allMatch(count -> count == 1);
        } finally {
            pg.close();
        }
    }
}
