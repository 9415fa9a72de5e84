package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.store.StatusPrecedence.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static com.dlradapter.store.Jdbc.setInteger;
import static com.dlradapter.store.Jdbc.utc;

/**
 * The one place that writes {@code message_status}: a message's row created by its first receipt
 * or by its registration, moved by receipts (the state {@link StatusPrecedence#apply} computed),
 * and marked overdue. Every write is a statement of the caller's transaction.
 */
public final class MessageRows {

    /** A message's row before its first event is applied ({@link StatusPrecedence#UNSEEN}). */
    static final String INSERT_UNSEEN = """
            INSERT INTO message_status (provider, message_id, batch_id, client_ref, recipient, status, is_final, parts,
                                        first_seen_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    /** A message's row after a receipt (or a group commit's receipts) applied to it. */
    static final String UPDATE = """
            UPDATE message_status SET
                batch_id = COALESCE(batch_id, ?),
                client_ref = COALESCE(client_ref, ?),
                recipient = COALESCE(recipient, ?),
                parts = COALESCE(?, parts),
                status = ?,
                is_final = ?,
                provider_status = CASE WHEN ? THEN ? ELSE provider_status END,
                current_event_id = CASE WHEN ? THEN ? ELSE current_event_id END,
                updated_at = ?
            WHERE provider = ? AND message_id = ?""";
    private static final String MARK_OVERDUE = """
            UPDATE message_status SET overdue_at = ?
            WHERE provider = ? AND message_id = ? AND overdue_at IS NULL AND is_final = FALSE""";

    private MessageRows() {
    }

    /**
     * What a group commit's receipts did to one message: its state after the last of them, the
     * first batch id, client reference and recipient they named, the latest part count, and the provider status of
     * the receipt that last moved the status ({@code statusChanged}).
     */
    record Change(String provider, String messageId, String batchId, String clientRef, String recipient, Integer parts,
                  Message message, boolean statusChanged, String providerStatus) {
    }

    /** Creates the row of each receipt's message unless it exists, as one JDBC batch. */
    static void insertUnseen(Connection connection, Iterable<DeliveryReceipt> receipts, Instant now) throws SQLException {
        Jdbc.batch(connection, INSERT_UNSEEN, receipts, (insert, receipt) -> bindUnseen(insert, receipt, now));
    }

    static void bindUnseen(PreparedStatement insert, DeliveryReceipt receipt, Instant now) throws SQLException {
        insert.setString(1, receipt.provider());
        insert.setString(2, receipt.messageId());
        insert.setString(3, receipt.batchId());
        insert.setString(4, receipt.clientRef());
        insert.setString(5, receipt.recipient());
        insert.setString(6, StatusPrecedence.UNSEEN.status().name());
        insert.setBoolean(7, StatusPrecedence.UNSEEN.isFinal());
        setInteger(insert, 8, receipt.parts());
        insert.setObject(9, utc(now));
        insert.setObject(10, utc(now));
    }

    /** Writes the changes, one update per message, as one JDBC batch (none for an empty list). */
    static void update(Connection connection, List<Change> changes, Instant now) throws SQLException {
        Jdbc.batch(connection, UPDATE, changes, (update, change) -> bindUpdate(update, change, now));
    }

    static void bindUpdate(PreparedStatement update, Change change, Instant now) throws SQLException {
        update.setString(1, change.batchId());
        update.setString(2, change.clientRef());
        update.setString(3, change.recipient());
        setInteger(update, 4, change.parts());
        update.setString(5, change.message().status().name());
        update.setBoolean(6, change.message().isFinal());
        update.setBoolean(7, change.statusChanged());
        update.setString(8, change.providerStatus());
        update.setBoolean(9, change.statusChanged());
        update.setString(10, change.message().currentEventId());
        update.setObject(11, utc(now));
        update.setString(12, change.provider());
        update.setString(13, change.messageId());
    }

    /**
     * Creates a registered message's row ({@link StatusPrecedence#REGISTERED}) unless the message
     * is known already. A message known already (its first receipt can beat the registration)
     * keeps everything it has, but takes the registration's client reference if it has none: that
     * is the reference its sender searches it by.
     *
     * @param firstSeenAt when it was sent, as the caller says
     * @return true when the row was created
     */
    public static boolean register(Connection connection, String provider, String messageId, String batchId,
                                   String clientRef, String recipient, Instant firstSeenAt, Instant now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO message_status (provider, message_id, batch_id, client_ref, recipient, status, is_final,
                                            first_seen_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""")) {
            insert.setString(1, provider);
            insert.setString(2, messageId);
            insert.setString(3, batchId);
            insert.setString(4, clientRef);
            insert.setString(5, recipient);
            insert.setString(6, StatusPrecedence.REGISTERED.status().name());
            insert.setBoolean(7, StatusPrecedence.REGISTERED.isFinal());
            insert.setObject(8, utc(firstSeenAt));
            insert.setObject(9, utc(now));
            if (insert.executeUpdate() == 1) {
                return true;
            }
        }
        if (clientRef != null) {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE message_status SET client_ref = ?
                    WHERE provider = ? AND message_id = ? AND client_ref IS NULL""")) {
                update.setString(1, clientRef);
                update.setString(2, provider);
                update.setString(3, messageId);
                update.executeUpdate();
            }
        }
        return false;
    }

    /** Whether the message is known and final. */
    public static boolean isFinal(Connection connection, String provider, String messageId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT is_final FROM message_status WHERE provider = ? AND message_id = ?")) {
            select.setString(1, provider);
            select.setString(2, messageId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** A message's key. */
    public record Key(String provider, String messageId) {
    }

    /**
     * The messages, of every provider, not final and not marked overdue that were first seen
     * before {@code firstSeenBefore} (index message_status_open_ix).
     */
    public static List<Key> openSince(Connection connection, Instant firstSeenBefore) throws SQLException {
        List<Key> open = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT provider, message_id FROM message_status
                WHERE is_final = FALSE AND overdue_at IS NULL AND first_seen_at < ?""")) {
            select.setObject(1, utc(firstSeenBefore));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    open.add(new Key(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return open;
    }

    /**
     * Marks a message overdue at {@code now} unless it is final or marked already (by another node,
     * or a final receipt got there first).
     *
     * @return the message as marked, empty when it was not
     */
    public static Optional<MessageOverdue> markOverdue(Connection connection, Key key, Instant now) throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement(MARK_OVERDUE)) {
            mark.setObject(1, utc(now));
            mark.setString(2, key.provider());
            mark.setString(3, key.messageId());
            if (mark.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT batch_id, client_ref, recipient, status, is_final, current_event_id, first_seen_at
                FROM message_status WHERE provider = ? AND message_id = ?""")) {
            select.setString(1, key.provider());
            select.setString(2, key.messageId());
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                Message message = new Message(CanonicalStatus.valueOf(rs.getString("status")), rs.getBoolean("is_final"),
                        rs.getString("current_event_id"), null, Collections.emptySortedMap());
                return Optional.of(new MessageOverdue(key.provider(), key.messageId(), rs.getString("batch_id"),
                        rs.getString("client_ref"), rs.getString("recipient"), message.applied(), Jdbc.instant(rs, "first_seen_at"), now));
            }
        }
    }
}
