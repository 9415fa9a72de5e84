package com.dlradapter.routing;

import java.time.Instant;

/**
 * A queued delivery to one sink target (an outbound webhook or a JDBC sink), with its retry state.
 * {@code leaseUntil} is the claim this instance holds: its outcome is recorded only while the row
 * still carries that lease, so a late attempt never overwrites a newer claim's.
 */
public record Delivery(String id, String sink, String target, String sourceId, String eventType, String payload,
                       String status, int attempts, Instant nextAttemptAt, Instant giveUpAt, Integer lastCode,
                       String lastError, Instant createdAt, Instant updatedAt, Instant deliveredAt, Instant leaseUntil) {

    Delivery claimedUntil(Instant until) {
        return new Delivery(id, sink, target, sourceId, eventType, payload, status, attempts, nextAttemptAt, giveUpAt,
                lastCode, lastError, createdAt, updatedAt, deliveredAt, until);
    }
}
