package com.dlradapter.cluster;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two adapter nodes in one Hazelcast cluster on one PostgreSQL database: the same receipts posted
 * to both at the same moment are stored once, and each duplicate is answered 200.
 */
class TwoNodeClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data1;
    @TempDir
    static Path data2;
    static RunningAdapter node1;
    static RunningAdapter node2;

    @BeforeAll
    static void start() {
        String database = TestDatabases.freshPostgresSchema();
        String clusterName = "dlr-cluster-test-" + System.nanoTime();
        Map<String, String> one = new LinkedHashMap<>(RunningAdapter.defaults(data1));
        Map<String, String> two = new LinkedHashMap<>(RunningAdapter.defaults(data2));
        String members = "127.0.0.1:" + one.get("dlr.cluster.port") + ",127.0.0.1:" + two.get("dlr.cluster.port");
        for (Map<String, String> settings : List.of(one, two)) {
            settings.put("dlr.db.url", database);
            settings.put("dlr.db.username", "");
            settings.put("dlr.cluster.name", clusterName);
            settings.put("dlr.cluster.members", members);
        }
        node1 = RunningAdapter.start(one);
        node2 = RunningAdapter.start(two);
    }

    @AfterAll
    static void stop() {
        if (node2 != null) {
            node2.close();
        }
        if (node1 != null) {
            node1.close();
        }
    }

    @Test
    void bothNodesFormOneCluster() {
        assertThat(node1.bean("hazelcastInstance", HazelcastInstance.class).getCluster().getMembers()).hasSize(2);
        assertThat(node2.bean("hazelcastInstance", HazelcastInstance.class).getCluster().getMembers()).hasSize(2);
    }

    @Test
    void healthReportsTheDatabaseTheMemberAndTheClusterSize() throws Exception {
        for (RunningAdapter node : List.of(node1, node2)) {
            HttpResponse<String> health = node.send(HttpRequest.newBuilder(
                    URI.create(node.managementUrl("/observe/health/ready?data=true"))).GET());
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode checks = JSON.readTree(health.body()).get("checks");
            JsonNode database = find(checks, "database");
            JsonNode hazelcast = find(checks, "hazelcast");
            assertThat(database.get("status").asText()).isEqualTo("UP");
            assertThat(database.get("data").get("database").asText()).startsWith("PostgreSQL");
            assertThat(hazelcast.get("status").asText()).isEqualTo("UP");
            assertThat(hazelcast.get("data").get("cluster.size").asInt()).isEqualTo(2);
        }
    }

    private static JsonNode find(JsonNode checks, String name) {
        for (JsonNode check : checks) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no health check " + name + " in " + checks);
    }

    @Test
    void theSameReceiptsPostedToBothNodesConcurrentlyAreStoredOnce() throws Exception {
        int messages = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Integer>> posts = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            String body = Payloads.zeckta("cluster-event-" + i, "MESSAGE_DELIVERED", "DELIVERED", "cluster-msg-" + i);
            for (RunningAdapter node : List.of(node1, node2, node1, node2)) {
                posts.add(() -> node.post(node.webhook("zeckta"), body).statusCode());
            }
        }
        try {
            for (Future<Integer> status : pool.invokeAll(posts)) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < messages; i++) {
            JsonNode fromOne = JSON.readTree(node1.get("/api/messages/zeckta/cluster-msg-" + i).body());
            JsonNode fromTwo = JSON.readTree(node2.get("/api/messages/zeckta/cluster-msg-" + i).body());
            assertThat(fromOne.get("history")).as("message %d", i).hasSize(1);
            assertThat(fromTwo.get("history")).hasSize(1);
        }
        // A key learnt on one node is known on the other: the second node drops the retry itself.
        String again = Payloads.zeckta("cluster-event-0", "MESSAGE_DELIVERED", "DELIVERED", "cluster-msg-0");
        assertThat(JSON.readTree(node2.post(node2.webhook("zeckta"), again).body()).get("result").asText()).isEqualTo("duplicate");
    }
}
