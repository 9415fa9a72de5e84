package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.store.StatusPrecedence.Message;
import com.dlradapter.store.StatusPrecedence.Transition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Receipts applied in one transaction with a fixed number of statements, however many receipts:
 * create the messages' rows, lock them, read which events and parts already exist, apply the
 * events in memory in arrival order ({@link StatusPrecedence#apply}), then write the events, the
 * parts, one update per message and the commit hooks' rows as JDBC batches. The outcome is the one
 * storing the receipts one after the other would give; only the number of round trips differs.
 */
final class ReceiptBatch {

    private static final String INSERT_PART =
            "INSERT INTO message_part (status, event_id, updated_at, provider, message_id, part) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_PART =
            "UPDATE message_part SET status = ?, event_id = ?, updated_at = ? WHERE provider = ? AND message_id = ? AND part = ?";

    private final List<ReceiptStore.Item> items;
    private final Instant now;
    /** Indexes of {@link #items} by message, arrival order kept within a message. */
    private final Integer[] order;

    ReceiptBatch(List<ReceiptStore.Item> items, Instant now) {
        this.items = items;
        this.now = now;
        this.order = new Integer[items.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // by message, so concurrent batches (other nodes too) take the row locks in one order and
        // cannot deadlock; the sort is stable, so one message's events keep their arrival order
        Arrays.sort(order, Comparator.comparing((Integer i) -> items.get(i).receipt().provider())
                .thenComparing(i -> items.get(i).receipt().messageId()));
    }

    List<StoreOutcome> store(Connection connection, List<ReceiptCommitHook> hooks) throws SQLException {
        Map<MessageKey, DeliveryReceipt> firstEvents = new LinkedHashMap<>();
        for (int i : order) {
            DeliveryReceipt receipt = items.get(i).receipt();
            firstEvents.putIfAbsent(MessageKey.of(receipt), receipt);
        }
        MessageRows.insertUnseen(connection, firstEvents.values(), now);
        Map<MessageKey, Row> rows = lockMessages(connection, new ArrayList<>(firstEvents.keySet()));
        Set<String> storedKeys = existingEventKeys(connection);
        loadParts(connection, rows);

        StoreOutcome[] outcomes = new StoreOutcome[items.size()];
        List<StoreOutcome> written = applyEvents(connection, rows, storedKeys, outcomes);
        if (!written.isEmpty()) {
            List<MessageRows.Change> changes = new ArrayList<>(rows.size());
            for (Row row : rows.values()) {
                if (row.touched) {
                    changes.add(row.change());
                }
            }
            MessageRows.update(connection, changes, now);
            for (ReceiptCommitHook hook : hooks) {
                hook.beforeCommit(connection, written);
            }
        }
        return Arrays.asList(outcomes);
    }

    /**
     * Applies the events in arrival order within each message, in memory, and writes the new ones
     * and their parts as JDBC batches; {@code outcomes} gets each item's outcome.
     *
     * @return the outcomes of the events written (not the duplicates)
     */
    private List<StoreOutcome> applyEvents(Connection connection, Map<MessageKey, Row> rows, Set<String> storedKeys,
                                           StoreOutcome[] outcomes) throws SQLException {
        List<StoreOutcome> written = new ArrayList<>();
        try (PreparedStatement events = connection.prepareStatement(ReceiptStore.INSERT_EVENT);
             PreparedStatement newParts = connection.prepareStatement(INSERT_PART);
             PreparedStatement changedParts = connection.prepareStatement(UPDATE_PART)) {
            for (int i : order) {
                DeliveryReceipt receipt = items.get(i).receipt();
                if (!storedKeys.add(receipt.idempotencyKey())) {
                    outcomes[i] = StoreOutcome.duplicate(receipt);
                    continue;
                }
                Row row = rows.get(MessageKey.of(receipt));
                Transition transition = StatusPrecedence.apply(row.message, receipt);
                if (transition.partAdvanced()) {
                    bindPart(row.message.parts().containsKey(receipt.part()) ? changedParts : newParts, receipt);
                }
                DeliveryReceipt stored = receipt.withFinal(transition.message().isFinal());
                StoreOutcome outcome = StoreOutcome.stored(stored, transition);
                ReceiptStore.bindEvent(events, stored, outcome.canonical(), items.get(i).rawPayload());
                events.addBatch();
                row.apply(stored, transition);
                outcomes[i] = outcome;
                written.add(outcome);
            }
            if (!written.isEmpty()) {
                newParts.executeBatch();
                changedParts.executeBatch();
                events.executeBatch();
            }
        }
        return written;
    }

    private void bindPart(PreparedStatement write, DeliveryReceipt receipt) throws SQLException {
        write.setString(1, receipt.status().name());
        write.setString(2, receipt.id());
        write.setObject(3, Jdbc.utc(now));
        write.setString(4, receipt.provider());
        write.setString(5, receipt.messageId());
        write.setInt(6, receipt.part());
        write.addBatch();
    }

    /**
     * Locks the batch's message rows, in key order. The rows are joined to the batch's keys as a
     * {@code VALUES} list, which both databases answer with one primary-key lookup per key. Both
     * alternatives scan: {@code provider IN (..) AND message_id IN (..)} made H2 walk every row of
     * those providers (82 ms a batch at 200,000 messages), and a row-value list {@code (provider,
     * message_id) IN ((..), ..)} made PostgreSQL scan the whole table (the benchmark's profile).
     */
    private static Map<MessageKey, Row> lockMessages(Connection connection, List<MessageKey> messages)
            throws SQLException {
        Map<MessageKey, Row> locked = new HashMap<>();
        try (PreparedStatement select = selectByMessages(connection,
                "SELECT m.provider, m.message_id, m.status, m.is_final, m.current_event_id, m.parts FROM message_status m",
                " ORDER BY m.provider, m.message_id FOR UPDATE", messages);
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                MessageKey key = new MessageKey(rs.getString(1), rs.getString(2));
                int parts = rs.getInt(6);
                locked.put(key, new Row(key, new Message(CanonicalStatus.valueOf(rs.getString(3)), rs.getBoolean(4),
                        rs.getString(5), rs.wasNull() ? null : parts, Collections.emptySortedMap())));
            }
        }
        if (locked.size() != messages.size()) {
            throw new SQLException("a message row vanished while locking it", SqlStates.SERIALIZATION_FAILURE);
        }
        return locked;
    }

    /**
     * {@code select JOIN (VALUES (provider, message_id), ..) ON the key, suffix}, parameters bound;
     * the select names its table {@code m}.
     */
    private static PreparedStatement selectByMessages(Connection connection, String select, String suffix,
                                                      List<MessageKey> messages) throws SQLException {
        int rows = bucket(messages.size());
        PreparedStatement statement = connection.prepareStatement(select + " JOIN (VALUES "
                + String.join(", ", Collections.nCopies(rows, "(CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(255)))"))
                + ") AS v (provider, message_id) ON m.provider = v.provider AND m.message_id = v.message_id" + suffix);
        for (int i = 0; i < rows; i++) {
            MessageKey key = messages.get(Math.min(i, messages.size() - 1));   // padded with the last
            statement.setString(2 * i + 1, key.provider());
            statement.setString(2 * i + 2, key.messageId());
        }
        return statement;
    }

    private Set<String> existingEventKeys(Connection connection) throws SQLException {
        Set<String> distinct = new LinkedHashSet<>();
        for (ReceiptStore.Item item : items) {
            distinct.add(item.receipt().idempotencyKey());
        }
        List<String> keys = new ArrayList<>(distinct);
        Set<String> existing = new HashSet<>();
        String sql = "SELECT idempotency_key FROM receipt_event WHERE idempotency_key IN (" + placeholders(keys.size()) + ")";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < bucket(keys.size()); i++) {
                select.setString(i + 1, keys.get(Math.min(i, keys.size() - 1)));
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    existing.add(rs.getString(1));
                }
            }
        }
        return existing;
    }

    /** The known parts of the multipart messages in the batch. */
    private void loadParts(Connection connection, Map<MessageKey, Row> rows) throws SQLException {
        Set<MessageKey> distinct = new LinkedHashSet<>();
        for (ReceiptStore.Item item : items) {
            if (item.receipt().isMultipart()) {
                distinct.add(MessageKey.of(item.receipt()));
            }
        }
        List<MessageKey> multipart = new ArrayList<>(distinct);
        if (multipart.isEmpty()) {
            return;
        }
        Map<MessageKey, TreeMap<Integer, CanonicalStatus>> parts = new HashMap<>();
        multipart.forEach(key -> parts.put(key, new TreeMap<>()));
        try (PreparedStatement select = selectByMessages(connection,
                "SELECT m.provider, m.message_id, m.part, m.status FROM message_part m", "", multipart);
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                TreeMap<Integer, CanonicalStatus> known = parts.get(new MessageKey(rs.getString(1), rs.getString(2)));
                if (known != null) {
                    known.put(rs.getInt(3), CanonicalStatus.valueOf(rs.getString(4)));
                }
            }
        }
        parts.forEach((key, known) -> {
            Row row = rows.get(key);
            row.message = row.message.withParts(known);
        });
    }

    /**
     * IN lists come in a few sizes (powers of two, padded with a repeat of the last value), so the
     * driver and the database see a handful of statements, not one per batch size.
     */
    static int bucket(int size) {
        return Integer.highestOneBit(Math.max(1, size - 1)) << (size > 1 ? 1 : 0);
    }

    private static String placeholders(int size) {
        return String.join(", ", Collections.nCopies(bucket(size), "?"));
    }

    private record MessageKey(String provider, String messageId) {
        static MessageKey of(DeliveryReceipt receipt) {
            return new MessageKey(receipt.provider(), receipt.messageId());
        }
    }

    /**
     * A locked message row and what the batch's events did to it, in memory: written back with one
     * update after the last of them (the same row as one update per event would leave).
     */
    private static final class Row {
        final MessageKey key;
        Message message;
        boolean touched;
        String batchId;
        String clientRef;
        String recipient;
        Integer parts;
        String providerStatus;
        boolean statusChanged;

        Row(MessageKey key, Message message) {
            this.key = key;
            this.message = message;
        }

        void apply(DeliveryReceipt stored, Transition transition) {
            touched = true;
            message = transition.message();
            // the row keeps the first batch id, client reference and recipient it learns, and the latest part count
            if (batchId == null) {
                batchId = stored.batchId();
            }
            if (clientRef == null) {
                clientRef = stored.clientRef();
            }
            if (recipient == null) {
                recipient = stored.recipient();
            }
            if (stored.parts() != null) {
                parts = stored.parts();
            }
            if (transition.changed()) {
                statusChanged = true;
                providerStatus = stored.providerStatus();
            }
        }

        MessageRows.Change change() {
            return new MessageRows.Change(key.provider(), key.messageId(), batchId, clientRef, recipient, parts, message,
                    statusChanged, providerStatus);
        }
    }
}
