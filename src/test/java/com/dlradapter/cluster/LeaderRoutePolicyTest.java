package com.dlradapter.cluster;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.dlradapter.support.TestDatabases;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A route with {@code routePolicy: "#leaderOnly"} runs on exactly one of two nodes, and moves to
 * the other when its node stops.
 */
class LeaderRoutePolicyTest {

    @TempDir
    Path routes;
    @TempDir
    Path data1;
    @TempDir
    Path data2;

    private static final String PROBE = """
            - route:
                id: singleton-probe
                description: "A timer that must run on one node only"
                routePolicy: "#leaderOnly"
                from:
                  uri: "timer:probe?period=200"
                  steps:
                    - log:
                        message: "singleton tick"
                        loggingLevel: DEBUG
            """;

    private static boolean running(RunningAdapter node) {
        var route = node.context().getRoute("singleton-probe");
        return route != null && ServiceHelper.isStarted(route.getConsumer());
    }

    @Test
    void aLeaderOnlyRouteRunsOnOneNodeAndMovesWhenItsNodeStops() throws Exception {
        ShippedFiles.copyRoutes(routes);
        Files.writeString(routes.resolve("singleton-probe.yaml"), PROBE);
        String database = TestDatabases.freshPostgresSchema();
        List<RunningAdapter> nodes = new java.util.ArrayList<>();
        try {
            for (Path data : List.of(data1, data2)) {
                Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
                settings.put("dlr.db.url", database);
                settings.put("dlr.routes.dir", routes.toString());
                settings.put("dlr.cluster.lease-ttl", "2s");
                settings.put("dlr.cluster.lease-renew", "300ms");
                nodes.add(RunningAdapter.start(settings));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> nodes.stream().filter(LeaderRoutePolicyTest::running).count() == 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> nodes.stream().filter(LeaderRoutePolicyTest::running).count() == 1);

            RunningAdapter leader = nodes.stream().filter(LeaderRoutePolicyTest::running).findFirst().orElseThrow();
            RunningAdapter other = nodes.get(nodes.get(0) == leader ? 1 : 0);
            leader.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> running(other));
            assertThat(other.bean("leaderLease", LeaderLease.class).isLeader()).isTrue();
        } finally {
            nodes.forEach(RunningAdapter::close);
        }
    }
}
