package com.dlradapter.polling;

import com.dlradapter.backoff.Backoff;
import com.dlradapter.store.MessageOverdue;
import com.dlradapter.store.MessageRows;
import com.dlradapter.store.OverdueHook;
import com.dlradapter.store.ReceiptCommitHook;
import com.dlradapter.store.StoreOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static com.dlradapter.store.Jdbc.utc;

/**
 * Which messages are polled, and when; and which are overdue. A message of a polled provider (one
 * with a status API, {@code dlr.providers.<id>.base-url}) is scheduled when it is registered or when
 * its first event is stored and is not final; it is polled when due, backing off after each answer
 * that is not final yet ({@code dlr.polling.backoff}); it stops when it becomes final. Any message,
 * polled or not, that is still not final past the maximum age is marked overdue and routed as an
 * event (the {@link OverdueHook}s): the sweep reads that from {@code message_status} itself, so a
 * provider that is not polled costs no schedule row per message. All of it is in the database, so
 * any node can carry on.
 */
public class PollSchedule implements ReceiptCommitHook {

    private static final String SCHEDULE = """
            INSERT INTO poll_schedule (provider, message_id, batch_id, state, tracked_since, next_poll_at, attempts)
            VALUES (?, ?, ?, 'active', ?, ?, 0)
            ON CONFLICT DO NOTHING""";
    private static final String DONE = """
            UPDATE poll_schedule SET state = 'done', last_outcome = 'final'
            WHERE provider = ? AND message_id = ? AND state <> 'done'""";

    private static final Logger LOG = LoggerFactory.getLogger(PollSchedule.class);

    /** What a poll call came to, for the schedule. */
    public enum Outcome {
        /** The provider answered (not final yet, or nothing known yet: 404): back off. */
        ANSWERED,
        /** The provider does not know the message yet (404): back off like an answer. */
        NOT_FOUND,
        /** 5xx, timeout, connection refused: try again at the next turn. */
        RETRY
    }

    private final DataSource dataSource;
    private final Backoff backoff;
    private final Duration maxAge;
    private final List<OverdueHook> overdueHooks;
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();
    /** Whether a provider is polled (has a status API), asked once per provider. */
    private final Predicate<String> polled;
    private final Map<String, Boolean> polledProviders = new ConcurrentHashMap<>();

    /** Every provider polled (tests of the schedule itself). */
    public PollSchedule(DataSource dataSource, Backoff backoff, Duration maxAge, List<OverdueHook> overdueHooks) {
        this(dataSource, backoff, maxAge, overdueHooks, provider -> true);
    }

    /** {@code polled}: whether a provider is polled, i.e. has a status API ({@code dlr.providers.<id>.base-url}). */
    public PollSchedule(DataSource dataSource, Backoff backoff, Duration maxAge, List<OverdueHook> overdueHooks,
                        Predicate<String> polled) {
        this.dataSource = dataSource;
        this.backoff = backoff;
        this.maxAge = maxAge;
        this.overdueHooks = overdueHooks;
        this.polled = polled;
    }

    private boolean polled(String provider) {
        return polledProviders.computeIfAbsent(provider, polled::test);
    }

    /**
     * Registers a sent message for tracking: creates its message row and schedule if absent.
     *
     * @return true when it was new, false when it was already known (nothing created twice)
     */
    public boolean register(String provider, String messageId, String batchId, String clientRef, String recipient,
                            Instant sentAt)
            throws SQLException {
        Instant now = Instant.now();
        Instant since = sentAt != null ? sentAt : now;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                boolean created = MessageRows.register(connection, provider, messageId, batchId, clientRef, recipient,
                        since, now);
                if (!MessageRows.isFinal(connection, provider, messageId)) {
                    created |= schedule(connection, provider, messageId, batchId, since, now);
                }
                connection.commit();
                return created;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * In the receipt's transaction, for a polled provider: a message that gets its first event and
     * is not final is scheduled; a message that the receipt made final is done. Other receipts
     * change nothing here.
     */
    @Override
    public void beforeCommit(Connection connection, StoreOutcome outcome) throws SQLException {
        beforeCommit(connection, List.of(outcome));
    }

    /**
     * A group commit's receipts as two JDBC batches: schedule the messages that start being
     * tracked, then close the ones that became final (a message tracked and finished within one
     * group ends done, as storing its receipts one by one would leave it).
     */
    @Override
    public void beforeCommit(Connection connection, List<StoreOutcome> outcomes) throws SQLException {
        Instant now = null;
        PreparedStatement insert = null;
        PreparedStatement done = null;
        try {
            for (StoreOutcome outcome : outcomes) {
                var receipt = outcome.receipt();
                if (!polled(receipt.provider())) {
                    continue;   // overdue or not, the sweep reads from message_status
                }
                if (outcome.firstEvent() && !receipt.final_()) {
                    now = now == null ? Instant.now() : now;
                    insert = insert == null ? connection.prepareStatement(SCHEDULE) : insert;
                    bindSchedule(insert, receipt.provider(), receipt.messageId(), receipt.batchId(), now, now);
                    insert.addBatch();
                }
                if (outcome.turnedFinal()) {
                    done = done == null ? connection.prepareStatement(DONE) : done;
                    done.setString(1, receipt.provider());
                    done.setString(2, receipt.messageId());
                    done.addBatch();
                }
            }
            if (insert != null) {
                insert.executeBatch();
            }
            if (done != null) {
                done.executeBatch();
            }
        } finally {
            if (insert != null) {
                insert.close();
            }
            if (done != null) {
                done.close();
            }
        }
    }

    private void bindSchedule(PreparedStatement insert, String provider, String messageId, String batchId,
                              Instant trackedSince, Instant now) throws SQLException {
        insert.setString(1, provider);
        insert.setString(2, messageId);
        insert.setString(3, batchId);
        insert.setObject(4, utc(trackedSince));
        insert.setObject(5, utc(now.plus(backoff.delayAfter(0))));
    }

    private boolean schedule(Connection connection, String provider, String messageId, String batchId,
                             Instant trackedSince, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(SCHEDULE)) {
            bindSchedule(insert, provider, messageId, batchId, trackedSince, now);
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false;   // H2 under a concurrent insert: someone else scheduled it
            }
            throw e;
        }
    }

    /**
     * The due calls of a provider, most overdue first: one per message, or one per batch when
     * {@code byBatch} (messages without a batch id are then skipped).
     */
    public List<PollTarget> due(String provider, boolean byBatch, int limit) throws SQLException {
        if (paused(provider)) {
            return List.of();
        }
        Map<String, List<String>> targets = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT message_id, batch_id FROM poll_schedule
                     WHERE provider = ? AND state = 'active' AND next_poll_at <= ? AND tracked_since >= ?
                     ORDER BY next_poll_at, message_id
                     LIMIT ?""")) {
            Instant now = Instant.now();
            select.setString(1, provider);
            select.setObject(2, utc(now));
            // Past the maximum age a message is not polled, even before the sweep marks it overdue.
            select.setObject(3, utc(now.minus(maxAge)));
            select.setInt(4, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String messageId = rs.getString(1);
                    String key = byBatch ? rs.getString(2) : messageId;
                    if (key != null) {
                        targets.computeIfAbsent(key, k -> new ArrayList<>()).add(messageId);
                    }
                }
            }
        }
        List<PollTarget> list = new ArrayList<>();
        targets.forEach((key, ids) -> list.add(new PollTarget(provider, key, List.copyOf(ids))));
        return list;
    }

    /** Records a call's outcome for the messages it asked about that are still being polled. */
    public void afterPoll(PollTarget target, Outcome outcome) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     UPDATE poll_schedule
                     SET attempts = attempts + ?, next_poll_at = ?, last_polled_at = ?, last_outcome = ?
                     WHERE provider = ? AND message_id = ? AND state = 'active'""")) {
            Instant now = Instant.now();
            for (String messageId : target.messageIds()) {
                int attempts = attempts(connection, target.provider(), messageId);
                boolean backOff = outcome != Outcome.RETRY;
                update.setInt(1, backOff ? 1 : 0);
                // After the n-th answer wait backoff[n] (the last step repeats); a retry is due now.
                update.setObject(2, utc(backOff ? now.plus(backoff.delayAfter(attempts + 1)) : now));
                update.setObject(3, utc(now));
                update.setString(4, outcome.name().toLowerCase());
                update.setString(5, target.provider());
                update.setString(6, messageId);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** 429: this provider is not called again before {@code retryAfter} has passed (on this node). */
    public void pause(String provider, Duration retryAfter) {
        Instant until = Instant.now().plus(retryAfter);
        pausedUntil.put(provider, until);
        LOG.warn("Provider {} asked us to slow down: no polling before {}", provider, until);
    }

    /** True while a 429's Retry-After of this provider has not passed (on this node). */
    public boolean paused(String provider) {
        Instant until = pausedUntil.get(provider);
        return until != null && Instant.now().isBefore(until);
    }

    /**
     * Marks overdue the messages not final for longer than the maximum age, of every provider,
     * polled or not, one transaction each, with the overdue hooks (routing, e-mail alerts) in that
     * transaction. They are found in {@code message_status} (index message_status_open_ix).
     *
     * @return how many were marked
     */
    public int markOverdue() throws SQLException {
        List<MessageRows.Key> expired;
        try (Connection connection = dataSource.getConnection()) {
            expired = MessageRows.openSince(connection, Instant.now().minus(maxAge));
        }
        int marked = 0;
        for (MessageRows.Key message : expired) {
            marked += markOverdue(message) ? 1 : 0;
        }
        return marked;
    }

    private boolean markOverdue(MessageRows.Key message) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<MessageOverdue> overdue = MessageRows.markOverdue(connection, message, Instant.now());
                if (overdue.isEmpty()) {
                    connection.rollback();   // another node, or a final receipt, got there first
                    return false;
                }
                try (PreparedStatement stop = connection.prepareStatement("""
                        UPDATE poll_schedule SET state = 'overdue', last_outcome = 'overdue'
                        WHERE provider = ? AND message_id = ? AND state = 'active'""")) {
                    stop.setString(1, message.provider());
                    stop.setString(2, message.messageId());
                    stop.executeUpdate();
                }
                for (OverdueHook hook : overdueHooks) {
                    hook.beforeCommit(connection, overdue.get());
                }
                connection.commit();
                LOG.warn("Message {} of {} is overdue: no final status after {}", message.messageId(), message.provider(),
                        maxAge);
                return true;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static int attempts(Connection connection, String provider, String messageId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT attempts FROM poll_schedule WHERE provider = ? AND message_id = ?")) {
            select.setString(1, provider);
            select.setString(2, messageId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }
}
