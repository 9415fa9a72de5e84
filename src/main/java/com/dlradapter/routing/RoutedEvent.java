package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.store.MessageOverdue;

/**
 * An outbox row being routed: a stored receipt, or a message marked overdue (exactly one of
 * {@code receipt} and {@code overdue} is set).
 */
public record RoutedEvent(long seq, String event, String sourceId, String payload,
                          DeliveryReceipt receipt, MessageOverdue overdue) {

    public static final String RECEIPT = "receipt";
    public static final String OVERDUE = "overdue";

    public String provider() {
        return receipt != null ? receipt.provider() : overdue.provider();
    }

    public CanonicalStatus status() {
        return receipt != null ? receipt.status() : overdue.lastStatus();
    }
}
