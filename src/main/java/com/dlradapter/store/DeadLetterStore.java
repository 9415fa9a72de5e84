package com.dlradapter.store;

import com.dlradapter.canonical.ReceiptSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps payloads that could not be mapped, with the reason, so nothing a provider sent is lost and
 * each can be replayed after a mapping fix. A failure here propagates: the provider is then told
 * 503 and retries, rather than hearing 200 for a payload we did not keep.
 */
public class DeadLetterStore {

    private static final int MAX_REASON = 2000;

    private final DataSource dataSource;

    public DeadLetterStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Keeps one payload. Stored text never carries U+0000, which PostgreSQL text cannot hold: a raw
     * payload with a NUL is stored escaped ({@link NulText}, {@code raw_payload_escaped}) and read
     * back as it arrived; a NUL in the reason or content type is written as <code>&#92;u0000</code>.
     */
    public long save(String provider, ReceiptSource source, String reason, String contentType, String rawPayload,
                     Instant receivedAt) throws SQLException {
        String raw = rawPayload == null ? "" : rawPayload;
        boolean escaped = NulText.hasNul(raw);
        String why = NulText.visible(reason == null ? "unmappable payload" : reason);
        String type = NulText.visible(contentType);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO dead_letter (provider, source, reason, content_type, raw_payload, raw_payload_escaped,
                                              received_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, provider);
            insert.setString(2, source.wireName());
            insert.setString(3, why.length() > MAX_REASON ? why.substring(0, MAX_REASON) : why);
            insert.setString(4, type == null || type.length() <= 255 ? type : type.substring(0, 255));
            insert.setString(5, escaped ? NulText.escape(raw) : raw);
            insert.setBoolean(6, escaped);
            insert.setObject(7, Jdbc.utc(receivedAt));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the database returned no id for the dead letter");
                }
                return keys.getLong(1);
            }
        }
    }

    /** Dead letters, newest first. */
    public List<Map<String, Object>> list(String provider, int limit, int offset) throws SQLException {
        String sql = "SELECT id, provider, source, reason, content_type, raw_payload, raw_payload_escaped, received_at"
                + " FROM dead_letter"
                + (provider == null ? "" : " WHERE provider = ?")
                + " ORDER BY id DESC LIMIT ? OFFSET ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            if (provider != null) {
                select.setString(index++, provider);
            }
            select.setInt(index++, limit);
            select.setInt(index, offset);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getLong("id"));
                    row.put("provider", rs.getString("provider"));
                    row.put("source", rs.getString("source"));
                    row.put("reason", rs.getString("reason"));
                    row.put("contentType", rs.getString("content_type"));
                    row.put("rawPayload", NulText.raw(rs.getString("raw_payload"), rs.getBoolean("raw_payload_escaped")));
                    row.put("receivedAt", Jdbc.instant(rs, "received_at").toString());
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** A kept payload, as it arrived. */
    public record DeadLetter(long id, String provider, ReceiptSource source, String contentType, String rawPayload,
                             Instant receivedAt) {
    }

    /** The dead letter {@code id}, its payload as it arrived (unescaped, see {@link NulText}). */
    public Optional<DeadLetter> find(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT provider, source, content_type, raw_payload, raw_payload_escaped, received_at FROM dead_letter"
                             + " WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DeadLetter(id, row.getString(1), ReceiptSource.valueOf(row.getString(2).toUpperCase()),
                        row.getString(3), NulText.raw(row.getString(4), row.getBoolean(5)),
                        Jdbc.instant(row, "received_at")));
            }
        }
    }

    /**
     * Up to {@code limit} dead letters of {@code provider} with an id above {@code after} and at
     * most {@code through}, oldest first: one range of {@code dead_letter_provider_ix}, so a
     * provider with 100,000 dead letters is read a page at a time.
     */
    public List<DeadLetter> page(String provider, long after, long through, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
PROVIDER_PAGE)) {
            select.setString(1, provider);
            select.setLong(2, after);
            select.setLong(3, through);
            select.setInt(4, limit);
            List<DeadLetter> page = new ArrayList<>(limit);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    page.add(new DeadLetter(row.getLong(1), row.getString(2),
                            ReceiptSource.valueOf(row.getString(3).toUpperCase()), row.getString(4),
                            NulText.raw(row.getString(5), row.getBoolean(6)), Jdbc.instant(row, "received_at")));
                }
            }
            return page;
        }
    }

    /** How many payloads were dead-lettered since {@code since} (dead_letter_received_ix). */
    public long countSince(Instant since) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(COUNT_SINCE)) {
            select.setObject(1, Jdbc.utc(since));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** A provider's dead letters after an id, oldest first (its plan is checked by ConsoleQueryPlanTest). */
    public static final String PROVIDER_PAGE = "SELECT id, provider, source, content_type, raw_payload, raw_payload_escaped,"
            + " received_at FROM dead_letter WHERE provider = ? AND id > ? AND id <= ? ORDER BY provider, id LIMIT ?";
    /** Dead letters since a time. */
    public static final String COUNT_SINCE = "SELECT COUNT(*) FROM dead_letter WHERE received_at >= ?";

    /** The newest dead letter id of {@code provider}, 0 when it has none. */
    public long lastId(String provider) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT MAX(id) FROM dead_letter WHERE provider = ?")) {
            select.setString(1, provider);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        }
    }

    /** How many dead letters of {@code provider} have an id above {@code after} and at most {@code through}. */
    public long count(String provider, long after, long through) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT COUNT(*) FROM dead_letter WHERE provider = ? AND id > ? AND id <= ?")) {
            select.setString(1, provider);
            select.setLong(2, after);
            select.setLong(3, through);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * Records a replay of dead letter {@code id} ({@code dead_letter_replay}: when, its result and
     * why, the reason cut at 2,000 characters).
     *
     */
    public void recordReplay(long id, Instant replayedAt, String result, String detail) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO dead_letter_replay (dead_letter_id, replayed_at, result, detail) VALUES (?, ?, ?, ?)")) {
                insert.setLong(1, id);
                insert.setObject(2, Jdbc.utc(replayedAt));
                insert.setString(3, result);
                insert.setString(4, detail == null || detail.length() <= MAX_REASON ? detail : detail.substring(0, MAX_REASON));
                insert.executeUpdate();
            }
        }
    }

    /** How many times dead letter {@code id} has been replayed. */
    public int replays(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT COUNT(*) FROM dead_letter_replay WHERE dead_letter_id = ?")) {
                count.setLong(1, id);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        }
    }
}
