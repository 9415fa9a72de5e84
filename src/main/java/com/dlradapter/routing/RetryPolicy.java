package com.dlradapter.routing;

import com.dlradapter.backoff.Backoff;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Deliveries are retried with exponential backoff and jitter ({@link Backoff.Exponential}: the
 * n-th failed attempt waits {@code initialDelay * 2^(n-1)}, capped at {@code maxDelay}, times a
 * random factor in [0.8, 1.2)) until {@code maxAge} after they were queued (Standard Webhooks
 * recommends about three days).
 */
public record RetryPolicy(Backoff backoff, Duration maxAge) {

    public RetryPolicy(Duration initialDelay, Duration maxDelay, Duration maxAge) {
        this(new Backoff.Exponential(initialDelay, maxDelay), maxAge);
    }

    public Duration delayAfter(int failedAttempts) {
        return backoff.delayAfter(failedAttempts);
    }

    /** When to try again after the n-th failed attempt; empty when that is past the give-up time: failed. */
    public Optional<Instant> nextAttempt(int failedAttempts, Instant now, Instant giveUpAt) {
        Instant next = now.plus(delayAfter(failedAttempts));
        return next.isAfter(giveUpAt) ? Optional.empty() : Optional.of(next);
    }
}
