package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a receipt event and applies it to its message's current status, in one transaction.
 * Concurrent events of one message are serialised by a row lock on the message; the unique
 * idempotency key makes a duplicate a no-op whatever the cache in front of it believed.
 */
public class ReceiptStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptStore.class);
    private static final int ATTEMPTS = 3;

    static final String INSERT_MESSAGE = """
            INSERT INTO message_status (provider, message_id, batch_id, recipient, status, is_final, parts,
                                        first_seen_at, updated_at)
            VALUES (?, ?, ?, ?, ?, FALSE, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    static final String INSERT_EVENT = """
            INSERT INTO receipt_event (id, idempotency_key, provider, message_id, event_id, part, status,
                provider_status, source, occurred_at, received_at, canonical, raw_payload, raw_payload_escaped)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    static final String UPDATE_MESSAGE = """
            UPDATE message_status SET
                batch_id = COALESCE(batch_id, ?),
                recipient = COALESCE(recipient, ?),
                parts = COALESCE(?, parts),
                status = ?,
                is_final = ?,
                provider_status = CASE WHEN ? THEN ? ELSE provider_status END,
                current_event_id = CASE WHEN ? THEN ? ELSE current_event_id END,
                updated_at = ?
            WHERE provider = ? AND message_id = ?""";

    private final DataSource dataSource;
    private final List<ReceiptCommitHook> hooks;

    public ReceiptStore(DataSource dataSource) {
        this(dataSource, List.of());
    }

    public ReceiptStore(DataSource dataSource, List<ReceiptCommitHook> hooks) {
        this.dataSource = dataSource;
        this.hooks = List.copyOf(hooks);
    }

    /** A receipt and the payload it came in. */
    public record Item(DeliveryReceipt receipt, String rawPayload) {
    }

    /**
     * Stores several receipts in one transaction (group commit), with a fixed number of statements
     * whatever the batch's size (see {@link ReceiptBatch}); the result is the same as storing them
     * one after the other in the order given. Outcomes come in the order of {@code items}. Any
     * failure rolls the whole batch back and is thrown: the caller then stores each on its own.
     */
    public List<StoreOutcome> storeAll(List<Item> items) throws SQLException {
        if (items.size() == 1) {
            return List.of(store(items.get(0).receipt(), items.get(0).rawPayload()));
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<StoreOutcome> outcomes = new ReceiptBatch(items, Instant.now()).store(connection, hooks);
                connection.commit();
                return outcomes;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    public StoreOutcome store(DeliveryReceipt receipt, String rawPayload) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    StoreOutcome outcome = storeInTransaction(connection, receipt, rawPayload);
                    connection.commit();
                    return outcome;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !SqlStates.isRetryable(e)) {
                    throw e;
                }
                LOG.debug("Retrying receipt {} after a concurrency conflict: {}", receipt.id(), e.getMessage());
            }
        }
    }

    private StoreOutcome storeInTransaction(Connection connection, DeliveryReceipt receipt, String rawPayload)
            throws SQLException {
        Instant now = Instant.now();
        MessageRow message = lockMessage(connection, receipt, now);
        if (eventExists(connection, receipt.idempotencyKey())) {
            return new StoreOutcome(receipt, true, false);
        }

        CanonicalStatus current = message.currentEventId == null ? null : message.status;
        CanonicalStatus next;
        boolean nextFinal;
        if (receipt.isMultipart()) {
            Map<Integer, CanonicalStatus> partStatuses = applyPart(connection, receipt, now);
            StatusPrecedence.MessageState combined = StatusPrecedence.combineParts(partStatuses,
                    Math.max(receipt.parts(), message.parts == null ? 0 : message.parts));
            next = combined.status();
            nextFinal = combined.isFinal();
        } else {
            next = receipt.status();
            nextFinal = receipt.status().isFinal();
        }
        boolean changed = StatusPrecedence.advances(current, next);
        boolean messageFinal = changed ? nextFinal : message.isFinal;
        DeliveryReceipt stored = receipt.withFinal(messageFinal);

        insertEvent(connection, stored, rawPayload);
        updateMessage(connection, stored, changed ? next : current, messageFinal, changed, now);
        StoreOutcome outcome = new StoreOutcome(stored, false, changed);
        for (ReceiptCommitHook hook : hooks) {
            hook.beforeCommit(connection, outcome);
        }
        return outcome;
    }

    /** Locks the message row, creating it first when this is the message's first event. */
    private MessageRow lockMessage(Connection connection, DeliveryReceipt receipt, Instant now) throws SQLException {
        MessageRow row = selectForUpdate(connection, receipt);
        if (row != null) {
            return row;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_MESSAGE)) {
            bindNewMessage(insert, receipt, now);
            insert.executeUpdate();
        }
        row = selectForUpdate(connection, receipt);
        if (row == null) {
            throw new SQLException("message row vanished while locking it", SqlStates.SERIALIZATION_FAILURE);
        }
        return row;
    }

    private static MessageRow selectForUpdate(Connection connection, DeliveryReceipt receipt) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT status, is_final, current_event_id, parts FROM message_status
                WHERE provider = ? AND message_id = ? FOR UPDATE""")) {
            select.setString(1, receipt.provider());
            select.setString(2, receipt.messageId());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                int parts = rs.getInt(4);
                return new MessageRow(CanonicalStatus.valueOf(rs.getString(1)), rs.getBoolean(2), rs.getString(3),
                        rs.wasNull() ? null : parts);
            }
        }
    }

    private static boolean eventExists(Connection connection, String idempotencyKey) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM receipt_event WHERE idempotency_key = ?")) {
            select.setString(1, idempotencyKey);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Applies the event to its part (precedence per part) and returns every known part's status. */
    private static Map<Integer, CanonicalStatus> applyPart(Connection connection, DeliveryReceipt receipt, Instant now)
            throws SQLException {
        Map<Integer, CanonicalStatus> parts = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT part, status FROM message_part WHERE provider = ? AND message_id = ? ORDER BY part")) {
            select.setString(1, receipt.provider());
            select.setString(2, receipt.messageId());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    parts.put(rs.getInt(1), CanonicalStatus.valueOf(rs.getString(2)));
                }
            }
        }
        CanonicalStatus currentPart = parts.get(receipt.part());
        if (!StatusPrecedence.advances(currentPart, receipt.status())) {
            return parts;
        }
        String sql = currentPart == null
                ? "INSERT INTO message_part (status, event_id, updated_at, provider, message_id, part) VALUES (?, ?, ?, ?, ?, ?)"
                : "UPDATE message_part SET status = ?, event_id = ?, updated_at = ? WHERE provider = ? AND message_id = ? AND part = ?";
        try (PreparedStatement write = connection.prepareStatement(sql)) {
            write.setString(1, receipt.status().name());
            write.setString(2, receipt.id());
            write.setObject(3, utc(now));
            write.setString(4, receipt.provider());
            write.setString(5, receipt.messageId());
            write.setInt(6, receipt.part());
            write.executeUpdate();
        }
        parts.put(receipt.part(), receipt.status());
        return parts;
    }

    private static void insertEvent(Connection connection, DeliveryReceipt receipt, String rawPayload) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            bindEvent(insert, receipt, rawPayload);
            insert.executeUpdate();
        }
    }

    /** A message's row before its first event is applied: status UNKNOWN, not final. */
    static void bindNewMessage(PreparedStatement insert, DeliveryReceipt receipt, Instant now) throws SQLException {
        insert.setString(1, receipt.provider());
        insert.setString(2, receipt.messageId());
        insert.setString(3, receipt.batchId());
        insert.setString(4, receipt.recipient());
        insert.setString(5, CanonicalStatus.UNKNOWN.name());
        setInteger(insert, 6, receipt.parts());
        insert.setObject(7, utc(now));
        insert.setObject(8, utc(now));
    }

    static void bindEvent(PreparedStatement insert, DeliveryReceipt receipt, String rawPayload) throws SQLException {
        insert.setString(1, receipt.id());
        insert.setString(2, receipt.idempotencyKey());
        insert.setString(3, receipt.provider());
        insert.setString(4, receipt.messageId());
        insert.setString(5, receipt.eventId());
        setInteger(insert, 6, receipt.part());
        insert.setString(7, receipt.status().name());
        insert.setString(8, receipt.providerStatus());
        insert.setString(9, receipt.source().wireName());
        insert.setObject(10, receipt.occurredAt() == null ? null : utc(receipt.occurredAt()));
        insert.setObject(11, utc(receipt.receivedAt()));
        insert.setString(12, CanonicalJson.write(receipt));
        // PostgreSQL text cannot hold U+0000: such a payload is kept escaped (see NulText)
        boolean escaped = NulText.hasNul(rawPayload);
        insert.setString(13, escaped ? NulText.escape(rawPayload) : rawPayload);
        insert.setBoolean(14, escaped);
    }

    private static void updateMessage(Connection connection, DeliveryReceipt receipt, CanonicalStatus status,
                                      boolean isFinal, boolean changed, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE_MESSAGE)) {
            bindMessageUpdate(update, receipt, status, isFinal, changed, now);
            update.executeUpdate();
        }
    }

    static void bindMessageUpdate(PreparedStatement update, DeliveryReceipt receipt, CanonicalStatus status,
                                  boolean isFinal, boolean changed, Instant now) throws SQLException {
        update.setString(1, receipt.batchId());
        update.setString(2, receipt.recipient());
        setInteger(update, 3, receipt.parts());
        update.setString(4, status.name());
        update.setBoolean(5, isFinal);
        update.setBoolean(6, changed);
        update.setString(7, receipt.providerStatus());
        update.setBoolean(8, changed);
        update.setString(9, receipt.id());
        update.setObject(10, utc(now));
        update.setString(11, receipt.provider());
        update.setString(12, receipt.messageId());
    }

    static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("Rollback failed: {}", e.getMessage());
        }
    }

    private record MessageRow(CanonicalStatus status, boolean isFinal, String currentEventId, Integer parts) {
    }
}
