package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalJson;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Searches the messages (message_status), newest first by when the adapter first heard of them,
 * one page at a time. Pages are keyset pages: the next one starts after the last row of the one
 * before ({@link Position}), so a page costs the same however deep it is and a message arriving
 * meanwhile never shifts one into the next page twice. Each filter has an index that keeps the
 * order (V11__message_search_indexes, V14__message_status_client_ref), so a page is a short range read at any table size.
 */
public class MessageSearch {

    /**
     * What to search for; every field is optional (null: any). {@code since} inclusive, {@code until}
     * exclusive; {@code overdue}: whether the message went past dlr.polling.max-age without a final
     * status (overdue_at set; it stays set if a final status comes later).
     */
    public record Filter(String provider, String messageId, String clientRef, String recipient, String status,
                         Boolean isFinal, Boolean overdue, Instant since, Instant until) {
    }

    /** Where a page ended: the last message's first-seen time and key. */
    public record Position(Instant firstSeenAt, String provider, String messageId) {
    }

    /** A page of messages, and where the next page starts (null on the last page). */
    public record Page(List<ObjectNode> messages, Position next) {
    }

    private final DataSource dataSource;

    public MessageSearch(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Page search(Filter filter, Position after, int limit) throws SQLException {
        Query query = query(filter, after, limit);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(query.sql())) {
            query.bind(select);
            return page(select, limit);
        }
    }

    /** A statement and its values, in order. */
    record Query(String sql, List<Object> values) {
        void bind(PreparedStatement statement) throws SQLException {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
        }
    }

    /** The page's statement: one more row than the page, to know whether another page follows. */
    static Query query(Filter filter, Position after, int limit) {
        List<Object> values = new ArrayList<>();
        StringBuilder sql = new StringBuilder("""
                SELECT provider, message_id, batch_id, client_ref, recipient, status, is_final, provider_status, parts,
                       first_seen_at, updated_at, overdue_at
                FROM message_status WHERE 1 = 1""");
        condition(sql, values, " AND provider = ?", filter.provider());
        condition(sql, values, " AND message_id = ?", filter.messageId());
        condition(sql, values, " AND client_ref = ?", filter.clientRef());
        condition(sql, values, " AND recipient = ?", filter.recipient());
        condition(sql, values, " AND status = ?", filter.status());
        condition(sql, values, " AND is_final = ?", filter.isFinal());
        if (filter.overdue() != null) {
            sql.append(filter.overdue() ? " AND overdue_at IS NOT NULL" : " AND overdue_at IS NULL");
        }
        condition(sql, values, " AND first_seen_at >= ?", utc(filter.since()));
        condition(sql, values, " AND first_seen_at < ?", utc(filter.until()));
        if (after != null) {
            // a row value comparison, which PostgreSQL reads as an index range; with one provider
            // the provider column is constant and left out, so the provider index serves it too
            boolean oneProvider = filter.provider() != null;
            sql.append(oneProvider ? " AND (first_seen_at, message_id) < (?, ?)"
                    : " AND (first_seen_at, provider, message_id) < (?, ?, ?)");
            values.add(utc(after.firstSeenAt()));
            if (!oneProvider) {
                values.add(after.provider());
            }
            values.add(after.messageId());
        }
        sql.append(" ORDER BY first_seen_at DESC, provider DESC, message_id DESC LIMIT ?");
        values.add(limit + 1);
        return new Query(sql.toString(), values);
    }

    private static Page page(PreparedStatement select, int limit) throws SQLException {
        List<ObjectNode> messages = new ArrayList<>();
        Position last = null;
        boolean more = false;
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                if (messages.size() == limit) {
                    more = true;
                    break;
                }
                OffsetDateTime firstSeen = rs.getObject("first_seen_at", OffsetDateTime.class);
                messages.add(message(rs, firstSeen));
                last = new Position(firstSeen.toInstant(), rs.getString("provider"), rs.getString("message_id"));
            }
        }
        return new Page(messages, more ? last : null);
    }

    private static ObjectNode message(ResultSet rs, OffsetDateTime firstSeen) throws SQLException {
        ObjectNode message = CanonicalJson.MAPPER.createObjectNode();
        message.put("provider", rs.getString("provider"));
        message.put("messageId", rs.getString("message_id"));
        MessageQuery.putStatus(message, rs);
        message.put("firstSeenAt", firstSeen.toInstant().toString());
        message.put("updatedAt", Jdbc.instantText(rs, "updated_at"));
        message.put("overdue", rs.getObject("overdue_at") != null);
        return message;
    }

    /**
     * One stored event of a message with its raw payload as received (NUL characters restored),
     * for the console's "raw payload on demand"; empty when the message has no such event.
     */
    public Optional<ObjectNode> event(String provider, String messageId, String eventId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT id, source, received_at, raw_payload, raw_payload_escaped FROM receipt_event
                     WHERE provider = ? AND message_id = ? AND id = ?""")) {
            select.setString(1, provider);
            select.setString(2, messageId);
            select.setString(3, eventId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ObjectNode event = CanonicalJson.MAPPER.createObjectNode();
                event.put("id", rs.getString("id"));
                event.put("provider", provider);
                event.put("messageId", messageId);
                event.put("source", rs.getString("source"));
                event.put("receivedAt", Jdbc.instantText(rs, "received_at"));
                event.put("rawPayload", NulText.raw(rs.getString("raw_payload"), rs.getBoolean("raw_payload_escaped")));
                return Optional.of(event);
            }
        }
    }

    private static void condition(StringBuilder sql, List<Object> values, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            values.add(value);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : Jdbc.utc(instant);
    }
}
