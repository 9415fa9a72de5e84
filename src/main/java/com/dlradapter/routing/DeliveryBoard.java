package com.dlradapter.routing;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.dlradapter.store.Jdbc.utc;

/**
 * What the console shows of the delivery table, each read through an index: pending and failed
 * deliveries per target, one target's deliveries of a status, an event's deliveries; and the hand
 * retry of all failed deliveries of a target, a page at a time.
 */
public class DeliveryBoard {

    /** Failed deliveries made due again per transaction by a retry of all of a target's. */
    public static final int RETRY_PAGE = 500;
    private static final List<String> SINKS = List.of(RouteDecision.WEBHOOK, RouteDecision.JDBC);

    // The statements, each read through an index (their plans are checked by ConsoleQueryPlanTest).
    public static final String TARGET_COUNTS = "SELECT status, sink, target, COUNT(*) FROM delivery"
            + " WHERE status IN ('pending', 'failed') GROUP BY status, sink, target";
    /** In delivery_round_ix order: H2 reads the index in order only when ORDER BY names its columns. */
    public static final String TARGET_PAGE = "SELECT * FROM delivery WHERE status = ? AND sink = ? AND target = ?"
            + " ORDER BY status, sink, target, next_attempt_at LIMIT ? OFFSET ?";
    public static final String OF_MESSAGE = "SELECT d.* FROM receipt_event e JOIN delivery d ON d.source_id = e.id"
            + " WHERE e.provider = ? AND e.message_id = ? UNION ALL SELECT * FROM delivery WHERE source_id = ?";
    public static final String FAILED_PAGE = "SELECT id FROM delivery WHERE status = 'failed' AND sink = ? AND target = ?"
            + " AND next_attempt_at < ? ORDER BY status, sink, target, next_attempt_at LIMIT ?";
    public static final String FAILED_BEFORE = "SELECT COUNT(*) FROM delivery WHERE status = 'failed' AND sink = ? AND target = ?"
            + " AND next_attempt_at < ?";
    public static final String FAILED_SINCE = "SELECT COUNT(*) FROM delivery WHERE status = 'failed' AND sink = ?"
            + " AND next_attempt_at >= ?";

    private final DataSource dataSource;

    public DeliveryBoard(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A sink target with its pending and failed deliveries, and whether a 410 disabled it. */
    public record TargetCounts(String sink, String target, long pending, long failed, boolean disabled) {
    }

    /** Every target with pending or failed deliveries (an index-only range of delivery_round_ix per status). */
    public List<TargetCounts> targets() throws SQLException {
        Map<String, long[]> counts = new TreeMap<>();
        List<String> disabled = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement count = connection.prepareStatement(
TARGET_COUNTS);
                 ResultSet rs = count.executeQuery()) {
                while (rs.next()) {
                    long[] both = counts.computeIfAbsent(rs.getString(2) + "\u0000" + rs.getString(3), key -> new long[2]);
                    both[Deliveries.PENDING.equals(rs.getString(1)) ? 0 : 1] = rs.getLong(4);
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT target FROM outbound_target_disabled");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    disabled.add(rs.getString(1));
                }
            }
        }
        List<TargetCounts> targets = new ArrayList<>(counts.size());
        counts.forEach((key, both) -> {
            String[] parts = key.split("\u0000", 2);
            targets.add(new TargetCounts(parts[0], parts[1], both[0], both[1],
                    RouteDecision.WEBHOOK.equals(parts[0]) && disabled.contains(parts[1])));
        });
        return targets;
    }

    /**
     * One target's deliveries of a status, by next attempt (a failed one: its last attempt), oldest
     * first: an ordered range of delivery_round_ix (status, sink, target, next_attempt_at).
     */
    public List<Delivery> ofTarget(String status, String sink, String target, int limit, int offset) throws SQLException {
        List<Delivery> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(TARGET_PAGE)) {
            select.setString(1, status);
            select.setString(2, sink);
            select.setString(3, target);
            select.setInt(4, limit);
            select.setInt(5, offset);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(Deliveries.read(rs));
                }
            }
        }
        return rows;
    }

    /**
     * The deliveries of a message's events (its receipts, and its overdue event): the message's
     * events by receipt_event_message_ix, their deliveries by delivery_source_ix. Empty when the
     * message is unknown ({@code Optional.empty()}).
     */
    public java.util.Optional<List<Delivery>> ofMessage(String provider, String messageId) throws SQLException {
        List<Delivery> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement known = connection.prepareStatement(
                    "SELECT 1 FROM message_status WHERE provider = ? AND message_id = ?")) {
                known.setString(1, provider);
                known.setString(2, messageId);
                try (ResultSet rs = known.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.empty();
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(OF_MESSAGE)) {
                select.setString(1, provider);
                select.setString(2, messageId);
                select.setString(3, RoutingOutbox.overdueSourceId(provider, messageId));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(Deliveries.read(rs));
                    }
                }
            }
        }
        rows.sort(java.util.Comparator.comparing(Delivery::createdAt).thenComparing(Delivery::sink)
                .thenComparing(Delivery::target));
        return java.util.Optional.of(rows);
    }

    /**
     * Makes up to {@link #RETRY_PAGE} failed deliveries of {@code target} (any sink) that failed
     * before {@code startedAt} due now, in one transaction, as {@link Deliveries#retryNow} does one;
     * re-enables the target if a 410 disabled it. A delivery that fails again after the retry fails
     * after {@code startedAt}, so a retry of all, page after page, visits each failed delivery once.
     *
     * @return how many were made due; fewer than a page when none are left
     */
    public int retryFailedPage(String target, Instant startedAt) throws SQLException {
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<String> ids = new ArrayList<>();
                for (String sink : SINKS) {
                    try (PreparedStatement select = connection.prepareStatement(FAILED_PAGE)) {
                        select.setString(1, sink);
                        select.setString(2, target);
                        select.setObject(3, utc(startedAt));
                        select.setInt(4, RETRY_PAGE - ids.size());
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                ids.add(rs.getString(1));
                            }
                        }
                    }
                    if (ids.size() == RETRY_PAGE) {
                        break;
                    }
                }
                Deliveries.makeDue(connection, ids, now, true);
                if (!ids.isEmpty()) {
                    Deliveries.enable(connection, target);
                }
                connection.commit();
                return ids.size();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * How many deliveries failed since {@code since} (a failed delivery's next attempt is when it
     * failed), of any target: an index-only range of delivery_round_ix per sink.
     */
    public long failedSince(Instant since) throws SQLException {
        long failed = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(FAILED_SINCE)) {
            for (String sink : SINKS) {
                count.setString(1, sink);
                count.setObject(2, utc(since));
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    failed += rs.getLong(1);
                }
            }
        }
        return failed;
    }

    /** How many failed deliveries of {@code target} failed before {@code startedAt}. */
    public long failedBefore(String target, Instant startedAt) throws SQLException {
        long failed = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(FAILED_BEFORE)) {
            for (String sink : SINKS) {
                count.setString(1, sink);
                count.setString(2, target);
                count.setObject(3, utc(startedAt));
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    failed += rs.getLong(1);
                }
            }
        }
        return failed;
    }
}
