package com.dlradapter.store;

import com.dlradapter.canonical.DeliveryReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import static com.dlradapter.store.Jdbc.setInteger;
import static com.dlradapter.store.Jdbc.utc;

/**
 * Stores receipt events and applies them to their messages' current status, in one transaction
 * ({@link ReceiptBatch}; a single receipt is a batch of one). Concurrent events of one message are
 * serialised by a row lock on the message; the unique idempotency key makes a duplicate a no-op
 * whatever the cache in front of it believed.
 */
public class ReceiptStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptStore.class);
    private static final int ATTEMPTS = 3;

    static final String INSERT_EVENT = """
            INSERT INTO receipt_event (id, idempotency_key, provider, message_id, event_id, part, status,
                provider_status, source, occurred_at, received_at, canonical, raw_payload, raw_payload_escaped)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

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

    /** Stores one receipt in a transaction of its own: {@link #storeAll} of one, for the store's own tests. */
    StoreOutcome store(DeliveryReceipt receipt, String rawPayload) throws SQLException {
        return storeAll(List.of(new Item(receipt, rawPayload))).get(0);
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

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("Rollback failed: {}", e.getMessage());
        }
    }

}
