package com.dlradapter.routing;

import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.store.Database;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.TestDatabases.Kind;
import com.hazelcast.core.Hazelcast;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An attempt's outcome is recorded only while its claim is still held: once the lease ran out and
 * another node claimed the delivery (or it was retried by hand), a late answer must not overwrite
 * the newer attempt's state. And a target whose timeout could outlast the lease stops the start.
 */
class DeliveryLeaseTest {

    private static final Duration LEASE = Duration.ofMillis(400);

    @TempDir
    Path directory;
    Database database;
    Deliveries nodeA;
    Deliveries nodeB;

    void open(Kind kind, Duration lease) {
        database = TestDatabases.database(kind, directory);
        RetryPolicy retry = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofDays(1));
        AdapterMetrics metrics = new AdapterMetrics(new SimpleMeterRegistry());
        nodeA = new Deliveries(database.dataSource(), retry, lease, 10, 10, Duration.ofDays(1), metrics);
        nodeB = new Deliveries(database.dataSource(), retry, lease, 10, 10, Duration.ofDays(1), metrics);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private String queue(String sourceId) throws Exception {
        try (Connection connection = database.dataSource().getConnection()) {
            nodeA.queue(connection, "webhook", "erp", sourceId, "sms.receipt.delivered", "{}", Instant.now().minusSeconds(1));
        }
        return Deliveries.deliveryId("webhook", "erp", sourceId);
    }

    private Delivery row(String id) throws Exception {
        return nodeA.list(null, 100, 0).stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLateOutcomeDoesNotOverwriteTheClaimThatTookOver(Kind kind) throws Exception {
        open(kind, LEASE);
        String id = queue("late-1");
        List<Delivery> first = nodeA.claim("webhook", "erp", 10);
        assertThat(first).extracting(Delivery::id).containsExactly(id);
        assertThat(nodeB.claim("webhook", "erp", 10)).as("held by A").isEmpty();

        // A's attempt outlives its lease (a slow target): B claims the delivery and tries again.
        List<Delivery> second = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> nodeB.claim("webhook", "erp", 10), claimed -> !claimed.isEmpty());
        Delivery claimedByB = second.get(0);

        nodeA.delivered(first.get(0), 200);   // A's late answer
        assertThat(row(id).status()).as("A no longer holds the claim").isEqualTo(Deliveries.PENDING);
        assertThat(row(id).attempts()).isZero();
        nodeA.failNow(first.get(0), 410, "410 Gone");
        assertThat(row(id).status()).isEqualTo(Deliveries.PENDING);

        nodeB.attemptFailed(claimedByB, 503, "HTTP 503");   // B's outcome counts
        Delivery recorded = row(id);
        assertThat(recorded.status()).isEqualTo(Deliveries.PENDING);
        assertThat(recorded.attempts()).isEqualTo(1);
        assertThat(recorded.lastCode()).isEqualTo(503);
        assertThat(recorded.nextAttemptAt()).isAfter(Instant.now().plusSeconds(30));
        nodeA.delivered(first.get(0), 200);
        assertThat(row(id).status()).as("still B's outcome").isEqualTo(Deliveries.PENDING);
        assertThat(row(id).lastCode()).isEqualTo(503);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anAttemptPastItsLeaseThatNobodyClaimedAgainIsStillRecorded(Kind kind) throws Exception {
        open(kind, LEASE);
        String id = queue("slow-1");
        Delivery claimed = nodeA.claim("webhook", "erp", 10).get(0);
        java.time.Instant expired = java.time.Instant.now().plus(LEASE).plusMillis(100);
        await().atMost(LEASE.plusSeconds(5)).until(() -> java.time.Instant.now().isAfter(expired));
        nodeA.delivered(claimed, 204);
        assertThat(row(id).status()).isEqualTo(Deliveries.DELIVERED);
        assertThat(row(id).lastCode()).isEqualTo(204);
        assertThat(nodeB.claim("webhook", "erp", 10)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aHandRetryDuringAnAttemptSupersedesIt(Kind kind) throws Exception {
        open(kind, Duration.ofMinutes(1));
        String id = queue("retried-1");
        Delivery claimed = nodeA.claim("webhook", "erp", 10).get(0);
        nodeA.retryNow(id);
        nodeA.attemptFailed(claimed, 500, "HTTP 500");
        assertThat(row(id).attempts()).as("the superseded attempt is not counted").isZero();
        Delivery again = nodeB.claim("webhook", "erp", 10).get(0);
        nodeB.delivered(again, 200);
        assertThat(row(id).status()).isEqualTo(Deliveries.DELIVERED);
        assertThat(row(id).attempts()).isEqualTo(1);
    }

    /**
     * A round never begins an attempt that could outlast the delivery's lease (another node could
     * claim and send it meanwhile), and stops sending once its first per-target attempts all
     * failed: those deliveries are given back unattempted, claimable at once.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRoundGivesBackWhatItCannotSendWithinTheLeaseOrToATargetThatIsDown(Kind kind) throws Exception {
        open(kind, Duration.ofSeconds(3));
        for (int i = 0; i < 4; i++) {
            queue("round-" + i);
        }
        OutboundTarget erp = new OutboundTarget("erp", java.net.URI.create("http://127.0.0.1:9/erp"),
                new WebhookSigner("secret", List.of(OutboundWebhookTest.SECRET)), SinkFilter.of("erp", List.of(), List.of()),
                "json", Duration.ofSeconds(5));
        OutboundWebhooks webhooks = new OutboundWebhooks(Map.of("erp", erp), 2);
        List<Delivery> claimed = nodeA.claim("webhook", "erp", 10);
        assertThat(claimed).hasSize(4);
        DeliveryRound round = new DeliveryRound(new SinkTarget("webhook", "erp"), claimed, 10, 2);
        org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext();

        // a 5 s timeout does not fit in what is left of a 3 s lease: not sent, given back
        org.apache.camel.Exchange attempt = new org.apache.camel.support.DefaultExchange(camel);
        attempt.setProperty(DeliveryRounds.ROUND, round);
        attempt.getMessage().setBody(claimed.get(0));
        webhooks.prepare(attempt);
        assertThat(attempt.getProperty(OutboundWebhooks.ENDPOINT)).isNull();

        // two attempts (per-target) failed and none succeeded: the rest of the round is not sent
        round.add(Outcome.attemptFailed(claimed.get(1), 503, "HTTP 503"));
        round.add(Outcome.attemptFailed(claimed.get(2), 503, "HTTP 503"));
        OutboundWebhooks roomy = new OutboundWebhooks(Map.of("erp", new OutboundTarget("erp", erp.url(), erp.signer(),
                erp.filter(), "json", Duration.ofMillis(100))), 2);
        attempt.getMessage().setBody(claimed.get(3));
        roomy.prepare(attempt);
        assertThat(attempt.getProperty(OutboundWebhooks.ENDPOINT)).isNull();

        nodeA.record(round.outcomes(), round.disable());
        assertThat(nodeB.claim("webhook", "erp", 10)).as("given back, claimable at once")
                .extracting(Delivery::id).containsExactlyInAnyOrder(claimed.get(0).id(), claimed.get(3).id());
        assertThat(row(claimed.get(0).id()).attempts()).isZero();
        assertThat(row(claimed.get(1).id()).attempts()).isEqualTo(1);
    }

    /** A drain that ended without saying so (its route stopped mid-drain) does not leave its target undrained for ever. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTargetWhoseDrainWentSilentForALeaseIsDrainedAgain(Kind kind) {
        open(kind, LEASE);
        DeliveryRounds rounds = new DeliveryRounds(nodeA, List.of(new SinkTarget("webhook", "erp")));
        assertThat(rounds.idle()).containsExactly(new SinkTarget("webhook", "erp"));
        assertThat(rounds.idle()).as("being drained").isEmpty();
        await().atMost(LEASE.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> !rounds.idle().isEmpty());
    }

    /** Deliveries of a target no longer configured fail, unsent, instead of waiting for ever; the others stay. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theDeliveriesOfATargetNoLongerConfiguredFailUnsent(Kind kind) throws Exception {
        open(kind, Duration.ofMinutes(1));
        String kept = queue("kept-1");
        String orphan;
        try (Connection connection = database.dataSource().getConnection()) {
            nodeA.queue(connection, "webhook", "removed", "orphan-1", "sms.receipt.delivered", "{}", Instant.now().minusSeconds(1));
            orphan = Deliveries.deliveryId("webhook", "removed", "orphan-1");
        }
        DeliveryRounds rounds = new DeliveryRounds(nodeA, List.of(new SinkTarget("webhook", "erp")));
        assertThat(rounds.failUnconfigured()).isEqualTo(1);
        assertThat(row(orphan).status()).isEqualTo(Deliveries.FAILED);
        assertThat(row(orphan).attempts()).isZero();
        assertThat(row(orphan).lastError()).isEqualTo("target removed is no longer configured");
        assertThat(row(kept).status()).isEqualTo(Deliveries.PENDING);
    }

    @Test
    void aTimeoutNotShorterThanTheLeaseStopsTheStart() {
        for (Map.Entry<String, String> target : Map.of(
                "dlr.outbound.erp.timeout", "dlr.outbound.targets=erp",
                "dlr.jdbc-sinks.staging.timeout", "dlr.jdbc-sinks=staging").entrySet()) {
            Map<String, String> settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(directory.resolve(target.getKey())));
            String[] list = target.getValue().split("=");
            settings.put(list[0], list[1]);
            settings.put("dlr.outbound.erp.url", "http://127.0.0.1:9/erp");
            settings.put("dlr.outbound.erp.secret", OutboundWebhookTest.SECRET);
            settings.put("dlr.jdbc-sinks.staging.url", "jdbc:h2:mem:staging");
            settings.put("dlr.jdbc-sinks.staging.sql", "INSERT INTO t (id) VALUES (:#id)");
            settings.put("dlr.delivery.lease", "30s");
            settings.put(target.getKey(), "30s");
            assertThatThrownBy(() -> RunningAdapter.start(settings)).as(target.getKey())
                    .hasStackTraceContaining("setting " + target.getKey() + " (PT30S) must be shorter than dlr.delivery.lease (PT30S)");
        }
        assertThat(Hazelcast.getAllHazelcastInstances()).as("a refused start leaves no member running").isEmpty();
    }
}
