package com.dlradapter.it;

import com.dlradapter.support.AdapterProcess;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two adapter JVMs on loopback, one PostgreSQL, one Hazelcast cluster: the same receipts posted to
 * both at once are stored once, and the leader killed with kill -9 under load loses no receipt it
 * answered 200 while the survivor takes its one-node-only work over within 30 seconds.
 */
class ClusterProcessesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data1;
    @TempDir
    Path data2;
    private String database;
    private AdapterProcess node1;
    private AdapterProcess node2;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabases.freshPostgresSchema();
        Map<String, String> one = AdapterProcess.defaults(data1);
        Map<String, String> two = AdapterProcess.defaults(data2);
        String members = "127.0.0.1:" + one.get("DLR_CLUSTER_PORT") + ",127.0.0.1:" + two.get("DLR_CLUSTER_PORT");
        for (Map<String, String> env : List.of(one, two)) {
            env.put("DLR_DB_URL", database);
            env.put("DLR_CLUSTER_NAME", one.get("DLR_CLUSTER_NAME"));
            env.put("DLR_CLUSTER_MEMBERS", members);
            env.put("DLR_API_TOKEN", "it-token");
        }
        node1 = AdapterProcess.start(one, data1.resolve("node1.log"));
        node2 = AdapterProcess.start(two, data2.resolve("node2.log"));
    }

    @AfterEach
    void stop() {
        if (node1 != null) {
            node1.close();
        }
        if (node2 != null) {
            node2.close();
        }
    }

    @Test
    void theSameReceiptsPostedToBothNodesAtOnceAreStoredOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                String body = Payloads.zeckta("both-" + i, "MESSAGE_DELIVERED", "DELIVERED", "both-msg-" + i);
                for (AdapterProcess node : List.of(node1, node2, node2, node1)) {
                    answers.add(pool.submit(() -> node.post("/webhooks/zeckta", body).statusCode()));
                }
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT COUNT(*) FROM receipt_event WHERE message_id LIKE 'both-msg-%'")).isEqualTo(50);
        assertThat(count("SELECT COUNT(DISTINCT idempotency_key) FROM receipt_event WHERE message_id LIKE 'both-msg-%'"))
                .isEqualTo(50);
    }

    @Test
    void everyReceiptAnswered200BeforeAKillIsStoredExactlyOnce() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Instant until = Instant.now().plus(Duration.ofSeconds(6));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> drivers = new ArrayList<>();
        for (int worker = 0; worker < 6; worker++) {
            AdapterProcess node = worker % 2 == 0 ? node1 : node2;   // both nodes take load
            int w = worker;
            drivers.add(pool.submit(() -> {
                for (int i = 0; Instant.now().isBefore(until); i++) {
                    String event = "kill-" + w + "-" + i;
                    sent.incrementAndGet();
                    try {
                        HttpResponse<String> answer = node.post("/webhooks/zeckta",
                                Payloads.zeckta(event, "MESSAGE_DELIVERED", "DELIVERED", "kill-msg-" + w + "-" + i));
                        if (answer.statusCode() == 200) {
                            acknowledged.add("zeckta|message|kill-msg-" + w + "-" + i + "|DELIVERED");
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();   // the killed node: no answer, so nothing promised
                        if (!node.isAlive()) {
                            return null;
                        }
                    }
                }
                return null;
            }));
        }
        // Kill the leader (the node running the one-node-only work) mid-stream, once load has built up.
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 100);
        AdapterProcess leader = isLeader(node1) ? node1 : node2;
        AdapterProcess survivor = leader == node1 ? node2 : node1;
        assertThat(isLeader(survivor)).as("exactly one leader").isFalse();
        leader.kill();
        long killedAt = System.nanoTime();
        for (Future<?> driver : drivers) {
            driver.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        Set<String> stored = ConcurrentHashMap.newKeySet();
        try (Connection connection = DriverManager.getConnection(database);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT idempotency_key, COUNT(*) FROM receipt_event WHERE message_id LIKE 'kill-msg-%' GROUP BY idempotency_key");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                assertThat(rs.getInt(2)).as("stored once: %s", rs.getString(1)).isEqualTo(1);
                stored.add(rs.getString(1));
            }
        }
        System.out.printf("kill -9 under load: %d sent, %d answered 200, %d unanswered (the killed node), %d stored%n",
                sent.get(), acknowledged.size(), failed.get(), stored.size());
        assertThat(acknowledged).as("some receipts were acknowledged on each side of the kill").hasSizeGreaterThan(20);
        assertThat(stored).containsAll(acknowledged);

        // The survivor takes the leader lease over within 30 seconds.
        await().atMost(Duration.ofSeconds(30)).until(() -> isLeader(survivor));
        System.out.printf("leadership moved to the survivor %.1f s after the kill%n", (System.nanoTime() - killedAt) / 1e9);
    }

    private static boolean isLeader(AdapterProcess node) throws Exception {
        JsonNode checks = JSON.readTree(node.get(node.managementUrl("/observe/health/ready?data=true")).body()).get("checks");
        for (JsonNode check : checks) {
            if (check.get("name").asText().equals("hazelcast")) {
                return check.get("data").get("leader").asBoolean();
            }
        }
        throw new AssertionError("no hazelcast health check in " + checks);
    }

    private long count(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(database);
             PreparedStatement select = connection.prepareStatement(sql);
             ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
