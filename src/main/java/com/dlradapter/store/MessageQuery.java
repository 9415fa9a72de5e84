package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Predicate;

/** Reads a message's current canonical state and its history of stored events. */
public class MessageQuery {

    private final DataSource dataSource;
    private final Predicate<String> polled;

    public MessageQuery(DataSource dataSource) {
        this(dataSource, provider -> true);
    }

    /**
     * @param polled whether a provider is polled at all: a tracked message of a provider that is
     *               not shows {@code polling.state} {@code off}, not an {@code active} schedule
     *               whose next poll never comes
     */
    public MessageQuery(DataSource dataSource, Predicate<String> polled) {
        this.dataSource = dataSource;
        this.polled = polled;
    }

    /**
     * The current state: the canonical receipt that set the message's status, with the message's
     * own {@code status} and {@code final} (for a multipart message they combine all parts), its
     * {@code updatedAt}, and {@code history}: every stored event, oldest first.
     */
    public Optional<ObjectNode> message(String provider, String messageId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            ObjectNode state;
            String currentEventId;
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT m.batch_id, m.client_ref, m.recipient, m.status, m.is_final, m.provider_status, m.current_event_id, m.parts,
                           m.first_seen_at, m.updated_at, m.overdue_at,
                           p.state AS poll_state, p.attempts AS poll_attempts, p.next_poll_at, p.last_polled_at
                    FROM message_status m
                    LEFT JOIN poll_schedule p ON p.provider = m.provider AND p.message_id = m.message_id
                    WHERE m.provider = ? AND m.message_id = ?""")) {
                select.setString(1, provider);
                select.setString(2, messageId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    currentEventId = rs.getString("current_event_id");
                    state = state(rs, provider, messageId);
                }
            }
            ArrayNode history = state.arrayNode();
            ObjectNode current = history(connection, provider, messageId, currentEventId, history);
            ObjectNode answer = CanonicalJson.MAPPER.createObjectNode();
            if (current != null) {
                answer.setAll(current.deepCopy());
                answer.putNull("part");     // the state is the message's, not one part's
                state.remove("id");      // keep the current event's id
            }
            answer.setAll(state);
            answer.set("history", history);
            return Optional.of(answer);
        }
    }

    /**
     * A message's status fields from its message_status row, batchId to parts, as the message
     * view and the message search (each a row of it) both answer them.
     */
    static void putStatus(ObjectNode message, ResultSet rs) throws SQLException {
        message.put("batchId", rs.getString("batch_id"));
        message.put("clientRef", rs.getString("client_ref"));
        message.put("recipient", rs.getString("recipient"));
        message.put("status", rs.getString("status"));
        message.put("final", rs.getBoolean("is_final"));
        message.put("providerStatus", rs.getString("provider_status"));
        int parts = rs.getInt("parts");
        if (!rs.wasNull()) {
            message.put("parts", parts);
        }
    }

    /** The message's own fields from its row (and its poll schedule's), {@code id} null. */
    private ObjectNode state(ResultSet rs, String provider, String messageId) throws SQLException {
        ObjectNode state = CanonicalJson.MAPPER.createObjectNode();
        state.putNull("id");
        state.put("provider", provider);
        state.put("messageId", messageId);
        putStatus(state, rs);
        state.put("firstSeenAt", Jdbc.instantText(rs, "first_seen_at"));
        state.put("updatedAt", Jdbc.instantText(rs, "updated_at"));
        // Overdue: polled for the maximum age without reaching a final status.
        state.put("overdue", rs.getObject("overdue_at") != null);
        state.put("overdueAt", Jdbc.instantText(rs, "overdue_at"));
        ObjectNode polling = state.putObject("polling");
        String pollState = rs.getString("poll_state");
        if (pollState == null) {
            // no schedule: a provider that is not polled, or a message final at its first event
            pollState = rs.getObject("overdue_at") != null ? "overdue" : rs.getBoolean("is_final") ? "done" : "off";
        } else if ("active".equals(pollState) && !polled.test(provider)) {
            pollState = "off";
        }
        polling.put("state", pollState);
        polling.put("attempts", rs.getInt("poll_attempts"));
        polling.put("nextPollAt", "active".equals(pollState) ? Jdbc.instantText(rs, "next_poll_at") : null);
        polling.put("lastPolledAt", Jdbc.instantText(rs, "last_polled_at"));
        return state;
    }

    /**
     * Adds every stored event of the message to {@code history}, oldest first.
     *
     * @return the event that set the message's current status, null if none did
     */
    private static ObjectNode history(Connection connection, String provider, String messageId, String currentEventId,
                                      ArrayNode history) throws SQLException {
        ObjectNode current = null;
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, canonical FROM receipt_event WHERE provider = ? AND message_id = ? ORDER BY seq""")) {
            select.setString(1, provider);
            select.setString(2, messageId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ObjectNode event = (ObjectNode) CanonicalJson.MAPPER.readTree(rs.getString("canonical"));
                    history.add(event);
                    if (rs.getString("id").equals(currentEventId)) {
                        current = event;
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored canonical receipt is not valid JSON", e);
        }
        return current;
    }
}
