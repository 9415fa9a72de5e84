package com.dlradapter.routing;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.observe.OutboundBacklog;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery table: queued deliveries to webhook and JDBC sink targets with their retry state.
 * Due rows are claimed with a lease (several adapter instances never send the same row at the
 * same time; a crashed instance's lease simply runs out), and each outcome is recorded at once,
 * but only while the row still carries this instance's lease: an attempt that outlived it (and may
 * have been claimed and sent again by another node) leaves no stale outcome behind.
 */
public class Deliveries {

    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    private final DataSource dataSource;
    private final RetryPolicy retry;
    private final Duration lease;
    private final int batchSize;
    private final int perTarget;
    private final Duration retention;
    private final AdapterMetrics metrics;

    /**
     * @param perTarget at most this many deliveries of one target per round, so a backlogged or
     *                  slow target cannot crowd the others out
     */
    public Deliveries(DataSource dataSource, RetryPolicy retry, Duration lease, int batchSize, int perTarget,
                      Duration retention, AdapterMetrics metrics) {
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("setting dlr.delivery.lease must be positive");
        }
        this.dataSource = dataSource;
        this.retry = retry;
        this.lease = lease;
        this.batchSize = batchSize;
        this.perTarget = perTarget;
        this.retention = retention;
        this.metrics = metrics;
    }

    /**
     * Start check of a target's time bound: an attempt must end before its claim runs out, or
     * another node may claim the delivery and send it again while the first attempt still runs.
     */
    public static void requireWithinLease(String setting, Duration timeout, Duration lease) {
        if (timeout.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("setting " + setting + " (" + timeout + ") must be shorter than "
                    + "dlr.delivery.lease (" + lease + "): an attempt still running when its lease runs out may be "
                    + "claimed and sent again by another node");
        }
    }

    /**
     * Forgets delivered deliveries and sent email alerts older than the retention; failed
     * deliveries stay until they are retried by hand and delivered.
     */
    public int purge() throws SQLException {
        OffsetDateTime before = utc(Instant.now().minus(retention));
        int purged = 0;
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM delivery WHERE status = 'delivered' AND delivered_at < ?")) {
                delete.setObject(1, before);
                purged += delete.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM email_alert WHERE sent_at IS NOT NULL AND sent_at < ?")) {
                delete.setObject(1, before);
                purged += delete.executeUpdate();
            }
        }
        if (purged > 0) {
            LOG.info("Purged {} delivered deliveries and sent alerts older than {}", purged, retention);
        }
        return purged;
    }

    /** The webhook-id of a delivery: stable for one event and target, whatever the retries. */
    public static String deliveryId(String sink, String target, String sourceId) {
        return "msg_" + UUID.nameUUIDFromBytes((sink + "|" + target + "|" + sourceId).getBytes()).toString().replace("-", "");
    }

    /** One delivery the routing route chose: to which sink target, for which event. */
    public record Queued(String sink, String target, String sourceId, String eventType, String payload) {
    }

    /** Queues a delivery in the caller's transaction; routing the same event twice queues it once. */
    void queue(Connection connection, String sink, String target, String sourceId, String eventType, String payload,
               Instant now) throws SQLException {
        queue(connection, List.of(new Queued(sink, target, sourceId, eventType, payload)), now);
    }

    /** Queues deliveries in the caller's transaction, as one JDBC batch; each event and target once. */
    void queue(Connection connection, List<Queued> queued, Instant now) throws SQLException {
        if (queued.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO delivery (id, sink, target, source_id, event_type, payload, status, attempts,
                                      next_attempt_at, give_up_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""")) {
            for (Queued delivery : queued) {
                insert.setString(1, deliveryId(delivery.sink(), delivery.target(), delivery.sourceId()));
                insert.setString(2, delivery.sink());
                insert.setString(3, delivery.target());
                insert.setString(4, delivery.sourceId());
                insert.setString(5, delivery.eventType());
                insert.setString(6, delivery.payload());
                insert.setObject(7, utc(now));
                insert.setObject(8, utc(now.plus(retry.maxAge())));
                insert.setObject(9, utc(now));
                insert.setObject(10, utc(now));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Pending deliveries by sink and target ({@code OutboundBacklog.key}), for the backlog gauge. */
    public Map<String, Long> pendingByTarget() throws SQLException {
        Map<String, Long> pending = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT sink, target, COUNT(*) FROM delivery WHERE status = 'pending' GROUP BY sink, target");
             ResultSet rs = count.executeQuery()) {
            while (rs.next()) {
                pending.put(OutboundBacklog.key(rs.getString(1), rs.getString(2)), rs.getLong(3));
            }
        }
        return pending;
    }

    /** Claims up to a batch of due pending deliveries for this instance (body of the worker route). */
    public List<Delivery> claimDue() throws SQLException {
        Instant now = Instant.now();
        List<Delivery> claimed = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            List<Delivery> due = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT * FROM (
                        SELECT d.*, ROW_NUMBER() OVER (PARTITION BY sink, target ORDER BY next_attempt_at, id) AS target_rank
                        FROM delivery d WHERE status = 'pending' AND next_attempt_at <= ?
                          AND (lease_until IS NULL OR lease_until < ?)) due
                    WHERE target_rank <= ? ORDER BY next_attempt_at, id LIMIT ?""")) {
                select.setObject(1, utc(now));
                select.setObject(2, utc(now));
                select.setInt(3, perTarget);
                select.setInt(4, batchSize);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        due.add(read(rs));
                    }
                }
            }
            // Compare-and-set on the lease: a row another instance claimed meanwhile is skipped.
            // Whole milliseconds, so the lease reads back equal on H2 and PostgreSQL alike: it is
            // the claim that recording the outcome checks.
            Instant until = now.plus(lease).truncatedTo(ChronoUnit.MILLIS);
            try (PreparedStatement lock = connection.prepareStatement("""
                    UPDATE delivery SET lease_until = ? WHERE id = ? AND status = 'pending'
                      AND (lease_until IS NULL OR lease_until < ?)""")) {
                for (Delivery delivery : due) {
                    lock.setObject(1, utc(until));
                    lock.setString(2, delivery.id());
                    lock.setObject(3, utc(now));
                    if (lock.executeUpdate() == 1) {
                        claimed.add(delivery.claimedUntil(until));
                    }
                }
            }
        }
        return claimed;
    }

    /** The target took it (2xx, or the JDBC sink committed the row). */
    public void delivered(Delivery delivery, Integer code) throws SQLException {
        if (update(delivery, DELIVERED, delivery.attempts() + 1, Instant.now(), code, null, true)) {
            metrics.deliveryAttempted(delivery.sink(), delivery.target(), "delivered");
            LOG.debug("Delivered {} to {} {}", delivery.id(), delivery.sink(), delivery.target());
        }
    }

    /** A failed attempt: retried after the backoff, or failed for good once past its give-up time. */
    public void attemptFailed(Delivery delivery, Integer code, String error) throws SQLException {
        int attempts = delivery.attempts() + 1;
        Instant now = Instant.now();
        Optional<Instant> retryAt = retry.nextAttempt(attempts, now, delivery.giveUpAt());
        boolean last = retryAt.isEmpty();
        Instant next = retryAt.orElse(now);
        if (!update(delivery, last ? FAILED : PENDING, attempts, next, code, error, false)) {
            return;
        }
        metrics.deliveryAttempted(delivery.sink(), delivery.target(), last ? "failed" : "retrying");
        if (last) {
            metrics.deliveryFailed(delivery.sink(), delivery.target(), "gave-up");
            LOG.warn("Delivery {} to {} {} failed after {} attempts: {}", delivery.id(), delivery.sink(),
                    delivery.target(), attempts, error);
        } else {
            LOG.info("Delivery {} to {} {} failed (attempt {}), next attempt at {}: {}", delivery.id(), delivery.sink(),
                    delivery.target(), attempts, next, error);
        }
    }

    /**
     * The target is gone (410: {@code code} is its answer) or disabled or no longer configured (no
     * attempt, {@code code} null): the delivery fails at once, without further attempts.
     */
    public void failNow(Delivery delivery, Integer code, String error) throws SQLException {
        if (update(delivery, FAILED, delivery.attempts() + (code == null ? 0 : 1), Instant.now(), code, error, false)) {
            if (code != null) {
                metrics.deliveryAttempted(delivery.sink(), delivery.target(), "failed");
            }
            metrics.deliveryFailed(delivery.sink(), delivery.target(), code == null ? "not-sent" : "gone");
            LOG.warn("Delivery {} to {} {} failed: {}", delivery.id(), delivery.sink(), delivery.target(), error);
        }
    }

    /** Worker-route error step: records the exception of the attempt on the delivery in the exchange. */
    public void exceptionCaught(Exchange exchange) throws SQLException {
        Delivery delivery = exchange.getProperty(OutboundWebhooks.DELIVERY, Delivery.class);
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        attemptFailed(delivery, null, e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** Makes a failed (or pending) delivery due now, for one more attempt; returns the updated row. */
    public Optional<Delivery> retryNow(String id) throws SQLException {
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<Delivery> found = find(connection, id);
                if (found.isEmpty()) {
                    connection.rollback();
                    return found;
                }
                if (DELIVERED.equals(found.get().status())) {
                    connection.rollback();
                    throw new HttpProblem(409, "conflict", "delivery " + id + " was already delivered");
                }
                try (PreparedStatement update = connection.prepareStatement("""
                        UPDATE delivery SET status = 'pending', next_attempt_at = ?, lease_until = NULL,
                            give_up_at = CASE WHEN give_up_at < ? THEN ? ELSE give_up_at END, updated_at = ?
                        WHERE id = ?""")) {
                    update.setObject(1, utc(now));
                    update.setObject(2, utc(now));
                    update.setObject(3, utc(now));
                    update.setObject(4, utc(now));
                    update.setString(5, id);
                    update.executeUpdate();
                }
                // A hand retry re-enables a target that had answered 410 Gone.
                try (PreparedStatement enable = connection.prepareStatement(
                        "DELETE FROM outbound_target_disabled WHERE target = ?")) {
                    enable.setString(1, found.get().target());
                    enable.executeUpdate();
                }
                Optional<Delivery> updated = find(connection, id);
                connection.commit();
                return updated;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    public List<Delivery> list(String status, int limit, int offset) throws SQLException {
        List<Delivery> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(status == null
                     ? "SELECT * FROM delivery ORDER BY updated_at DESC, id LIMIT ? OFFSET ?"
                     : "SELECT * FROM delivery WHERE status = ? ORDER BY updated_at DESC, id LIMIT ? OFFSET ?")) {
            int i = 1;
            if (status != null) {
                select.setString(i++, status);
            }
            select.setInt(i++, limit);
            select.setInt(i, offset);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(read(rs));
                }
            }
        }
        return rows;
    }

    public boolean isDisabled(String target) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT 1 FROM outbound_target_disabled WHERE target = ?")) {
            select.setString(1, target);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    public void disable(String target) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO outbound_target_disabled (target, disabled_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, target);
            insert.setObject(2, utc(Instant.now()));
            insert.executeUpdate();
        }
        LOG.warn("Outbound target {} answered 410 Gone and is disabled until a delivery is retried by hand", target);
    }

    private Optional<Delivery> find(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM delivery WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Records an attempt's outcome if the row still carries the claim the attempt was made under;
     * false (and a warning) when the lease ran out and the row was claimed again or retried by hand.
     */
    private boolean update(Delivery delivery, String status, int attempts, Instant next, Integer code, String error,
                           boolean delivered) throws SQLException {
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     UPDATE delivery SET status = ?, attempts = ?, next_attempt_at = ?, last_code = ?, last_error = ?,
                         lease_until = NULL, updated_at = ?, delivered_at = ? WHERE id = ? AND lease_until = ?""")) {
            update.setString(1, status);
            update.setInt(2, attempts);
            update.setObject(3, utc(next));
            if (code == null) {
                update.setNull(4, Types.INTEGER);
            } else {
                update.setInt(4, code);
            }
            update.setString(5, error == null ? null : error.substring(0, Math.min(error.length(), 1000)));
            update.setObject(6, utc(now));
            update.setObject(7, delivered ? utc(now) : null);
            update.setString(8, delivery.id());
            update.setObject(9, delivery.leaseUntil() == null ? null : utc(delivery.leaseUntil()));
            if (update.executeUpdate() == 1) {
                return true;
            }
        }
        LOG.warn("Delivery {} to {} {}: the outcome of an attempt ({}{}) is not recorded: its lease ran out and the "
                        + "delivery was claimed again or retried meanwhile (keep the target's timeout below dlr.delivery.lease)",
                delivery.id(), delivery.sink(), delivery.target(), status, code == null ? "" : ", " + code);
        return false;
    }

    private static Delivery read(ResultSet rs) throws SQLException {
        int code = rs.getInt("last_code");
        Integer lastCode = rs.wasNull() ? null : code;
        return new Delivery(rs.getString("id"), rs.getString("sink"), rs.getString("target"), rs.getString("source_id"),
                rs.getString("event_type"), rs.getString("payload"), rs.getString("status"), rs.getInt("attempts"),
                instant(rs, "next_attempt_at"), instant(rs, "give_up_at"), lastCode, rs.getString("last_error"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "delivered_at"),
                instant(rs, "lease_until"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
