package com.dlradapter.cluster;

import com.dlradapter.store.Database;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.TestDatabases.Kind;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Exactly one holder of the lease, on H2 and PostgreSQL; a stopped or dead holder is replaced. */
class LeaderLeaseTest {

    @TempDir
    Path directory;
    private Database database;
    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() {
        context.stop();
        if (database != null) {
            database.stop();
        }
    }

    private LeaderLease lease(String holder) {
        LeaderLease lease = new LeaderLease(context, database.dataSource(), "test", holder,
                Duration.ofSeconds(2), Duration.ofMillis(300));
        lease.start();
        return lease;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oneHolderAtATimeAndTheNextTakesOverWhenItStops(Kind kind) {
        database = TestDatabases.database(kind, directory);
        context.start();
        List<LeaderLease> nodes = List.of(lease("a"), lease("b"), lease("c"));
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().filter(LeaderLease::isLeader).count() == 1);
        // It stays with one holder across many renewals.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> nodes.stream().filter(LeaderLease::isLeader).count() == 1);

        LeaderLease first = nodes.stream().filter(LeaderLease::isLeader).findFirst().orElseThrow();
        first.stop();   // orderly: releases the lease, the next node takes it at its next turn
        await().atMost(Duration.ofSeconds(2)).until(() -> nodes.stream().filter(n -> n != first).anyMatch(LeaderLease::isLeader));
        assertThat(nodes.stream().filter(LeaderLease::isLeader).count()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aHolderThatDiesIsReplacedWhenItsLeaseExpires(Kind kind) {
        database = TestDatabases.database(kind, directory);
        context.start();
        LeaderLease dying = lease("dying");
        await().atMost(Duration.ofSeconds(5)).until(dying::isLeader);
        LeaderLease survivor = lease("survivor");
        dying.haltWithoutRelease();
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(survivor::isLeader);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
}
