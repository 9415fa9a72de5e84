package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;

import java.time.Instant;

/**
 * A tracked message that reached no final status within the polling maximum age: it stops being
 * polled, is marked overdue and is routed as an event of its own (operations want to hear of it).
 *
 * @param clientRef  the sender's own reference for the message (see DeliveryReceipt), else null
 * @param lastStatus the message's status when it was given up on (null if it never had one)
 */
public record MessageOverdue(String provider, String messageId, String batchId, String clientRef, String recipient,
                             CanonicalStatus lastStatus, Instant firstSeenAt, Instant overdueAt) {
}
