package com.dlradapter.store;

import com.dlradapter.canonical.ReceiptSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    public long save(String provider, ReceiptSource source, String reason, String contentType, String rawPayload,
                     Instant receivedAt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO dead_letter (provider, source, reason, content_type, raw_payload, received_at)
                     VALUES (?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, provider);
            insert.setString(2, source.wireName());
            insert.setString(3, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
            insert.setString(4, contentType == null || contentType.length() <= 255 ? contentType : contentType.substring(0, 255));
            insert.setString(5, rawPayload == null ? "" : rawPayload);
            insert.setObject(6, ReceiptStore.utc(receivedAt));
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
        String sql = "SELECT id, provider, source, reason, content_type, raw_payload, received_at FROM dead_letter"
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
                    row.put("rawPayload", rs.getString("raw_payload"));
                    row.put("receivedAt", rs.getObject("received_at", OffsetDateTime.class).toInstant().toString());
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
