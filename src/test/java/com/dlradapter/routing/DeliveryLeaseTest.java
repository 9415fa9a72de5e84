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

import java.util.Set;
import java.io.IOException;
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
 * the newer attempt's state. No attempt begins that could end too late to be recorded within its
 * lease, and no attempt outlasts its target's timeout, so a delivery is never sent twice at once;
 * a target whose timeout leaves no margin in the lease stops the start.
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

        nodeA.record(List.of(Outcome.delivered(first.get(0), 200)), Set.of());   // A's late answer
        assertThat(row(id).status()).as("A no longer holds the claim").isEqualTo(Deliveries.PENDING);
        assertThat(row(id).attempts()).isZero();
        nodeA.record(List.of(Outcome.failNow(first.get(0), 410, "410 Gone")), Set.of());
        assertThat(row(id).status()).isEqualTo(Deliveries.PENDING);

        nodeB.record(List.of(Outcome.attemptFailed(claimedByB, 503, "HTTP 503")), Set.of());   // B's outcome counts
        Delivery recorded = row(id);
        assertThat(recorded.status()).isEqualTo(Deliveries.PENDING);
        assertThat(recorded.attempts()).isEqualTo(1);
        assertThat(recorded.lastCode()).isEqualTo(503);
        assertThat(recorded.nextAttemptAt()).isAfter(Instant.now().plusSeconds(30));
        nodeA.record(List.of(Outcome.delivered(first.get(0), 200)), Set.of());
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
        nodeA.record(List.of(Outcome.delivered(claimed, 204)), Set.of());
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
        nodeA.record(List.of(Outcome.attemptFailed(claimed, 500, "HTTP 500")), Set.of());
        assertThat(row(id).attempts()).as("the superseded attempt is not counted").isZero();
        Delivery again = nodeB.claim("webhook", "erp", 10).get(0);
        nodeB.record(List.of(Outcome.delivered(again, 200)), Set.of());
        assertThat(row(id).status()).isEqualTo(Deliveries.DELIVERED);
        assertThat(row(id).attempts()).isEqualTo(1);
    }

    /**
     * A round never begins an attempt that could end later than a margin (max(5 s, lease/10))
     * before the delivery's lease does: the round records its outcomes after its last attempt, and
     * that record must land while the leases still hold, or another node or drain may claim the
     * delivery and send it again. And it stops sending once its first per-target attempts all
     * failed: those deliveries are given back unattempted, claimable at once.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRoundBeginsNoAttemptItCouldNotRecordWithinTheLeaseNorSendsToATargetThatIsDown(Kind kind) throws Exception {
        Duration lease = Duration.ofSeconds(30);
        open(kind, lease);
        assertThat(nodeA.margin()).isEqualTo(Duration.ofSeconds(5));
        for (int i = 0; i < 5; i++) {
            queue("round-" + i);
        }
        org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        camel.getRegistry().bind(OutboundWebhooks.CONFIGURER_PREFIX + "erp", TargetTimeouts.attemptBound(Duration.ofSeconds(1),
                TargetTimeouts.deadlines(camel, this)));
        OutboundTarget erp = new OutboundTarget("erp", java.net.URI.create("http://127.0.0.1:9/erp"),
                new WebhookSigner("secret", List.of(OutboundWebhookTest.SECRET)), SinkFilter.of("erp", List.of(), List.of()),
                "json", Duration.ofSeconds(26));
        OutboundWebhooks webhooks = new OutboundWebhooks(Map.of("erp", erp), 2);
        OutboundWebhooks roomy = new OutboundWebhooks(Map.of("erp", new OutboundTarget("erp", erp.url(), erp.signer(),
                erp.filter(), "json", Duration.ofSeconds(20))), 2);
        List<Delivery> claimed = nodeA.claim("webhook", "erp", 10);
        assertThat(claimed).hasSize(5);
        DeliveryRound round = new DeliveryRound(new SinkTarget("webhook", "erp"), claimed, 10, 2, nodeA.margin());

        // 26 s fit in the 30 s lease, but not with the 5 s margin to record the outcome: not sent, given back
        org.apache.camel.Exchange attempt = new org.apache.camel.support.DefaultExchange(camel);
        attempt.setProperty(DeliveryRounds.ROUND, round);
        attempt.getMessage().setBody(claimed.get(0));
        webhooks.prepare(attempt);
        assertThat(attempt.getProperty(OutboundWebhooks.ENDPOINT)).as("26 s + 5 s margin > 30 s lease").isNull();
        // 20 s and the margin fit: sent
        attempt.getMessage().setBody(claimed.get(4));
        roomy.prepare(attempt);
        assertThat(attempt.getProperty(OutboundWebhooks.ENDPOINT)).as("20 s + 5 s margin < 30 s lease").isNotNull();

        // two attempts (per-target) failed and none succeeded: the rest of the round is not sent
        attempt.removeProperty(OutboundWebhooks.ENDPOINT);
        round.add(Outcome.attemptFailed(claimed.get(1), 503, "HTTP 503"));
        round.add(Outcome.attemptFailed(claimed.get(2), 503, "HTTP 503"));
        attempt.getMessage().setBody(claimed.get(3));
        roomy.prepare(attempt);
        assertThat(attempt.getProperty(OutboundWebhooks.ENDPOINT)).isNull();

        nodeA.record(round.outcomes(), round.disable());
        assertThat(nodeB.claim("webhook", "erp", 10)).as("given back, claimable at once")
                .extracting(Delivery::id).containsExactlyInAnyOrder(claimed.get(0).id(), claimed.get(3).id());
        assertThat(row(claimed.get(0).id()).attempts()).isZero();
        assertThat(row(claimed.get(1).id()).attempts()).isEqualTo(1);
    }

    /**
     * A drain that went silent (its route stopped mid-drain) does not leave its target undrained for
     * ever; but it is taken over only once its lease and the margin have passed (until then it may
     * still be recording its last round), the old drain claims no further round, and its end does
     * not remove the new drain's mark (which would let a third drain run beside the second).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSilentDrainIsTakenOverAfterItsLeaseAndMarginAndThenLeavesTheNewDrainAlone(Kind kind) throws Exception {
        open(kind, LEASE);
        Duration margin = nodeA.margin();
        SinkTarget erp = new SinkTarget("webhook", "erp");
        DeliveryRounds rounds = new DeliveryRounds(nodeA, List.of(erp));
        org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        Instant started = Instant.now();
        List<DeliveryRounds.Drain> first = rounds.idle();
        assertThat(first).extracting(DeliveryRounds.Drain::target).containsExactly(erp);
        org.apache.camel.Exchange old = drain(camel, rounds, first.get(0));
        assertThat(rounds.idle()).as("being drained").isEmpty();

        // a lease has passed, not the margin: the drain may still be recording its round
        Instant leaseOver = started.plus(LEASE).plusMillis(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(leaseOver));
        assertThat(rounds.idle()).as("only a lease of silence").isEmpty();

        List<DeliveryRounds.Drain> second = await().atMost(LEASE.plus(margin).plusSeconds(15))
                .pollInterval(Duration.ofMillis(50)).until(rounds::idle, drains -> !drains.isEmpty());
        assertThat(Duration.between(started, Instant.now())).isGreaterThanOrEqualTo(LEASE.plus(margin));

        // the old drain wakes up: it claims nothing, and its end leaves the new drain's mark
        String id = queue("taken-over-1");
        rounds.claim(old);
        assertThat(old.getProperty(DeliveryRounds.ROUND, DeliveryRound.class).deliveries()).isEmpty();
        rounds.record(old);
        assertThat(old.getProperty(DeliveryRounds.MORE, Boolean.class)).isFalse();
        rounds.drained(old);
        assertThat(rounds.idle()).as("the new drain still runs").isEmpty();

        org.apache.camel.Exchange current = drain(camel, rounds, second.get(0));
        rounds.claim(current);
        assertThat(current.getProperty(DeliveryRounds.ROUND, DeliveryRound.class).deliveries())
                .extracting(Delivery::id).containsExactly(id);
        rounds.drained(current);
        assertThat(rounds.idle()).extracting(DeliveryRounds.Drain::target).containsExactly(erp);
    }

    private static org.apache.camel.Exchange drain(org.apache.camel.CamelContext camel, DeliveryRounds rounds,
                                                   DeliveryRounds.Drain drain) {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(camel);
        exchange.getMessage().setBody(drain);
        rounds.begin(exchange);
        return exchange;
    }

    /**
     * A receiver that answers a byte at a time (each well within the response timeout, which is
     * one of inactivity) used to hold an attempt past its delivery's lease: another drain then
     * claimed the delivery and sent it again while the first attempt still ran, and both were
     * accepted. A target's timeout now bounds its whole attempt, answer included: the delivery is
     * never in flight twice, is retried after the timeout, and is accepted once.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReceiverTricklingItsAnswerPastTheLeaseNeverGetsADeliveryTwiceAtOnce(Kind kind) throws Exception {
        java.util.concurrent.atomic.AtomicInteger trickling = new java.util.concurrent.atomic.AtomicInteger(1);
        Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        List<String> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/erp", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            java.util.concurrent.atomic.AtomicInteger count = inFlight.computeIfAbsent(id,
                    k -> new java.util.concurrent.atomic.AtomicInteger());
            mostAtOnce.accumulateAndGet(count.incrementAndGet(), Math::max);
            try {
                if (trickling.getAndDecrement() > 0) {
                    // 200, then the body a byte every 100 ms for 10 s: longer than the 7 s lease
                    exchange.sendResponseHeaders(200, 0);
                    java.io.OutputStream body = exchange.getResponseBody();
                    for (int i = 0; i < 100; i++) {
                        body.write('.');
                        body.flush();
                        Thread.sleep(100);   // a slow receiver, as WebhookReceiver.delay
                    }
                    body.close();
                } else {
                    exchange.sendResponseHeaders(200, -1);
                }
                accepted.add(id);
            } catch (IOException | InterruptedException e) {
                // the adapter gave the attempt up and closed the connection
            } finally {
                count.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
        try {
            Map<String, String> settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(directory, kind));
            settings.put("dlr.routing.poll-interval", "100");
            settings.put("dlr.delivery.poll-interval", "100");
            settings.put("dlr.delivery.lease", "7s");
            settings.put("dlr.delivery.per-target", "1");
            // the retry comes well after the receiver noticed the first attempt was given up
            settings.put("dlr.delivery.initial-delay", "2s");
            settings.put("dlr.outbound.targets", "erp");
            settings.put("dlr.outbound.erp.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/erp");
            settings.put("dlr.outbound.erp.secret", OutboundWebhookTest.SECRET);
            settings.put("dlr.outbound.erp.timeout", "1s");
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                assertThat(adapter.post(adapter.webhook("zeckta"), com.dlradapter.support.Payloads.zeckta(
                        "trickle-1", "MESSAGE_DELIVERED", "DELIVERED", "trickle-m1")).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(40)).until(() -> OutboundWebhookTest.deliveries(adapter, "delivered").size() == 1);
                await().alias("the delivery is accepted once (it was twice: the trickled attempt, and another drain's "
                                + "once the lease ran out)").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(15))
                        .until(() -> accepted.size() == 1);
                assertThat(mostAtOnce.get()).as("requests of one delivery in flight at once").isEqualTo(1);
                assertThat(OutboundWebhookTest.deliveries(adapter, "delivered").get(0).get("attempts").asInt())
                        .as("the trickled attempt, given up after 1 s, and its retry").isEqualTo(2);
            }
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
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
    void aTimeoutThatLeavesNoMarginInTheLeaseStopsTheStart() {
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
            // shorter than the lease, but an attempt and the margin to record it (5 s) do not fit in it
            settings.put(target.getKey(), "26s");
            assertThatThrownBy(() -> RunningAdapter.start(settings)).as(target.getKey())
                    .hasStackTraceContaining("setting " + target.getKey() + " (PT26S) must be shorter than "
                            + "dlr.delivery.lease (PT30S) less a margin of PT5S");
        }
        assertThat(Hazelcast.getAllHazelcastInstances()).as("a refused start leaves no member running").isEmpty();
    }
}
