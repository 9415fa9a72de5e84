package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Stores receipt events and applies them to their messages' current status, in one transaction
 * ({@link ReceiptBatch}; a single receipt is a batch of one). Concurrent events of one message are
 * serialised by a row lock on the message; the unique idempotency key makes a duplicate a no-op
 * whatever the cache in front of it believed.
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
     * Stores receipts in one transaction, with a fixed number of statements whatever their number
     * (see {@link ReceiptBatch}); the result is the same as storing them one after the other in the
     * order given. Outcomes come in the order of {@code items}. A conflict with a concurrent
     * transaction (another node storing the same message) is retried; any other failure rolls the
     * whole batch back and is thrown.
     */
    public List<StoreOutcome> storeAll(List<Item> items) throws SQLException {
        for (int attempt = 1; ; attempt++) {
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
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !SqlStates.isRetryable(e)) {
                    throw e;
                }
                LOG.debug("Retrying {} receipts after a concurrency conflict: {}", items.size(), e.getMessage());
            }
        }
    }

    /** Stores one receipt in a transaction of its own. */
    public StoreOutcome store(DeliveryReceipt receipt, String rawPayload) throws SQLException {
        return storeAll(List.of(new Item(receipt, rawPayload))).get(0);
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

    static void bindEvent(PreparedStatement insert, DeliveryReceipt receipt, String canonical, String rawPayload)
            throws SQLException {
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
        insert.setString(12, canonical);
        // PostgreSQL text cannot hold U+0000: such a payload is kept escaped (see NulText)
        boolean escaped = NulText.hasNul(rawPayload);
        insert.setString(13, escaped ? NulText.escape(rawPayload) : rawPayload);
        insert.setBoolean(14, escaped);
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

}
