package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;

import java.util.List;
import java.util.Set;

/**
 * Which events enter routing at all: the receipt path writes an outbox row only for a receipt some
 * configured sink could take (an outbound target's or JDBC sink's filters match it, or it has one
 * of {@code dlr.email.statuses} while email alerts are on), and for an overdue marking only while
 * email alerts are on. With nothing configured, storing a receipt writes no routing work at all.
 * {@code dlr.routing.all-events} sends every event through routing, for a sink an architect added
 * to routes/routing.yaml that these settings do not describe.
 */
public record RoutingInterest(boolean allEvents, List<SinkFilter> sinks, boolean email, Set<CanonicalStatus> emailStatuses) {

    /** Every event enters routing. */
    public static final RoutingInterest ALL = new RoutingInterest(true, List.of(), false, Set.of());

    public RoutingInterest {
        sinks = List.copyOf(sinks);
        emailStatuses = Set.copyOf(emailStatuses);
    }

    public boolean wants(DeliveryReceipt receipt) {
        if (allEvents || (email && emailStatuses.contains(receipt.status()))) {
            return true;
        }
        for (SinkFilter sink : sinks) {
            if (sink.matches(receipt.provider(), receipt.status())) {
                return true;
            }
        }
        return false;
    }

    /** Overdue messages are routed to the email alert only (routes/routing.yaml). */
    public boolean wantsOverdue() {
        return allEvents || email;
    }

    /** For the start-up log: whether any event can enter routing. */
    public boolean any() {
        return allEvents || email || !sinks.isEmpty();
    }
}
