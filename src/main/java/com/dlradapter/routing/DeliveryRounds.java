package com.dlradapter.routing;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The steps of the delivery workers (routes/deliveries.yaml). Each sink target is drained on its
 * own, round after round while full rounds come back, so a slow or failing target never holds up
 * another; a round claims a batch of the target's due deliveries in one transaction, attempts them
 * (webhooks: per-target at once) and records every outcome in one transaction. A target whose last
 * round had failed attempts and no success is failing: it gets one round of per-target deliveries
 * per poll interval until an attempt succeeds, so a target that is down is probed, not hammered,
 * while each delivery keeps its own retry schedule.
 */
public class DeliveryRounds {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRounds.class);
    /** Exchange property: the sink target a drain works on. */
    public static final String TARGET = "dlrDeliveryTarget";
    /** The target's name, for routes that pick an endpoint by it (no OGNL call per round). */
    public static final String TARGET_NAME = "dlrDeliveryTargetName";
    /** Exchange property: the kind of sink of that target ({@code webhook} or {@code jdbc}), for the route to choose on. */
    public static final String SINK = "dlrDeliverySink";
    /** Exchange property: the {@link Drain} this exchange is. */
    public static final String DRAIN = "dlrDeliveryDrain";
    /** Exchange property: the round being attempted. */
    public static final String ROUND = "dlrDeliveryRound";
    /** Exchange property set by {@link #claim(Exchange)}: the round's lanes ({@link DeliveryRound#lanes()}). */
    public static final String LANES = "dlrDeliveryLanes";
    /** Exchange property set by {@link #record(Exchange)}: the drain goes on with another round. */
    public static final String MORE = "dlrDeliveryMore";

    private final Deliveries deliveries;
    private final List<SinkTarget> targets;
    /** The drain running for each target being drained. */
    private final Map<SinkTarget, Drain> draining = new ConcurrentHashMap<>();
    private final Set<SinkTarget> failing = ConcurrentHashMap.newKeySet();

    /**
     * One drain of one target. It is its own token: only the drain that is the target's mark may
     * claim rounds, and ending it removes that mark only, never a later drain's.
     */
    public static final class Drain {
        private final SinkTarget target;
        /** When this drain last claimed a round (or was started). */
        private volatile Instant claimed;

        Drain(SinkTarget target, Instant started) {
            this.target = target;
            this.claimed = started;
        }

        public SinkTarget target() {
            return target;
        }

        @Override
        public String toString() {
            return "drain of " + target;
        }
    }

    /** @param targets every configured outbound webhook target and JDBC sink */
    public DeliveryRounds(Deliveries deliveries, List<SinkTarget> targets) {
        this.deliveries = deliveries;
        this.targets = List.copyOf(targets);
    }

    /**
     * Step of the deliveries route: a new {@link Drain} of each target no drain is running for,
     * each now the target's mark. A drain claims a round at least once a lease (a round's attempts
     * end a margin before its leases do, and its outcomes are recorded in that margin), so a mark
     * whose last claim is older than the lease and the margin is of a drain that ended without
     * saying so (its route was stopped or reloaded mid-drain) or hangs past its leases: the target
     * is drained again, and that old drain claims no further round.
     */
    public List<Drain> idle() {
        Instant now = Instant.now();
        Instant stale = now.minus(deliveries.lease()).minus(deliveries.margin());
        List<Drain> idle = new ArrayList<>();
        for (SinkTarget target : targets) {
            Drain fresh = new Drain(target, now);
            Drain marked = draining.putIfAbsent(target, fresh);
            if (marked == null) {
                idle.add(fresh);
            } else if (marked.claimed.isBefore(stale) && draining.replace(target, marked, fresh)) {
                LOG.warn("The drain of {} claimed no round since {}: {} is drained again", target, marked.claimed, target);
                idle.add(fresh);
            }
        }
        return idle;
    }

    /** Step of the deliveries route: sets the body to {@link #idle()}. */
    public void startIdle(Exchange exchange) {
        exchange.getMessage().setBody(idle());
    }

    /** First step of a drain (body: its {@link Drain}): sets {@link #DRAIN}, {@link #TARGET}, {@link #TARGET_NAME} and {@link #SINK}. */
    public void begin(Exchange exchange) {
        Drain drain = exchange.getMessage().getBody(Drain.class);
        exchange.setProperty(DRAIN, drain);
        exchange.setProperty(TARGET, drain.target());
        exchange.setProperty(TARGET_NAME, drain.target().name());
        exchange.setProperty(SINK, drain.target().sink());
    }

    /** Last step of a drain, whatever happened in it: the target may be drained again (unless a newer drain runs). */
    public void drained(Exchange exchange) {
        Drain drain = exchange.getProperty(DRAIN, Drain.class);
        if (drain != null) {
            draining.remove(drain.target(), drain);
        }
    }

    /**
     * Step of a drain: claims the next round of the target in {@link #TARGET} into the body (and
     * {@link #ROUND}, {@link #LANES}). A disabled webhook target's deliveries fail at once, unsent.
     * A drain that is no longer its target's mark (it went silent for a lease and a newer drain
     * took over) claims nothing and ends.
     */
    public void claim(Exchange exchange) throws SQLException {
        Drain drain = exchange.getProperty(DRAIN, Drain.class);
        SinkTarget target = drain.target();
        exchange.setProperty(MORE, false);
        DeliveryRound round;
        if (draining.get(target) != drain) {
            LOG.info("The {} was taken over by a newer one after it went silent for a lease: it ends", drain);
            round = new DeliveryRound(target, List.of(), 1, 1, deliveries.margin());
        } else {
            drain.claimed = Instant.now();
            int size = deliveries.roundSize(failing.contains(target));
            round = new DeliveryRound(target, deliveries.claim(target.sink(), target.name(), size), size,
                    deliveries.perTarget(), deliveries.margin());
            if (RouteDecision.WEBHOOK.equals(target.sink()) && !round.deliveries().isEmpty()
                    && deliveries.isDisabled(target.name())) {
                round.failAll("target " + target.name() + " answered 410 Gone and is disabled");
            }
        }
        exchange.getMessage().setBody(round);
        exchange.setProperty(ROUND, round);
        exchange.setProperty(LANES, round.lanes());
    }

    /** Worker error step: the attempt of the delivery in {@link OutboundWebhooks#DELIVERY} failed with an exception. */
    public void attemptFailed(Exchange exchange) {
        Delivery delivery = exchange.getProperty(OutboundWebhooks.DELIVERY, Delivery.class);
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.getProperty(ROUND, DeliveryRound.class).add(Outcome.attemptFailed(delivery, null,
                e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage()));
    }

    /**
     * Step of a drain after the round's attempts: records every outcome in one transaction, and
     * sets {@link #MORE} when the round was full and the target is not failing.
     */
    public void record(Exchange exchange) throws SQLException {
        DeliveryRound round = exchange.getProperty(ROUND, DeliveryRound.class);
        List<Outcome> outcomes = round.outcomes();
        deliveries.record(outcomes, round.disable());
        SinkTarget target = round.target();
        boolean succeeded = outcomes.stream().anyMatch(o -> o.result() == Outcome.Result.DELIVERED);
        boolean failed = outcomes.stream().anyMatch(Outcome::failedAttempt);
        if (succeeded) {
            if (failing.remove(target)) {
                LOG.info("Deliveries to {} succeed again: drained at full speed", target);
            }
        } else if (failed && failing.add(target)) {
            LOG.info("Deliveries to {} fail: it gets at most {} attempts per poll interval until one succeeds",
                    target, deliveries.roundSize(true));
        }
        exchange.setProperty(MORE, round.full() && !failing.contains(target));
    }

    /**
     * Hourly: the due deliveries of sink targets this node no longer has configured fail at once,
     * unsent (they would otherwise wait for ever).
     */
    public int failUnconfigured() throws SQLException {
        int failed = 0;
        for (SinkTarget target : deliveries.pendingTargets()) {
            if (targets.contains(target)) {
                continue;
            }
            String why = (RouteDecision.JDBC.equals(target.sink()) ? "JDBC sink " : "target ") + target.name()
                    + " is no longer configured";
            List<Delivery> claimed;
            while (!(claimed = deliveries.claim(target.sink(), target.name(), deliveries.roundSize(false))).isEmpty()) {
                deliveries.record(claimed.stream().map(delivery -> Outcome.failNow(delivery, null, why)).toList(), Set.of());
                failed += claimed.size();
            }
        }
        return failed;
    }
}
