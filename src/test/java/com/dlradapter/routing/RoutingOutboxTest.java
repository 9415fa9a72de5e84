package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.config.RoutingConfiguration;
import com.dlradapter.config.Settings;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.store.Database;
import com.dlradapter.store.MessageOverdue;
import com.dlradapter.store.ReceiptStore;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.TestDatabases.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.util.Set;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outbox and the delivery table on H2 and on a real PostgreSQL: same transaction, claimed once, queued once. */
class RoutingOutboxTest {

    @TempDir
    Path directory;
    Database database;
    DefaultCamelContext camel;
    Deliveries deliveries;
    RoutingOutbox outbox;

    void open(Kind kind) {
        database = TestDatabases.database(kind, directory);
        camel = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.setProperty("dlr.email.smtp-host", "127.0.0.1");
        properties.setProperty("dlr.email.to", "ops@example.com");
        camel.getPropertiesComponent().setOverrideProperties(properties);
        AdapterMetrics metrics = new AdapterMetrics(new SimpleMeterRegistry());
        deliveries = new Deliveries(database.dataSource(),
                new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1)), Duration.ofMinutes(1), 10, 2, Duration.ZERO, metrics);
        outbox = new RoutingOutbox(database.dataSource(), deliveries, new EmailAlerts(database.dataSource(), RoutingConfiguration.smtp(new Settings(camel)), metrics),
                Duration.ofMinutes(1), 10);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    static DeliveryReceipt receipt(String messageId, CanonicalStatus status) {
        String key = DeliveryReceipt.idempotencyKey("test", null, messageId, status.name(), null);
        return new DeliveryReceipt(DeliveryReceipt.idFor(key), "test", messageId, null, null, null, status, status.isFinal(),
                status.name(), null, "+441111111111", "SENDER", 1, null, null, null, null,
                Instant.parse("2026-01-01T10:00:00Z"), Instant.now(), ReceiptSource.WEBHOOK);
    }

    long count(String sql) throws SQLException {
        return Sql.number(database.dataSource(), sql);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anOutboxRowCommitsWithItsReceiptAndDuplicatesAddNone(Kind kind) throws Exception {
        open(kind);
        ReceiptStore store = new ReceiptStore(database.dataSource(), List.of(outbox));
        store.storeAll(List.of(new ReceiptStore.Item(receipt("m1", CanonicalStatus.FAILED), "{}")));
        store.storeAll(List.of(new ReceiptStore.Item(receipt("m1", CanonicalStatus.FAILED), "{}")));
        assertThat(count("SELECT COUNT(*) FROM routing_outbox")).isEqualTo(1);

        ReceiptStore failing = new ReceiptStore(database.dataSource(), List.of(outbox, (connection, outcome) -> {
            throw new SQLException("boom");
        }));
        assertThatThrownBy(() -> failing.storeAll(List.of(new ReceiptStore.Item(receipt("m2", CanonicalStatus.DELIVERED), "{}"))))
                .hasMessageContaining("boom");
        assertThat(count("SELECT COUNT(*) FROM routing_outbox")).as("rolled back with the receipt").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM receipt_event WHERE message_id = 'm2'")).isZero();

        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO routing_outbox (event, source_id, payload, created_at) "
                    + "VALUES ('receipt', 'broken', 'not json', CURRENT_TIMESTAMP)");
        }
        List<RoutedEvent> claimed = outbox.claim();
        assertThat(claimed).as("an unreadable row holds nothing up").hasSize(1);
        assertThat(outbox.claim()).as("leased to the first claimer").isEmpty();
        RoutedEvent event = claimed.get(0);
        assertThat(event.receipt().messageId()).isEqualTo("m1");
        assertThat(event.status()).isEqualTo(CanonicalStatus.FAILED);
        assertThat(RoutingOutbox.eventType(event)).isEqualTo("sms.receipt.failed");

        route(event, List.of(new RouteDecision(RouteDecision.WEBHOOK, "erp"), new RouteDecision(RouteDecision.JDBC, "staging"),
                new RouteDecision(RouteDecision.EMAIL, "email")));
        // routed a second time (a worker that died after its commit): nothing is queued twice
        route(event, List.of(new RouteDecision(RouteDecision.WEBHOOK, "erp"), new RouteDecision(RouteDecision.EMAIL, "email")));
        assertThat(count("SELECT COUNT(*) FROM routing_outbox")).as("only the unreadable row, set aside").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM routing_outbox WHERE source_id = 'broken' AND lease_until > CURRENT_TIMESTAMP"))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM delivery")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM email_alert WHERE recipient = '*********1111'")).isEqualTo(1);

        List<Delivery> due = new ArrayList<>(deliveries.claim("webhook", "erp", 10));
        due.addAll(deliveries.claim("jdbc", "staging", 10));
        assertThat(due).hasSize(2);
        assertThat(deliveries.claim("webhook", "erp", 10)).as("leased").isEmpty();
        Delivery webhook = due.stream().filter(d -> d.sink().equals("webhook")).findFirst().orElseThrow();
        assertThat(webhook.id()).isEqualTo(Deliveries.deliveryId("webhook", "erp", event.sourceId()));
        deliveries.record(List.of(Outcome.attemptFailed(webhook, 503, "HTTP 503")), Set.of());
        assertThat(deliveries.list("pending", 10, 0)).anySatisfy(d -> {
            assertThat(d.id()).isEqualTo(webhook.id());
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.lastCode()).isEqualTo(503);
            assertThat(d.nextAttemptAt()).isAfter(Instant.now().minusMillis(50));
        });
        deliveries.record(List.of(Outcome.delivered(due.stream().filter(d -> d.sink().equals("jdbc")).findFirst().orElseThrow(), null)), Set.of());
        assertThat(deliveries.list("delivered", 10, 0)).hasSize(1);
        // retention zero: the delivered one goes, the pending one stays
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> deliveries.purge() == 1);
        assertThat(deliveries.list(null, 10, 0)).extracting(Delivery::status).containsExactly("pending");
    }

    /**
     * The drain's cost: a batch of events is claimed in one transaction and, once route-event has
     * decided each, all their deliveries and alerts are written and their outbox rows removed in one
     * more, whatever the batch's size (not one transaction per event).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBatchOfEventsIsRoutedInOneTransaction(Kind kind) throws Exception {
        open(kind);
        ReceiptStore store = new ReceiptStore(database.dataSource(), List.of(outbox));
        for (int i = 0; i < 25; i++) {
            store.storeAll(List.of(new ReceiptStore.Item(receipt("batch-" + i, CanonicalStatus.FAILED), "{}")));
        }
        AtomicInteger commits = new AtomicInteger();
        RoutingOutbox drain = new RoutingOutbox(countingCommits(database.dataSource(), commits), deliveries,
                new EmailAlerts(database.dataSource(), RoutingConfiguration.smtp(new Settings(camel)), new AdapterMetrics(new SimpleMeterRegistry())),
                Duration.ofMinutes(1), 10);

        Exchange batch = new DefaultExchange(camel);
        drain.claim(batch);
        assertThat(batch.getProperty(RoutingOutbox.FULL, Boolean.class)).isTrue();
        @SuppressWarnings("unchecked")
        List<RoutedEvent> events = batch.getMessage().getBody(List.class);
        assertThat(events).hasSize(10);
        for (RoutedEvent event : events) {
            Exchange one = batch.copy();   // as the route's split does: the batch property is shared
            one.getMessage().setBody(event);
            drain.describe(one);
            one.setProperty(RoutingOutbox.DECISIONS, new ArrayList<>(List.of(
                    new RouteDecision(RouteDecision.WEBHOOK, "erp"), new RouteDecision(RouteDecision.EMAIL, "email"))));
            drain.complete(one);
        }
        assertThat(count("SELECT COUNT(*) FROM delivery")).as("nothing written before the batch commits").isZero();
        drain.commit(batch);

        assertThat(commits.get()).as("the leases, then the whole batch").isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM delivery")).isEqualTo(10);
        assertThat(count("SELECT COUNT(*) FROM email_alert")).isEqualTo(10);
        assertThat(count("SELECT COUNT(*) FROM routing_outbox")).isEqualTo(15);
    }

    /** The data source, counting the commits made on its connections. */
    static DataSource countingCommits(DataSource dataSource, AtomicInteger commits) {
        return (DataSource) Proxy.newProxyInstance(RoutingOutboxTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, dataSource, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(RoutingOutboxTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("commit")) {
                                    commits.incrementAndGet();
                                }
                                return invoke(m, connection, a);
                            });
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anOverdueMessageIsQueuedForTheEmailAlertInItsTransaction(Kind kind) throws Exception {
        open(kind);
        MessageOverdue overdue = new MessageOverdue("test", "late-1", null, null, "+441111112222", CanonicalStatus.SENT,
                Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-04T10:00:00Z"));
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.beforeCommit(connection, overdue);
            connection.rollback();
        }
        assertThat(count("SELECT COUNT(*) FROM routing_outbox")).as("rolled back with the marking").isZero();
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            outbox.beforeCommit(connection, overdue);
            connection.commit();
        }
        RoutedEvent event = outbox.claim().get(0);
        assertThat(event.event()).isEqualTo(RoutedEvent.OVERDUE);
        assertThat(event.overdue()).isEqualTo(overdue);
        assertThat(RoutingOutbox.eventType(event)).isEqualTo("sms.message.overdue");
        route(event, List.of(new RouteDecision(RouteDecision.EMAIL, "email")));
        assertThat(count("SELECT COUNT(*) FROM email_alert WHERE status = 'OVERDUE' AND message_id = 'late-1'"
                + " AND recipient = '*********2222'")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBackloggedTargetCannotCrowdOutTheOthers(Kind kind) throws Exception {
        open(kind);
        Instant now = Instant.now();
        try (Connection connection = database.dataSource().getConnection()) {
            for (int i = 0; i < 5; i++) {
                deliveries.queue(connection, "webhook", "backlogged", "event-" + i, "sms.receipt.sent", "{}", now.minusSeconds(60 - i));
            }
            deliveries.queue(connection, "webhook", "quiet", "event-9", "sms.receipt.sent", "{}", now);
        }
        // Each target is drained on its own: the quiet one's delivery is claimed whatever the other's backlog.
        assertThat(deliveries.claim("webhook", "quiet", deliveries.roundSize(false)))
                .extracting(Delivery::sourceId).containsExactly("event-9");
        // A round takes the oldest due first; a failing target's round is only per-target deliveries.
        assertThat(deliveries.claim("webhook", "backlogged", deliveries.roundSize(true)))
                .extracting(Delivery::sourceId).containsExactly("event-0", "event-1");
        assertThat(deliveries.claim("webhook", "backlogged", deliveries.roundSize(false)))
                .extracting(Delivery::sourceId).containsExactly("event-2", "event-3", "event-4");
        // A target is drained by one worker at a time; the others are offered meanwhile.
        DeliveryRounds rounds = new DeliveryRounds(deliveries,
                List.of(new SinkTarget("webhook", "backlogged"), new SinkTarget("webhook", "quiet")));
        List<DeliveryRounds.Drain> drains = rounds.idle();
        assertThat(drains).hasSize(2);
        assertThat(rounds.idle()).isEmpty();
        Exchange drain = new DefaultExchange(camel);
        drain.getMessage().setBody(drains.stream().filter(d -> d.target().name().equals("quiet")).findFirst().orElseThrow());
        rounds.begin(drain);
        rounds.drained(drain);
        assertThat(rounds.idle()).extracting(DeliveryRounds.Drain::target).containsExactly(new SinkTarget("webhook", "quiet"));
    }

    void route(RoutedEvent event, List<RouteDecision> decisions) throws SQLException {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(event);
        outbox.describe(exchange);
        exchange.setProperty(RoutingOutbox.DECISIONS, new ArrayList<>(decisions));
        outbox.complete(exchange);
    }
}
