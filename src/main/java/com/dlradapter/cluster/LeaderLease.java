package com.dlradapter.cluster;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leadership of the cluster for work that must run on exactly one node (polling, outbound
 * workers), held as a lease row in the shared database. The holder renews it every
 * {@code renewEvery}; a node that dies stops renewing, its lease expires after {@code ttl}, and the
 * next node to try takes it: failover within ttl + renewEvery. The database decides, with its own
 * clock, so a split Hazelcast cluster cannot make two leaders. A node that cannot renew (database
 * away, lease taken) steps down at once.
 */
public class LeaderLease extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);

    /** Gains and losses of leadership, in order, on the lease's own thread. */
    public interface Listener {
        void leadershipChanged(boolean leader);
    }

    private final CamelContext context;
    private final DataSource dataSource;
    private final String name;
    private final String holder;
    private final Duration ttl;
    private final Duration renewEvery;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean leader;
    private ScheduledExecutorService executor;

    public LeaderLease(CamelContext context, DataSource dataSource, String name, String holder, Duration ttl,
                       Duration renewEvery) {
        if (renewEvery.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("the lease must be renewed more often than it expires");
        }
        this.context = context;
        this.dataSource = dataSource;
        this.name = name;
        this.holder = holder;
        this.ttl = ttl;
        this.renewEvery = renewEvery;
    }

    public boolean isLeader() {
        return leader;
    }

    public String holder() {
        return holder;
    }

    /** Adds a listener and tells it the current state at the next turn. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    protected void doStart() {
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "dlr-leader-lease");
        executor.scheduleWithFixedDelay(this::tryToLead, 0, renewEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        if (leader) {
            release();
            change(false);
        }
    }

    /** What a crashed node does: stops renewing, without releasing (tests use it). */
    void haltWithoutRelease() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        leader = false;
    }

    /** One turn: acquire or renew the lease, and tell the listeners when leadership changed. */
    synchronized void tryToLead() {
        boolean holds;
        try {
            holds = acquireOrRenew();
        } catch (SQLException e) {
            LOG.warn("Cannot renew the '{}' lease: {}", name, e.getMessage());
            holds = false;
        }
        if (holds != leader) {
            change(holds);
        }
    }

    private void change(boolean nowLeader) {
        leader = nowLeader;
        LOG.info("{} {} the '{}' lease", holder, nowLeader ? "holds" : "no longer holds", name);
        for (Listener listener : listeners) {
            try {
                listener.leadershipChanged(nowLeader);
            } catch (RuntimeException e) {
                LOG.error("Leadership listener failed: {}", e.getMessage(), e);
            }
        }
    }

    private boolean acquireOrRenew() throws SQLException {
        int seconds = (int) Math.max(1, ttl.toSeconds());
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement renew = connection.prepareStatement("""
                    UPDATE cluster_lease
                    SET holder = ?, expires_at = CURRENT_TIMESTAMP + CAST(? AS INTEGER) * INTERVAL '1' SECOND,
                        acquired_at = CASE WHEN holder = ? THEN acquired_at ELSE CURRENT_TIMESTAMP END
                    WHERE name = ? AND (holder = ? OR expires_at < CURRENT_TIMESTAMP)""")) {
                renew.setString(1, holder);
                renew.setInt(2, seconds);
                renew.setString(3, holder);
                renew.setString(4, name);
                renew.setString(5, holder);
                if (renew.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO cluster_lease (name, holder, acquired_at, expires_at)
                    VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP + CAST(? AS INTEGER) * INTERVAL '1' SECOND)
                    ON CONFLICT DO NOTHING""")) {
                insert.setString(1, name);
                insert.setString(2, holder);
                insert.setInt(3, seconds);
                return insert.executeUpdate() == 1;
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    return false;   // another node inserted it first
                }
                throw e;
            }
        }
    }

    /** On an orderly stop, let the next node take over at once instead of after the ttl. */
    private void release() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM cluster_lease WHERE name = ? AND holder = ?")) {
            delete.setString(1, name);
            delete.setString(2, holder);
            delete.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Cannot release the '{}' lease (it expires by itself): {}", name, e.getMessage());
        }
    }
}
