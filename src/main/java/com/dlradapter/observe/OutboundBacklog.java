package com.dlradapter.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The outbound backlog behind the dlr_deliveries_pending and dlr_email_alerts_pending gauges.
 * Counting the pending rows is a query; Prometheus may scrape often and from several servers, so
 * the counts are cached and counted again at most once per {@code refresh}. While the database
 * is away the last counts stay (readiness says the database is down).
 */
public class OutboundBacklog {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundBacklog.class);

    private final Callable<Map<String, Long>> pendingByTarget;
    private final Callable<Long> waitingAlerts;
    private final long refreshNanos;
    private Map<String, Long> pending = Map.of();
    private long alerts;
    private long countedAt;
    private boolean counted;

    /**
     * @param pendingByTarget pending deliveries by {@link #key(String, String)}
     * @param waitingAlerts   email alerts not yet sent
     */
    public OutboundBacklog(Callable<Map<String, Long>> pendingByTarget, Callable<Long> waitingAlerts, Duration refresh) {
        this.pendingByTarget = pendingByTarget;
        this.waitingAlerts = waitingAlerts;
        this.refreshNanos = refresh.toNanos();
    }

    public static String key(String sink, String target) {
        return sink + "/" + target;
    }

    public synchronized double pending(String sink, String target) {
        countIfStale();
        return pending.getOrDefault(key(sink, target), 0L);
    }

    public synchronized double waitingAlerts() {
        countIfStale();
        return alerts;
    }

    private void countIfStale() {
        long now = System.nanoTime();
        if (counted && now - countedAt < refreshNanos) {
            return;
        }
        // A failed count waits for the next refresh too, so an outage does not slow every scrape.
        counted = true;
        countedAt = now;
        try {
            pending = Map.copyOf(pendingByTarget.call());
            alerts = waitingAlerts.call();
        } catch (Exception e) {
            LOG.debug("Counting the outbound backlog failed, keeping the last counts: {}", e.getMessage());
        }
    }
}
