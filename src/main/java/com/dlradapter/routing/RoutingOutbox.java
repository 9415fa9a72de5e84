package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.store.MessageOverdue;
import com.dlradapter.store.OverdueHook;
import com.dlradapter.store.ReceiptCommitHook;
import com.dlradapter.store.StoreOutcome;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static com.dlradapter.store.Jdbc.utc;

/**
 * The transactional outbox between the store and the sinks. A row is written in the very
 * transaction that stores a (non-duplicate) receipt or marks a message overdue, so nothing is
 * routed that was not committed and nothing committed is lost; and only for an event some sink
 * could take ({@link RoutingInterest}), so with nothing configured the receipt path writes no
 * routing work. The routing route drains it a batch at a time: it claims rows
 * ({@link #claim(Exchange)}), lets {@code routes/routing.yaml} decide each event's sinks
 * ({@link #complete(Exchange)} notes the decisions), and {@link #commit(Exchange)} writes the
 * whole batch's deliveries and deletes its rows in one transaction.
 */
public class RoutingOutbox implements ReceiptCommitHook, OverdueHook {

    private static final String INSERT = "INSERT INTO routing_outbox (event, source_id, payload, created_at) VALUES (?, ?, ?, ?)";

    private static final Logger LOG = LoggerFactory.getLogger(RoutingOutbox.class);
    /** Exchange property: the {@link RouteDecision}s the routing route took for the event in the body. */
    public static final String DECISIONS = "dlrRouteDecisions";

    private final DataSource dataSource;
    private final Deliveries deliveries;
    private final EmailAlerts emailAlerts;
    private final Duration lease;
    private final int batchSize;
    private final RoutingInterest interest;

    /** An outbox every event enters. */
    public RoutingOutbox(DataSource dataSource, Deliveries deliveries, EmailAlerts emailAlerts, Duration lease,
                         int batchSize) {
        this(dataSource, deliveries, emailAlerts, lease, batchSize, RoutingInterest.ALL);
    }

    /** An outbox only the events {@code interest} wants enter. */
    public RoutingOutbox(DataSource dataSource, Deliveries deliveries, EmailAlerts emailAlerts, Duration lease,
                         int batchSize, RoutingInterest interest) {
        this.dataSource = dataSource;
        this.deliveries = deliveries;
        this.emailAlerts = emailAlerts;
        this.lease = lease;
        this.batchSize = batchSize;
        this.interest = interest;
    }

    public RoutingInterest interest() {
        return interest;
    }

    @Override
    public void beforeCommit(Connection connection, StoreOutcome outcome) throws SQLException {
        DeliveryReceipt receipt = outcome.receipt();
        if (interest.wants(receipt)) {
            insert(connection, RoutedEvent.RECEIPT, receipt.id(), outcome.canonical());
        }
    }

    /** A group commit's receipts: the outbox rows of those some sink wants, as one JDBC batch. */
    @Override
    public void beforeCommit(Connection connection, List<StoreOutcome> outcomes) throws SQLException {
        PreparedStatement insert = null;
        try {
            Object createdAt = utc(Instant.now());
            for (StoreOutcome outcome : outcomes) {
                if (!interest.wants(outcome.receipt())) {
                    continue;
                }
                if (insert == null) {
                    insert = connection.prepareStatement(INSERT);
                }
                insert.setString(1, RoutedEvent.RECEIPT);
                insert.setString(2, outcome.receipt().id());
                insert.setString(3, outcome.canonical());
                insert.setObject(4, createdAt);
                insert.addBatch();
            }
            if (insert != null) {
                insert.executeBatch();
            }
        } finally {
            if (insert != null) {
                insert.close();
            }
        }
    }

    /** The source id of a message's overdue event (its deliveries carry it). */
    static String overdueSourceId(String provider, String messageId) {
        return "overdue|" + provider + "|" + messageId;
    }

    @Override
    public void beforeCommit(Connection connection, MessageOverdue overdue) throws SQLException {
        if (interest.wantsOverdue()) {
            insert(connection, RoutedEvent.OVERDUE, overdueSourceId(overdue.provider(), overdue.messageId()),
                    CanonicalJson.write(overdue));
        }
    }

    private static void insert(Connection connection, String event, String sourceId, String payload) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, event);
            insert.setString(2, sourceId);
            insert.setString(3, payload);
            insert.setObject(4, utc(Instant.now()));
            insert.executeUpdate();
        }
    }

    /** Exchange property set by {@link #claim(Exchange)}: the batch was full, claim again. */
    public static final String FULL = "dlrOutboxFull";
    /** Exchange property set by {@link #claim(Exchange)}: the batch's events and their decisions so far. */
    public static final String BATCH = "dlrRoutingBatch";

    /** One routed event and the sinks the route chose for it. */
    public record Routed(RoutedEvent event, List<RouteDecision> decisions) {
    }

    /**
     * Routing step: claims the next batch into the body, and says in {@link #FULL} whether it was
     * full (more may be waiting), so the route drains batch after batch within one turn.
     */
    public void claim(Exchange exchange) throws SQLException {
        exchange.setProperty(FULL, false);
        exchange.setProperty(BATCH, new ConcurrentLinkedQueue<Routed>());
        List<RoutedEvent> claimed = claim();
        exchange.getMessage().setBody(claimed);
        exchange.setProperty(FULL, claimed.size() >= batchSize);
    }

    /** Claims up to a batch of outbox rows (a lease, so a crashed worker's rows come back). */
    public List<RoutedEvent> claim() throws SQLException {
        Instant now = Instant.now();
        List<RoutedEvent> claimed = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            List<String[]> candidates = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT seq, event, source_id, payload FROM routing_outbox
                    WHERE lease_until IS NULL OR lease_until < ? ORDER BY seq LIMIT ?""")) {
                select.setObject(1, utc(now));
                select.setInt(2, batchSize);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                }
            }
            // the leases in one transaction and one JDBC batch: one commit (one fsync), not one per row
            connection.setAutoCommit(false);
            List<RoutedEvent> leased = new ArrayList<>();
            try (PreparedStatement lock = connection.prepareStatement(
                    "UPDATE routing_outbox SET lease_until = ? WHERE seq = ? AND (lease_until IS NULL OR lease_until < ?)")) {
                for (String[] row : candidates) {
                    long seq = Long.parseLong(row[0]);
                    RoutedEvent event = null;
                    Instant until = now.plus(lease);
                    try {
                        event = parse(seq, row[1], row[2], row[3]);
                    } catch (RuntimeException e) {
                        // never let one unreadable row hold up the others: it waits a day, visible in the log
                        LOG.error("Outbox row {} ({}) cannot be read and is set aside for a day: {}", seq, row[2], e.getMessage());
                        until = now.plus(Duration.ofDays(1));
                    }
                    lock.setObject(1, utc(until));
                    lock.setLong(2, seq);
                    lock.setObject(3, utc(now));
                    lock.addBatch();
                    leased.add(event);
                }
                int[] updated = candidates.isEmpty() ? new int[0] : lock.executeBatch();
                connection.commit();
                for (int i = 0; i < updated.length; i++) {
                    // 0: another node leased the row first; null: the unreadable row set aside
                    if (updated[i] != 0 && leased.get(i) != null) {
                        claimed.add(leased.get(i));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return claimed;
    }

    /** Sets the exchange properties the routing route decides on (body: a {@link RoutedEvent}). */
    public void describe(Exchange exchange) {
        RoutedEvent event = exchange.getMessage().getBody(RoutedEvent.class);
        exchange.setProperty(DECISIONS, new ArrayList<RouteDecision>());
        exchange.setProperty("dlrEvent", event.event());
        exchange.setProperty("dlrProvider", event.provider());
        exchange.setProperty("dlrStatus", event.status() == null ? "" : event.status().name());
        exchange.setProperty("dlrFinal", event.receipt() != null && event.receipt().final_());
        // the one source of the alerted statuses is EmailAlerts (dlr.email.statuses, or its default)
        exchange.setProperty("dlrEmailStatus", event.status() != null && emailAlerts.statuses().contains(event.status()));
    }

    /**
     * Last step of route-event: the decisions for the event in the body. Within a claimed batch
     * they are kept for {@link #commit(Exchange)}; an event routed on its own is written at once.
     */
    @SuppressWarnings("unchecked")
    public void complete(Exchange exchange) throws SQLException {
        RoutedEvent event = exchange.getMessage().getBody(RoutedEvent.class);
        List<RouteDecision> decisions = exchange.getProperty(DECISIONS, List.class);
        Routed routed = new Routed(event, decisions == null ? List.of() : List.copyOf(decisions));
        Collection<Routed> batch = exchange.getProperty(BATCH, Collection.class);
        if (batch != null) {
            batch.add(routed);
        } else {
            write(List.of(routed));
        }
    }

    /**
     * Routing step after a batch went through route-event: writes the deliveries and alerts chosen
     * for its events and removes their outbox rows, all in one transaction. An event route-event
     * failed on is not in it: it keeps its row and is routed again once its lease runs out.
     */
    @SuppressWarnings("unchecked")
    public void commit(Exchange exchange) throws SQLException {
        Collection<Routed> batch = exchange.getProperty(BATCH, Collection.class);
        if (batch != null && !batch.isEmpty()) {
            write(List.copyOf(batch));
            batch.clear();
        }
    }

    private void write(List<Routed> batch) throws SQLException {
        Instant now = Instant.now();
        List<Deliveries.Queued> queued = new ArrayList<>();
        List<RoutedEvent> alerts = new ArrayList<>();
        for (Routed routed : batch) {
            RoutedEvent event = routed.event();
            for (RouteDecision decision : routed.decisions()) {
                switch (decision.sink()) {
                    case RouteDecision.EMAIL -> alerts.add(event);
                    case RouteDecision.WEBHOOK, RouteDecision.JDBC -> queued.add(new Deliveries.Queued(decision.sink(),
                            decision.target(), event.sourceId(), eventType(event), event.payload()));
                    default -> throw new IllegalStateException("unknown sink " + decision.sink());
                }
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                deliveries.queue(connection, queued, now);
                emailAlerts.queue(connection, alerts, now);
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM routing_outbox WHERE seq = ?")) {
                    for (Routed routed : batch) {
                        delete.setLong(1, routed.event().seq());
                        delete.addBatch();
                    }
                    delete.executeBatch();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        if (LOG.isDebugEnabled()) {
            batch.forEach(routed -> LOG.debug("Routed {} {} to {}", routed.event().event(), routed.event().sourceId(),
                    routed.decisions()));
        }
    }

    /** {@code sms.receipt.delivered}, {@code sms.receipt.undelivered}, ..., or {@code sms.message.overdue}. */
    static String eventType(RoutedEvent event) {
        return event.receipt() != null
                ? "sms.receipt." + event.receipt().status().name().toLowerCase()
                : "sms.message.overdue";
    }

    private static RoutedEvent parse(long seq, String event, String sourceId, String payload) {
        try {
            if (RoutedEvent.OVERDUE.equals(event)) {
                return new RoutedEvent(seq, event, sourceId, payload, null,
                        CanonicalJson.MAPPER.readValue(payload, MessageOverdue.class));
            }
            return new RoutedEvent(seq, event, sourceId, payload,
                    CanonicalJson.MAPPER.readValue(payload, DeliveryReceipt.class), null);
        } catch (IOException e) {
            throw new UncheckedIOException("outbox row " + seq + " cannot be read: " + e.getMessage(), e);
        }
    }
}
