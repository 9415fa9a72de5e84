package com.dlradapter.store;

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
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    static String receipt(String id) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "m-%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}
                """.formatted(id, id);
    }

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
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Void>> clients = new ArrayList<>();
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            for (int t = 0; t < 4; t++) {
                clients.add(pool.submit(() -> {
                    while (running.get()) {
                        String id = "outage-" + counter.incrementAndGet();
                        HttpResponse<String> answer = adapter.post(adapter.webhook("zeckta"), receipt(id));
                        answers.computeIfAbsent(answer.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        if (answer.statusCode() == 200) {
                            assertThat(answer.body()).contains("\"stored\"");
                            acknowledged.add(id);
                        } else {
                            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 50);
            pg.close();   // connections refused from now on
            int ackedAtStop = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.getOrDefault(503, new AtomicInteger()).get() >= 20);
            HttpResponse<String> ready = adapter.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready")).GET());
            assertThat(ready.statusCode()).as("readiness during the outage: " + ready.body()).isEqualTo(503);

            pg = postgres(pgPort);   // the database is back, on the same data
            int ackedBeforeRecovery = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= ackedBeforeRecovery + 50);
            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            // A failed assertion inside a client ends it with an exception: get() rethrows it here.
            for (Future<Void> client : clients) {
                client.get();
            }
            assertThat(answers.keySet()).as("answer codes").isSubsetOf(200, 503);
            assertThat(adapter.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready")).GET()).statusCode()).isEqualTo(200);

            Map<String, Integer> stored = new HashMap<>();
            try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                 ResultSet rows = connection.createStatement().executeQuery(
                         "SELECT event_id, COUNT(*) FROM receipt_event WHERE provider = 'zeckta' GROUP BY event_id")) {
                while (rows.next()) {
                    stored.put(rows.getString(1), rows.getInt(2));
                }
            }
            List<String> lost = acknowledged.stream().filter(id -> !stored.containsKey(id)).toList();
            System.out.printf("DatabaseOutageTest: sent %d, answers %s, acknowledged %d (%d before the stop), stored %d, lost %d%n",
                    counter.get(), answers, acknowledged.size(), ackedAtStop, stored.size(), lost.size());
            assertThat(lost).as("answered 200 but not stored").isEmpty();
            assertThat(stored.values()).allMatch(count -> count == 1);
        } finally {
            running.set(false);
            pool.shutdownNow();
            pg.close();
        }
    }
}
