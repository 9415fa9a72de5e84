package com.dlradapter.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * In-memory token buckets, one per key (a provider, a client address), on this node only: each
 * allows {@code perSecond} requests a second on average and bursts of {@code burst}. A rate of 0
 * or less turns the limit off.
 */
public final class RateLimiter {

    private static final int MAX_KEYS = 100_000;

    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** 0 when the request may pass (and takes a token), else the seconds until one is free. */
    public long acquire(String key) {
        if (!enabled()) {
            return 0;
        }
        if (buckets.size() > MAX_KEYS) {
            long now = System.nanoTime();
            buckets.values().removeIf(b -> b.idleSince(now) > TimeUnit.MINUTES.toNanos(5));
        }
        return buckets.computeIfAbsent(key == null ? "?" : key, k -> new Bucket()).take();
    }

    private final class Bucket {
        private double tokens = burst;
        private long updated = System.nanoTime();

        synchronized long take() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - updated) / 1e9 * perSecond);
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }

        synchronized long idleSince(long now) {
            return now - updated;
        }
    }
}
