package com.dlradapter.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory token buckets, one per key (a provider, a client address), on this node only: each
 * allows {@code perSecond} requests a second on average and bursts of {@code burst}. A rate of 0
 * or less turns the limit off. Memory is bounded: beyond {@value #MAX_KEYS} keys, buckets idle
 * for five minutes are dropped (at most once a second), and while the map is still full, new keys
 * share one overflow bucket, so a client hopping addresses cannot grow it.
 */
public final class RateLimiter {

    static final int MAX_KEYS = 100_000;
    private static final String OVERFLOW = "\u0000overflow";
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final double perSecond;
    private final double burst;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime() - SWEEP_NANOS);

    public RateLimiter(double perSecond, double burst) {
        this(perSecond, burst, MAX_KEYS);
    }

    RateLimiter(double perSecond, double burst, int maxKeys) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.maxKeys = maxKeys;
    }

    /** A limiter that never limits. */
    public static RateLimiter off() {
        return new RateLimiter(0, 1);
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    public double perSecond() {
        return perSecond;
    }

    public double burst() {
        return burst;
    }

    /** 0 when the request may pass (and takes a token), else the seconds until one is free. */
    public long acquire(String key) {
        if (!enabled()) {
            return 0;
        }
        String k = key == null ? "?" : key;
        Bucket bucket = buckets.get(k);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                sweep();
                if (buckets.size() >= maxKeys) {
                    k = OVERFLOW;
                }
            }
            bucket = buckets.computeIfAbsent(k, unused -> new Bucket());
        }
        return bucket.take();
    }

    private void sweep() {
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (now - last < SWEEP_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.values().removeIf(b -> b.idleSince(now) > IDLE_NANOS);
    }

    int keys() {
        return buckets.size();
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
