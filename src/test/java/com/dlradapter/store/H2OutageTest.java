package com.dlradapter.store;

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
 * Proof of no loss when the embedded H2 database is closed under load (SHUTDOWN, and its file
 * taken away so it cannot be reopened): 503 only, never a 200 for a receipt not stored, and the
 * adapter recovers by itself once the file is back.
 */
class H2OutageTest {

    @TempDir
    Path data;

    static String receipt(String id) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "m-%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}
                """.formatted(id, id);
    }

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
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Void>> clients = new ArrayList<>();
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            for (int t = 0; t < 4; t++) {
                clients.add(pool.submit(() -> {
                    while (running.get()) {
                        String id = "h2-outage-" + counter.incrementAndGet();
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
            // Take the database's file away (the open database keeps its handle), then close it:
            // from now on it cannot be reopened.
            Files.move(file, away, StandardCopyOption.ATOMIC_MOVE);
            try (Connection connection = dataSource.getConnection()) {
                connection.createStatement().execute("SHUTDOWN");
            } catch (java.sql.SQLException expected) {
                // the connection dies with the database
            }
            int before503 = answers.getOrDefault(503, new AtomicInteger()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.getOrDefault(503, new AtomicInteger()).get() >= before503 + 20);
            HttpResponse<String> ready = adapter.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/health/ready"))).GET());
            assertThat(ready.statusCode()).as("readiness during the outage: " + ready.body()).isEqualTo(503);

            // Bring the file back: the pool reconnects by itself.
            Files.move(away, file, StandardCopyOption.ATOMIC_MOVE);
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
            assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/health/ready"))).GET())
                    .statusCode()).as("readiness after the outage").isEqualTo(200);

            Map<String, Integer> stored = new HashMap<>();
            try (Connection connection = dataSource.getConnection();
                 ResultSet rows = connection.createStatement().executeQuery(
                         "SELECT event_id, COUNT(*) FROM receipt_event WHERE provider = 'zeckta' GROUP BY event_id")) {
                while (rows.next()) {
                    stored.put(rows.getString(1), rows.getInt(2));
                }
            }
            List<String> lost = acknowledged.stream().filter(id -> !stored.containsKey(id)).toList();
            System.out.printf("H2OutageTest: sent %d, answers %s, acknowledged %d, stored %d, lost %d%n",
                    counter.get(), answers, acknowledged.size(), stored.size(), lost.size());
            assertThat(lost).as("answered 200 but not stored").isEmpty();
            assertThat(stored.values()).allMatch(count -> count == 1);
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }
}
