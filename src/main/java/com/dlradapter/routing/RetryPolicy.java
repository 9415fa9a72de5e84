package com.dlradapter.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th failed attempt waits {@code initialDelay * 2^(n-1)},
 * capped at {@code maxDelay}, times a random factor in [0.8, 1.2); deliveries are retried until
 * {@code maxAge} after they were queued (Standard Webhooks recommends about three days).
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, Duration maxAge) {

    public Duration delayAfter(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts, 1) - 1, 40);   // no overflow at either end
        double base = initialDelay.toMillis() * Math.pow(2, doublings);
        double capped = Math.min(base, maxDelay.toMillis());
        double jittered = capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2);
        return Duration.ofMillis(Math.max(1, (long) Math.min(jittered, maxDelay.toMillis())));
    }

    /** When to try again after the n-th failed attempt; empty when that is past the give-up time: failed. */
    public Optional<Instant> nextAttempt(int failedAttempts, Instant now, Instant giveUpAt) {
        Instant next = now.plus(delayAfter(failedAttempts));
        return next.isAfter(giveUpAt) ? Optional.empty() : Optional.of(next);
    }
}
