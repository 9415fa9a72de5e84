package com.dlradapter.routing;

import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.observe.OutboundBacklog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static com.dlradapter.store.Jdbc.instant;
import static com.dlradapter.store.Jdbc.setInteger;
import static com.dlradapter.store.Jdbc.utc;

/**
 * The delivery table: queued deliveries to webhook and JDBC sink targets with their retry state.
 * Due rows of a target are claimed a round at a time with a lease (several adapter instances never
 * send the same row at the same time; a crashed instance's lease simply runs out), and a round's
 * outcomes are recorded together in one transaction, each only while its row still carries this
 * instance's lease: an attempt that outlived it (and may have been claimed and sent again by
 * another node) leaves no stale outcome behind.
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
     * @param batchSize deliveries of one target claimed (and recorded) together
     * @param perTarget deliveries of one target attempted at once, and all a round of a failing target claims
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
     * The time a round keeps free at the end of its lease to record its outcomes: max(5 s, lease/10).
     * No attempt starts later than {@code leaseUntil - timeout - margin}, so every attempt of a round
     * has ended, and its outcome can be recorded, well before another node or drain may claim the
     * delivery again and send it a second time.
     */
    public static Duration margin(Duration lease) {
        Duration tenth = lease.dividedBy(10);
        return tenth.compareTo(MIN_MARGIN) > 0 ? tenth : MIN_MARGIN;
    }

    private static final Duration MIN_MARGIN = Duration.ofSeconds(5);

    /** {@link #margin(Duration)} of this instance's lease. */
    public Duration margin() {
        return margin(lease);
    }

    /**
     * Start check of a target's time bound: an attempt (at most {@code timeout}) and the margin to
     * record its outcome must fit in the lease, or another node may claim the delivery and send it
     * again while the first attempt still runs.
     */
    public static void requireWithinLease(String setting, Duration timeout, Duration lease) {
        requireWithinLease(setting, timeout, timeout, lease);
    }

    /** As above, for a setting whose attempt may last up to {@code attempt} (a JDBC sink: the connection wait, then the statement). */
    static void requireWithinLease(String setting, Duration timeout, Duration attempt, Duration lease) {
        Duration margin = margin(lease);
        if (attempt.plus(margin).compareTo(lease) >= 0) {
            throw new IllegalArgumentException("setting " + setting + " (" + timeout + ") must be shorter than "
                    + "dlr.delivery.lease (" + lease + ") less a margin of " + margin + " (max(5 s, lease/10), "
                    + "to record the outcome)"
                    + (attempt.equals(timeout) ? "" : "; a write may last " + attempt
                            + " (the wait for a connection, then the statement)")
                    + ": an attempt still running when its lease runs out may be claimed and sent again by another node");
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

    /** The sink targets that have pending deliveries. */
    public List<SinkTarget> pendingTargets() throws SQLException {
        List<SinkTarget> targets = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT DISTINCT sink, target FROM delivery WHERE status = 'pending'");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                targets.add(new SinkTarget(rs.getString(1), rs.getString(2)));
            }
        }
        return targets;
    }

    /** How many deliveries of one target a round claims: a full batch, or per-target while the target fails. */
    public int roundSize(boolean failing) {
        return failing ? Math.min(perTarget, batchSize) : batchSize;
    }

    /** How long a claimed delivery stays reserved. */
    public Duration lease() {
        return lease;
    }

    /** How many deliveries of one target are attempted at once. */
    public int perTarget() {
        return perTarget;
    }

    /**
     * Claims up to {@code max} due pending deliveries of one sink target for this instance, oldest
     * due first: one query, and the leases in one transaction. Each lease is a compare-and-set, so a
     * row another instance claimed meanwhile is skipped.
     */
    public List<Delivery> claim(String sink, String target, int max) throws SQLException {
        Instant now = Instant.now();
        List<Delivery> claimed = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            List<Delivery> due = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT * FROM delivery WHERE status = 'pending' AND sink = ? AND target = ? AND next_attempt_at <= ?
                      AND (lease_until IS NULL OR lease_until < ?)
                    ORDER BY status, sink, target, next_attempt_at LIMIT ?""")) {
                // One ordered range of delivery_round_ix (status, sink, target, next_attempt_at) that
                // stops after the limit: H2 reads the index in order only when ORDER BY names its columns.
                select.setString(1, sink);
                select.setString(2, target);
                select.setObject(3, utc(now));
                select.setObject(4, utc(now));
                select.setInt(5, max);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        due.add(read(rs));
                    }
                }
            }
            if (due.isEmpty()) {
                return claimed;
            }
            // Whole milliseconds, so the lease reads back equal on H2 and PostgreSQL alike: it is
            // the claim that recording the outcome checks.
            Instant until = now.plus(lease).truncatedTo(ChronoUnit.MILLIS);
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement("""
                    UPDATE delivery SET lease_until = ? WHERE id = ? AND status = 'pending'
                      AND (lease_until IS NULL OR lease_until < ?)""")) {
                for (Delivery delivery : due) {
                    lock.setObject(1, utc(until));
                    lock.setString(2, delivery.id());
                    lock.setObject(3, utc(now));
                    lock.addBatch();
                }
                int[] updated = lock.executeBatch();
                connection.commit();
                for (int i = 0; i < updated.length; i++) {
                    if (updated[i] != 0) {
                        claimed.add(due.get(i).claimedUntil(until));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return claimed;
    }

    /**
     * Records the outcomes of a round, and disables the targets that answered 410, in one
     * transaction. Each outcome counts only while its row still carries the claim the attempt was
     * made under; one that does not (the lease ran out and the row was claimed again, or it was
     * retried by hand) is dropped with a warning.
     */
    public void record(List<Outcome> outcomes, Set<String> disable) throws SQLException {
        if (outcomes.isEmpty() && disable.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        List<Outcome> updates = new ArrayList<>();
        List<Outcome> releases = new ArrayList<>();
        List<Instant> next = new ArrayList<>();
        List<Boolean> last = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.result() == Outcome.Result.RELEASE) {
                releases.add(outcome);
                continue;
            }
            updates.add(outcome);
            if (outcome.result() == Outcome.Result.RETRY) {
                Optional<Instant> retryAt = retry.nextAttempt(outcome.delivery().attempts() + 1, now,
                        outcome.delivery().giveUpAt());
                next.add(retryAt.orElse(now));
                last.add(retryAt.isEmpty());
            } else {
                next.add(now);
                last.add(outcome.result() == Outcome.Result.FAIL);
            }
        }
        int[] updated = write(updates, next, last, releases, disable, now);
        disable.forEach(target -> LOG.warn(
                "Outbound target {} answered 410 Gone and is disabled until a delivery is retried by hand", target));
        for (int i = 0; i < updates.size(); i++) {
            Outcome outcome = updates.get(i);
            if (updated[i] == 0) {
                Delivery delivery = outcome.delivery();
                LOG.warn("Delivery {} to {} {}: the outcome of an attempt ({}{}) is not recorded: its lease ran out and "
                                + "the delivery was claimed again or retried meanwhile (keep the target's timeout below "
                                + "dlr.delivery.lease)", delivery.id(), delivery.sink(), delivery.target(),
                        outcome.result(), outcome.code() == null ? "" : ", " + outcome.code());
            } else {
                recorded(outcome, next.get(i), last.get(i));
            }
        }
    }

    /** A round's updates, given-back claims and disabled targets in one transaction; returns the update counts. */
    private int[] write(List<Outcome> updates, List<Instant> next, List<Boolean> last, List<Outcome> releases,
                        Set<String> disable, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int[] updated = update(connection, updates, next, last, now);
                release(connection, releases);
                disable(connection, disable, now);
                connection.commit();
                return updated;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Targets that answered 410 Gone, disabled until a delivery of theirs is retried by hand. */
    private static void disable(Connection connection, Set<String> targets, Instant now) throws SQLException {
        if (targets.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbound_target_disabled (target, disabled_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (String target : targets) {
                insert.setString(1, target);
                insert.setObject(2, utc(now));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Metrics and log of an outcome that was recorded. */
    private void recorded(Outcome outcome, Instant next, boolean last) {
        Delivery delivery = outcome.delivery();
        int attempts = delivery.attempts() + 1;
        switch (outcome.result()) {
            case DELIVERED -> {
                metrics.deliveryAttempted(delivery.sink(), delivery.target(), "delivered");
                LOG.debug("Delivered {} to {} {}", delivery.id(), delivery.sink(), delivery.target());
            }
            case RETRY -> {
                metrics.deliveryAttempted(delivery.sink(), delivery.target(), last ? "failed" : "retrying");
                if (last) {
                    metrics.deliveryFailed(delivery.sink(), delivery.target(), "gave-up");
                    LOG.warn("Delivery {} to {} {} failed after {} attempts: {}", delivery.id(), delivery.sink(),
                            delivery.target(), attempts, outcome.error());
                } else {
                    LOG.info("Delivery {} to {} {} failed (attempt {}), next attempt at {}: {}", delivery.id(),
                            delivery.sink(), delivery.target(), attempts, next, outcome.error());
                }
            }
            case FAIL -> {
                if (outcome.code() != null) {
                    metrics.deliveryAttempted(delivery.sink(), delivery.target(), "failed");
                }
                metrics.deliveryFailed(delivery.sink(), delivery.target(), outcome.code() == null ? "not-sent" : "gone");
                LOG.warn("Delivery {} to {} {} failed: {}", delivery.id(), delivery.sink(), delivery.target(), outcome.error());
            }
            default -> throw new IllegalStateException("not an update: " + outcome.result());
        }
    }

    private static int[] update(Connection connection, List<Outcome> updates, List<Instant> next, List<Boolean> last,
                                Instant now) throws SQLException {
        if (updates.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE delivery SET status = ?, attempts = ?, next_attempt_at = ?, last_code = ?, last_error = ?,
                    lease_until = NULL, updated_at = ?, delivered_at = ? WHERE id = ? AND lease_until = ?""")) {
            for (int i = 0; i < updates.size(); i++) {
                Outcome outcome = updates.get(i);
                Delivery delivery = outcome.delivery();
                boolean delivered = outcome.result() == Outcome.Result.DELIVERED;
                boolean attempted = delivered || outcome.result() == Outcome.Result.RETRY || outcome.code() != null;
                update.setString(1, delivered ? DELIVERED : last.get(i) ? FAILED : PENDING);
                update.setInt(2, delivery.attempts() + (attempted ? 1 : 0));
                update.setObject(3, utc(next.get(i)));
                setInteger(update, 4, outcome.code());
                String error = outcome.error();
                update.setString(5, error == null ? null : error.substring(0, Math.min(error.length(), 1000)));
                update.setObject(6, utc(now));
                update.setObject(7, delivered ? utc(now) : null);
                update.setString(8, delivery.id());
                update.setObject(9, delivery.leaseUntil() == null ? null : utc(delivery.leaseUntil()));
                update.addBatch();
            }
            return update.executeBatch();
        }
    }

    /** Gives back the claims of deliveries a round did not attempt, so the next round takes them at once. */
    private static void release(Connection connection, List<Outcome> releases) throws SQLException {
        if (releases.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE delivery SET lease_until = NULL WHERE id = ? AND lease_until = ?")) {
            for (Outcome outcome : releases) {
                update.setString(1, outcome.delivery().id());
                update.setObject(2, utc(outcome.delivery().leaseUntil()));
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /**
     * Makes deliveries due now, by hand (a retry): pending, no lease, and a give-up time not in the
     * past, so the next drain attempts them. With {@code onlyFailed}, only those still failed.
     */
    static void makeDue(Connection connection, List<String> ids, Instant now, boolean onlyFailed) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE delivery SET status = 'pending', next_attempt_at = ?, lease_until = NULL,
                    give_up_at = CASE WHEN give_up_at < ? THEN ? ELSE give_up_at END, updated_at = ?
                WHERE id = ?""" + (onlyFailed ? " AND status = 'failed'" : ""))) {
            for (String id : ids) {
                for (int i = 1; i <= 4; i++) {
                    update.setObject(i, utc(now));
                }
                update.setString(5, id);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** A hand retry re-enables a target that had answered 410 Gone. */
    static void enable(Connection connection, String target) throws SQLException {
        try (PreparedStatement enable = connection.prepareStatement("DELETE FROM outbound_target_disabled WHERE target = ?")) {
            enable.setString(1, target);
            enable.executeUpdate();
        }
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
                    throw new AlreadyDeliveredException(id);
                }
                makeDue(connection, List.of(id), now, false);
                enable(connection, found.get().target());
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

    private Optional<Delivery> find(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM delivery WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    static Delivery read(ResultSet rs) throws SQLException {
        int code = rs.getInt("last_code");
        Integer lastCode = rs.wasNull() ? null : code;
        return new Delivery(rs.getString("id"), rs.getString("sink"), rs.getString("target"), rs.getString("source_id"),
                rs.getString("event_type"), rs.getString("payload"), rs.getString("status"), rs.getInt("attempts"),
                instant(rs, "next_attempt_at"), instant(rs, "give_up_at"), lastCode, rs.getString("last_error"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "delivered_at"),
                instant(rs, "lease_until"));
    }
}
