package com.dlradapter.it;

import com.dlradapter.support.AdapterProcess;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
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
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
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
    private WireMockServer cecula;

    @BeforeEach
    void start() throws Exception {
        cecula = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        cecula.start();
        database = TestDatabases.freshPostgresSchema();
        Map<String, String> one = AdapterProcess.defaults(data1);
        Map<String, String> two = AdapterProcess.defaults(data2);
        String members = "127.0.0.1:" + one.get("DLR_CLUSTER_PORT") + ",127.0.0.1:" + two.get("DLR_CLUSTER_PORT");
        for (Map<String, String> env : List.of(one, two)) {
            env.put("DLR_DB_URL", database);
            env.put("DLR_CLUSTER_NAME", one.get("DLR_CLUSTER_NAME"));
            env.put("DLR_CLUSTER_MEMBERS", members);
            env.put("DLR_API_TOKEN", "it-token");
            // Polling every second against the fake Cecula status API (on the leader only).
            env.put("DLR_POLLING_CRON", "0/1 * * * * ?");
            env.put("DLR_POLLING_BACKOFF", "1s");
            env.put("DLR_PROVIDERS_CECULA_BASE_URL", cecula.baseUrl());
            env.put("DLR_PROVIDERS_CECULA_API_KEY", "it-key");
            // Every receipt forwarded to one outbound webhook (the fake server's /erp).
            env.put("DLR_OUTBOUND_TARGETS", "erp");
            env.put("DLR_OUTBOUND_ERP_URL", cecula.baseUrl() + "/erp");
            env.put("DLR_OUTBOUND_ERP_SECRET", "whsec_" + java.util.Base64.getEncoder().encodeToString("it-secret-it-secret".getBytes()));
        }
        node1 = AdapterProcess.start(one, data1.resolve("node1.log"));
        node2 = AdapterProcess.start(two, data2.resolve("node2.log"));
        // One Hazelcast cluster, not two lone members each settling duplicates in the database only.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (AdapterProcess node : List.of(node1, node2)) {
                JsonNode hazelcast = hazelcastHealth(node);
                assertThat(hazelcast.get("cluster.size").asInt()).as("cluster size seen by %s", node.env("DLR_HTTP_PORT"))
                        .isEqualTo(2);
                assertThat(hazelcast.get("cluster.name").asText()).isEqualTo(one.get("DLR_CLUSTER_NAME"));
            }
        });
    }

    @AfterEach
    void stop() {
        if (node1 != null) {
            node1.close();
        }
        if (node2 != null) {
            node2.close();
        }
        cecula.stop();
    }

    private static String ceculaReport(String status) {
        return "{\"reference\": \"{{request.pathSegments.[2]}}\", \"mobile\": \"2348181234567\", \"status\": \"" + status + "\"}";
    }

    @Test
    void theSameReceiptsPostedToBothNodesAtOnceAreStoredAndForwardedOnce() throws Exception {
        cecula.stubFor(post(urlPathEqualTo("/erp")).willReturn(aResponse().withStatus(204)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                String body = Payloads.zeckta("both-" + i, "MESSAGE_DELIVERED", "DELIVERED", "both-msg-" + i);
                for (AdapterProcess node : List.of(node1, node2, node2, node1)) {
                    answers.add(pool.submit(() -> node.post(node.webhook("zeckta"), body).statusCode()));
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
        // Forwarded once each: 50 deliveries, 50 distinct webhook-ids, whichever node sent them.
        await().atMost(Duration.ofSeconds(30)).until(() -> cecula.findAll(postRequestedFor(urlPathEqualTo("/erp"))).size() >= 50);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> cecula.findAll(postRequestedFor(urlPathEqualTo("/erp"))).size() == 50);
        assertThat(cecula.findAll(postRequestedFor(urlPathEqualTo("/erp"))).stream()
                .map(request -> request.getHeader("webhook-id")).distinct().count()).isEqualTo(50);
        // Nothing the members sent each other was refused by the deserialisation allow-list.
        for (AdapterProcess node : List.of(node1, node2)) {
            assertThat(node.log()).doesNotContain("is not allowed");
        }
    }

    @Test
    void everyReceiptAnswered200BeforeAKillIsStoredExactlyOnceAndPollingMovesToTheSurvivor() throws Exception {
        // A polling backlog: the status API says SENT (not final) until after the kill.
        cecula.stubFor(get(urlPathMatching("/sms/delivery-report/.*")).willReturn(aResponse().withStatus(200)
                .withTransformers("response-template").withBody(ceculaReport("SENT"))));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> registered = node1.send(node1.url("/api/messages"), "it-token",
                    "{\"provider\": \"cecula\", \"messageId\": \"backlog-" + i + "\"}");
            assertThat(registered.statusCode()).isEqualTo(201);
        }

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        // Load goes on until 3 s after the kill (at most a minute): on a busy machine 100 answers
        // may take longer than a fixed window, and the kill must fall in the middle of the stream.
        AtomicReference<Instant> until = new AtomicReference<>(Instant.now().plus(Duration.ofSeconds(60)));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> drivers = new ArrayList<>();
        for (int worker = 0; worker < 6; worker++) {
            AdapterProcess node = worker % 2 == 0 ? node1 : node2;   // both nodes take load
            int w = worker;
            drivers.add(pool.submit(() -> {
                for (int i = 0; Instant.now().isBefore(until.get()); i++) {
                    String event = "kill-" + w + "-" + i;
                    sent.incrementAndGet();
                    try {
                        HttpResponse<String> answer = node.post(node.webhook("zeckta"),
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
        until.set(Instant.now().plus(Duration.ofSeconds(3)));
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

        // The survivor takes the leader lease over within 30 seconds, and with it polling: it
        // finishes the backlog once the provider reports the messages delivered.
        cecula.resetMappings();
        cecula.stubFor(get(urlPathMatching("/sms/delivery-report/.*")).willReturn(aResponse().withStatus(200)
                .withTransformers("response-template").withBody(ceculaReport("DELIVRD"))));
        await().atMost(Duration.ofSeconds(30)).until(() -> isLeader(survivor));
        System.out.printf("leadership moved to the survivor %.1f s after the kill%n", (System.nanoTime() - killedAt) / 1e9);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("SELECT COUNT(*) FROM message_status WHERE provider = 'cecula' AND message_id LIKE 'backlog-%' AND is_final") == 20);
        System.out.printf("polling backlog of 20 finished by the survivor %.1f s after the kill%n",
                (System.nanoTime() - killedAt) / 1e9);
    }

    private static boolean isLeader(AdapterProcess node) throws Exception {
        return hazelcastHealth(node).get("leader").asBoolean();
    }

    /** The data of the hazelcast readiness check (ClusterHealthCheck) on the management server. */
    private static JsonNode hazelcastHealth(AdapterProcess node) throws Exception {
        JsonNode checks = JSON.readTree(node.get(node.managementUrl("/observe/health/ready?data=true")).body()).get("checks");
        for (JsonNode check : checks) {
            if (check.get("name").asText().equals("hazelcast")) {
                return check.get("data");
            }
        }
        throw new AssertionError("no hazelcast health check in " + checks);
    }

    private long count(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(database)) {
            return Sql.number(connection, sql);
        }
    }
}
