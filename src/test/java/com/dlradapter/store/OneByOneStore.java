package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The test oracle of the group commit: stores one receipt at a time, a statement per step, with
 * the precedence rules written out again from the README (not {@link StatusPrecedence}), so that
 * {@code GroupCommitTest} compares the production store with an independent reading of the rules.
 */
final class OneByOneStore {

    private final DataSource dataSource;
    private final List<ReceiptCommitHook> hooks;

    OneByOneStore(DataSource dataSource, List<ReceiptCommitHook> hooks) {
        this.dataSource = dataSource;
        this.hooks = hooks;
    }

    StoreOutcome store(DeliveryReceipt receipt, String rawPayload) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            StoreOutcome outcome = storeInTransaction(connection, receipt, rawPayload, Instant.now());
            connection.commit();
            return outcome;
        }
    }

    private StoreOutcome storeInTransaction(Connection connection, DeliveryReceipt receipt, String rawPayload, Instant now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(MessageRows.INSERT_UNSEEN)) {
            MessageRows.bindUnseen(insert, receipt, now);
            insert.executeUpdate();
        }
        CanonicalStatus status;
        boolean isFinal;
        String currentEventId;
        Integer partCount;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT status, is_final, current_event_id, parts FROM message_status WHERE provider = ? AND message_id = ? FOR UPDATE")) {
            select.setString(1, receipt.provider());
            select.setString(2, receipt.messageId());
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                status = CanonicalStatus.valueOf(rs.getString(1));
                isFinal = rs.getBoolean(2);
                currentEventId = rs.getString(3);
                int parts = rs.getInt(4);
                partCount = rs.wasNull() ? null : parts;
            }
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM receipt_event WHERE idempotency_key = ?")) {
            select.setString(1, receipt.idempotencyKey());
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    return StoreOutcome.duplicate(receipt);
                }
            }
        }
        CanonicalStatus current = currentEventId == null ? null : status;
        CanonicalStatus next = receipt.status();
        boolean nextFinal = receipt.status().isFinal();
        if (receipt.isMultipart()) {
            Map<Integer, CanonicalStatus> parts = parts(connection, receipt);
            CanonicalStatus part = parts.get(receipt.part());
            if (moves(part, receipt.status())) {
                writePart(connection, receipt, part == null, now);
                parts.put(receipt.part(), receipt.status());
            }
            int expected = Math.max(receipt.parts(), partCount == null ? 0 : partCount);
            nextFinal = parts.size() >= expected && parts.values().stream().allMatch(CanonicalStatus::isFinal);
            if (nextFinal) {
                // delivered only if every part was; else the first failing part's status
                next = parts.values().stream().filter(s -> s != CanonicalStatus.DELIVERED).findFirst()
                        .orElse(CanonicalStatus.DELIVERED);
            } else {
                // the least advanced part, a finished part counting as sent
                next = parts.values().stream().map(s -> s.isFinal() ? CanonicalStatus.SENT : s)
                        .reduce((a, b) -> a.rank() <= b.rank() ? a : b).orElse(CanonicalStatus.UNKNOWN);
            }
        }
        boolean changed = moves(current, next);
        boolean messageFinal = changed ? nextFinal : isFinal;
        DeliveryReceipt stored = receipt.withFinal(messageFinal);
        StoreOutcome outcome = StoreOutcome.stored(stored, changed, currentEventId == null, messageFinal && !isFinal);
        try (PreparedStatement insert = connection.prepareStatement(ReceiptStore.INSERT_EVENT)) {
            ReceiptStore.bindEvent(insert, stored, outcome.canonical(), rawPayload);
            insert.executeUpdate();
        }
        try (PreparedStatement update = connection.prepareStatement(MessageRows.UPDATE)) {
            update.setString(1, stored.batchId());
            update.setString(2, stored.clientRef());
            update.setString(3, stored.recipient());
            Jdbc.setInteger(update, 4, stored.parts());
            update.setString(5, (changed ? next : current).name());
            update.setBoolean(6, messageFinal);
            update.setBoolean(7, changed);
            update.setString(8, stored.providerStatus());
            update.setBoolean(9, changed);
            update.setString(10, stored.id());
            update.setObject(11, Jdbc.utc(now));
            update.setString(12, stored.provider());
            update.setString(13, stored.messageId());
            update.executeUpdate();
        }
        for (ReceiptCommitHook hook : hooks) {
            hook.beforeCommit(connection, outcome);
        }
        return outcome;
    }

    /** The status only moves forward, and never away from a final one. */
    private static boolean moves(CanonicalStatus current, CanonicalStatus next) {
        return current == null || (!current.isFinal() && next.rank() > current.rank());
    }

    private static Map<Integer, CanonicalStatus> parts(Connection connection, DeliveryReceipt receipt) throws SQLException {
        Map<Integer, CanonicalStatus> parts = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT part, status FROM message_part WHERE provider = ? AND message_id = ?")) {
            select.setString(1, receipt.provider());
            select.setString(2, receipt.messageId());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    parts.put(rs.getInt(1), CanonicalStatus.valueOf(rs.getString(2)));
                }
            }
        }
        return parts;
    }

    private static void writePart(Connection connection, DeliveryReceipt receipt, boolean insert, Instant now)
            throws SQLException {
        try (PreparedStatement write = connection.prepareStatement(insert
                ? "INSERT INTO message_part (status, event_id, updated_at, provider, message_id, part) VALUES (?, ?, ?, ?, ?, ?)"
                : "UPDATE message_part SET status = ?, event_id = ?, updated_at = ? WHERE provider = ? AND message_id = ? AND part = ?")) {
            write.setString(1, receipt.status().name());
            write.setString(2, receipt.id());
            write.setObject(3, Jdbc.utc(now));
            write.setString(4, receipt.provider());
            write.setString(5, receipt.messageId());
            write.setInt(6, receipt.part());
            write.executeUpdate();
        }
    }
}
