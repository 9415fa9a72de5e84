package com.dlradapter.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One round of one sink target's deliveries: claimed together, attempted (webhooks: several at
 * once, in lanes), and their outcomes recorded together. The attempts add their outcomes here from
 * whichever thread they ran on.
 */
public final class DeliveryRound {

    private final SinkTarget target;
    private final List<Delivery> deliveries;
    private final int requested;
    private final int lanes;
    private final Duration margin;
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final Set<String> disable = ConcurrentHashMap.newKeySet();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private volatile boolean gone;
    private volatile boolean unsent;

    /**
     * @param requested how many the claim asked for: a round that got as many is full, more may be due
     * @param lanes     how many deliveries of the target are attempted at once
     * @param margin    what the round keeps free at the end of its leases to record its outcomes
     *                  ({@link Deliveries#margin(Duration)})
     */
    public DeliveryRound(SinkTarget target, List<Delivery> deliveries, int requested, int lanes, Duration margin) {
        this.target = target;
        this.deliveries = List.copyOf(deliveries);
        this.requested = requested;
        this.lanes = Math.max(1, lanes);
        this.margin = margin;
    }

    /**
     * Whether an attempt of {@code delivery} that may last {@code attempt} can begin now: it must end
     * a margin before the delivery's lease does, so that the round's outcomes are recorded while
     * its leases still hold (after that, another node or drain may claim the delivery and send it
     * again). One that cannot is given back for the next round.
     */
    public boolean mayStart(Delivery delivery, Duration attempt) {
        return !Instant.now().plus(attempt).plus(margin).isAfter(delivery.leaseUntil());
    }

    public SinkTarget target() {
        return target;
    }

    public List<Delivery> deliveries() {
        return deliveries;
    }

    public boolean full() {
        return !deliveries.isEmpty() && deliveries.size() >= requested;
    }

    /**
     * The deliveries dealt round-robin into at most per-target lanes, each sent one after the other
     * on a keep-alive connection, the lanes side by side: per-target requests in flight at once, and
     * the round still goes out about in the order its deliveries fell due.
     */
    public List<List<Delivery>> lanes() {
        int count = unsent ? 0 : Math.min(lanes, deliveries.size());
        List<List<Delivery>> dealt = new ArrayList<>();
        if (count == 0) {
            return dealt;
        }
        for (int i = 0; i < count; i++) {
            dealt.add(new ArrayList<>());
        }
        for (int i = 0; i < deliveries.size(); i++) {
            dealt.get(i % count).add(deliveries.get(i));
        }
        return dealt;
    }

    /** None of the round is sent: each delivery fails at once (no lanes). */
    public void failAll(String why) {
        unsent = true;
        deliveries.forEach(delivery -> add(Outcome.failNow(delivery, null, why)));
    }

    public void add(Outcome outcome) {
        if (outcome.result() == Outcome.Result.DELIVERED) {
            delivered.incrementAndGet();
        } else if (outcome.failedAttempt()) {
            failedAttempts.incrementAndGet();
        }
        outcomes.add(outcome);
    }

    /**
     * The round's first per-target attempts all failed and none succeeded: the target looks down,
     * and the rest of the round is not sent (given back) rather than tried against it one by one.
     */
    public boolean stalled() {
        return delivered.get() == 0 && failedAttempts.get() >= lanes;
    }

    /** The target answered 410: this delivery fails, the target is disabled, the round's rest is not sent. */
    public void gone(Delivery delivery, int code) {
        gone = true;
        disable.add(target.name());
        add(Outcome.failNow(delivery, code, code + " Gone: target disabled"));
    }

    /** A delivery of this round was answered 410 Gone. */
    public boolean gone() {
        return gone;
    }

    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    public Set<String> disable() {
        return Set.copyOf(disable);
    }
}
