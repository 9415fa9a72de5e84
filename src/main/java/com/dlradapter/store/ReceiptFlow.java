package com.dlradapter.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The receipts received in a recent window, counted per minute, provider and canonical status,
 * for the console's overview. {@code receipt_event} has no index on {@code received_at} (every
 * index costs each stored receipt), but its primary key {@code seq} grows with arrival: the first
 * event of the window is found by a binary search over the primary key (a few dozen index
 * lookups), and the window's events are read as one primary-key range, counted as they stream.
 */
public class ReceiptFlow {

    /** One probe of the binary search: the first event at or above a seq (primary key). */
    public static final String PROBE = "SELECT seq, received_at FROM receipt_event WHERE seq >= ? ORDER BY seq LIMIT 1";
    /** The window's events: a primary-key range. */
    public static final String WINDOW = "SELECT provider, status, received_at FROM receipt_event WHERE seq >= ? AND received_at >= ?";

    private final DataSource dataSource;

    public ReceiptFlow(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Receipts received in one minute (its start) from one provider with one canonical status. */
    public record Count(Instant minute, String provider, String status, long receipts) {
    }

    /** What a {@link Count} counts: one minute, provider and status. */
    private record Cell(Instant minute, String provider, String status) {
    }

    /** The window's counts, and each provider's newest receipt in it. */
    public record Flow(List<Count> counts, Map<String, Instant> lastReceived) {
    }

    /**
     * The receipts received since {@code since}. A replayed dead letter keeps the time its payload
     * first arrived, and is counted at that time (so not at all when that is before the window).
     */
    public Flow since(Instant since) throws SQLException {
        Map<Cell, long[]> counts = new HashMap<>();
        Map<String, Instant> last = new HashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            long first = firstSeq(connection, since);
            if (first >= 0) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);   // PostgreSQL streams a result by its fetch size only in a transaction
                try (PreparedStatement select = connection.prepareStatement(WINDOW)) {
                    select.setFetchSize(1000);
                    select.setLong(1, first);
                    select.setObject(2, Jdbc.utc(since));
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            String provider = rs.getString(1);
                            Instant received = Jdbc.instant(rs, "received_at");
                            Instant minute = received.truncatedTo(ChronoUnit.MINUTES);
                            counts.computeIfAbsent(new Cell(minute, provider, rs.getString(2)), key -> new long[1])[0]++;
                            last.merge(provider, received, (a, b) -> a.isAfter(b) ? a : b);
                        }
                    }
                } finally {
                    connection.rollback();
                    connection.setAutoCommit(autoCommit);
                }
            }
        }
        List<Count> list = new ArrayList<>(counts.size());
        counts.forEach((key, count) -> list.add(new Count(key.minute(), key.provider(), key.status(), count[0])));
        return new Flow(list, last);
    }

    /**
     * The smallest {@code seq} of an event received at or after {@code since}, by binary search on
     * the primary key ({@code seq} has gaps: each probe reads the first event at or above it); -1
     * when there is none. Events stored slightly out of order around the boundary are at most missed
     * from the window's first seconds.
     */
    public static long firstSeq(Connection connection, Instant since) throws SQLException {
        long low;
        long high;
        try (PreparedStatement bounds = connection.prepareStatement("SELECT MIN(seq), MAX(seq) FROM receipt_event");
             ResultSet rs = bounds.executeQuery()) {
            rs.next();
            low = rs.getLong(1);
            if (rs.wasNull()) {
                return -1;
            }
            high = rs.getLong(2) + 1;   // high: an event at or above it is in the window (none above the newest)
        }
        try (PreparedStatement probe = connection.prepareStatement(PROBE)) {
            while (low < high) {
                long middle = low + (high - low) / 2;
                probe.setLong(1, middle);
                try (ResultSet rs = probe.executeQuery()) {
                    if (!rs.next()) {
                        high = middle;
                    } else if (Jdbc.instant(rs, "received_at").isBefore(since)) {
                        low = rs.getLong(1) + 1;
                    } else {
                        high = middle;
                    }
                }
            }
        }
        return low;
    }
}
