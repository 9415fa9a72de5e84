package com.dlradapter.it;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proof of no loss under a crash: the packaged adapter takes concurrent webhooks, is killed with
 * SIGKILL ({@code Process.destroyForcibly()}) in the middle, and is started again on the same
 * data. Every receipt that was answered 200 must be stored exactly once.
 */
class CrashIT {

    private static final String TOKEN = "crash-token";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    @TempDir
    Path data;

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process start(int httpPort, int managementPort, int clusterPort, Path log, String logFormat) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/dlr-adapter.jar")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("DLR_"));
        env.put("DLR_HTTP_PORT", String.valueOf(httpPort));
        env.put("DLR_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("DLR_CLUSTER_PORT", String.valueOf(clusterPort));
        env.put("DLR_CLUSTER_NAME", "dlr-crash-" + System.nanoTime());
        env.put("DLR_DATA_DIR", data.toString());
        env.put("DLR_DB_URL", dbUrl());
        env.put("DLR_PROVIDERS_ZECKTA_TOKEN", TOKEN);
        env.put("DLR_RATE_LIMIT_CLIENT_PER_SECOND", "0");
        env.put("DLR_RATE_LIMIT_PROVIDER_PER_SECOND", "0");
        env.put("DLR_LOG_FORMAT", logFormat);
        Process started = builder.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> {
                    assertThat(started.isAlive()).as("the adapter is running; log:%n%s", Files.readString(log)).isTrue();
                    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                });
        return started;
    }

    private String dbUrl() {
        return "jdbc:h2:file:" + data.resolve("dlr").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    }

    static String receipt(String id) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "m-%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}
                """.formatted(id, id);
    }

    @Test
    void everyReceiptAnswered200BeforeAKillIsStoredExactlyOnce() throws Exception {
        int httpPort = RunningAdapter.freePort();
        int managementPort = RunningAdapter.freePort();
        int clusterPort = RunningAdapter.freePort();
        Path log = data.resolve("adapter.log");
        process = start(httpPort, managementPort, clusterPort, log, "text");

        String url = "http://127.0.0.1:" + httpPort + "/webhooks/zeckta?token=" + TOKEN;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        AtomicInteger otherAnswers = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> lastOther = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (running.get()) {
                    String id = "crash-" + counter.incrementAndGet();
                    sent.add(id);
                    try {
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(receipt(id))).build(), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 200 && answer.body().contains("\"stored\"")) {
                            acknowledged.add(id);
                        } else {
                            otherAnswers.incrementAndGet();
                            lastOther.set(answer.statusCode() + " " + answer.body());
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        lastOther.set(e.toString());
                        if (!process.isAlive()) {
                            return null;
                        }
                    }
                }
                return null;
            });
        }
        // Kill in the middle of the load: once a good number of receipts are acknowledged.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(acknowledged.size())
                .as("acknowledged; other answers %d (last: %s), failed %d", otherAnswers.get(), lastOther.get(), failed.get())
                .isGreaterThanOrEqualTo(200));
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int ackedAtKill = acknowledged.size();
        running.set(false);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failed.get()).as("requests in flight at the kill failed").isPositive();

        // Restart on the same data, this time logging JSON; the adapter recovers and still answers.
        Path jsonLog = data.resolve("adapter-json.log");
        process = start(httpPort, managementPort, clusterPort, jsonLog, "json");
        // A retry of an acknowledged receipt is a duplicate, not a second event.
        String some = acknowledged.iterator().next();
        HttpResponse<String> retry = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(receipt(some))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).contains("\"duplicate\"");
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> jsonLines = Files.readAllLines(jsonLog).stream().filter(line -> !line.isBlank()).toList();
        assertThat(jsonLines).isNotEmpty();
        for (String line : jsonLines) {
            assertThat(JSON.readTree(line).has("message")).as("a JSON log line: %s", line).isTrue();
        }
        for (Path file : List.of(log, jsonLog)) {
            assertThat(Files.readString(file)).as("recipient numbers are masked in %s", file).doesNotContain("233202007745")
                    .doesNotContain(TOKEN);
        }

        Map<String, Integer> stored = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(dbUrl(), "sa", "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT event_id, COUNT(*) FROM receipt_event WHERE provider = 'zeckta' GROUP BY event_id")) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getInt(2));
            }
        }
        List<String> lost = acknowledged.stream().filter(id -> !stored.containsKey(id)).toList();
        List<String> twice = stored.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList();
        System.out.printf("CrashIT: sent %d, answered 200 %d (at the kill %d), other answers %d, failed in flight %d, "
                        + "stored %d, acknowledged but lost %d, stored more than once %d%n",
                sent.size(), acknowledged.size(), ackedAtKill, otherAnswers.get(), failed.get(), stored.size(), lost.size(), twice.size());
        assertThat(lost).as("acknowledged receipts missing after the kill").isEmpty();
        assertThat(twice).as("receipts stored more than once").isEmpty();
        assertThat(stored.keySet()).as("only receipts that were sent").isSubsetOf(sent);
    }
}
