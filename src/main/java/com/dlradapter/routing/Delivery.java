package com.dlradapter.routing;

import java.time.Instant;

/** A queued delivery to one sink target (an outbound webhook or a JDBC sink), with its retry state. */
public record Delivery(String id, String sink, String target, String sourceId, String eventType, String payload,
                       String status, int attempts, Instant nextAttemptAt, Instant giveUpAt, Integer lastCode,
                       String lastError, Instant createdAt, Instant updatedAt, Instant deliveredAt) {
}
