package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extra JDBC sinks ({@code dlr.jdbc-sinks} and {@code dlr.jdbc-sinks.<name>.*}): each its own
 * HikariCP pool and one INSERT or MERGE statement, written a round of deliveries at a time whose named parameters {@code :#field} are
 * canonical message fields (nested ones with dots: {@code :#reason.code}, {@code :#cost.amount};
 * plus {@code :#type}, the event type). Timestamps bind as TIMESTAMP WITH TIME ZONE.
 */
public class JdbcSinks extends ServiceSupport {

    private static final Pattern PARAMETER = Pattern.compile(":#([A-Za-z][A-Za-z0-9_.]*)");
    /** The names a statement may use. */
    public static final List<String> FIELDS = List.of("type", "id", "provider", "messageId", "batchId", "eventId",
            "status", "final", "providerStatus", "reason.code", "reason.description", "recipient", "sender",
            "segments", "part", "parts", "cost.amount", "cost.currency", "network.mccmnc", "network.operator",
            "network.country", "occurredAt", "receivedAt", "source");

    private final Map<String, Sink> sinks;

    record Sink(String name, HikariDataSource pool, String sql, List<String> parameters, SinkFilter filter,
                Duration timeout) {
    }

    private JdbcSinks(Map<String, Sink> sinks) {
        this.sinks = sinks;
    }

    /**
     * One sink's settings ({@code dlr.jdbc-sinks.<name>.*}); {@code url} and {@code sql} are
     * required (null: the start stops, naming the setting).
     */
    public record Definition(String name, String url, String sql, String username, String password, int poolSize,
                             Duration timeout, List<String> statuses, List<String> providers) {
    }

    public static JdbcSinks of(List<Definition> definitions) {
        Map<String, Sink> sinks = new LinkedHashMap<>();
        for (Definition definition : definitions) {
            String name = definition.name();
            String prefix = "dlr.jdbc-sinks." + name;
            String url = Optional.ofNullable(definition.url())
                    .orElseThrow(() -> new IllegalArgumentException("setting " + prefix + ".url is required"));
            String sql = Optional.ofNullable(definition.sql())
                    .orElseThrow(() -> new IllegalArgumentException("setting " + prefix + ".sql is required"));
            List<String> parameters = new ArrayList<>();
            Matcher matcher = PARAMETER.matcher(sql);
            StringBuilder jdbcSql = new StringBuilder();
            while (matcher.find()) {
                String field = matcher.group(1);
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException("setting " + prefix + ".sql: :#" + field
                            + " is not a canonical field; use one of " + FIELDS);
                }
                parameters.add(field);
                matcher.appendReplacement(jdbcSql, "?");
            }
            matcher.appendTail(jdbcSql);
            Duration timeout = definition.timeout();
            HikariConfig config = new HikariConfig();
            config.setPoolName("dlr-sink-" + name);
            config.setJdbcUrl(url);
            config.setUsername(definition.username());
            config.setPassword(definition.password());
            config.setMaximumPoolSize(definition.poolSize());
            config.setMinimumIdle(0);
            config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
            config.setInitializationFailTimeout(-1);   // a sink that is down at start is retried, not fatal
            sinks.put(name, new Sink(name, new HikariDataSource(config), jdbcSql.toString(), List.copyOf(parameters),
                    SinkFilter.of(prefix, definition.statuses(), definition.providers()),
                    timeout));
        }
        return new JdbcSinks(sinks);
    }

    /** The statement's own bound: JDBC counts it in whole seconds, at least one. */
    static Duration statementBound(Duration timeout) {
        long millis = timeout.toMillis();
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }

    /** How long writing a round may take: the wait for a connection, then the statement. */
    static Duration attemptBound(Duration timeout) {
        return Duration.ofMillis(Math.max(250, timeout.toMillis())).plus(statementBound(timeout));
    }

    /**
     * Start check, before anything is started: a sink's write, and recording it, fit in the
     * delivery lease. {@code timeout} bounds one write: the wait for a connection, and again the statement.
     */
    public static void requireWithinLease(String name, Duration timeout, Duration lease) {
        Deliveries.requireWithinLease("dlr.jdbc-sinks." + name + ".timeout", timeout, attemptBound(timeout), lease);
    }

    /** The configured sink names. */
    public Set<String> names() {
        return sinks.keySet();
    }

    /** Each sink's filters, for {@link RoutingInterest}. */
    public List<SinkFilter> filters() {
        return sinks.values().stream().map(Sink::filter).toList();
    }

    /** Routing step: chooses every sink whose filters match the receipt in the body. */
    @SuppressWarnings("unchecked")
    public void route(Exchange exchange) {
        RoutedEvent event = exchange.getMessage().getBody(RoutedEvent.class);
        List<RouteDecision> decisions = exchange.getProperty(RoutingOutbox.DECISIONS, List.class);
        for (Sink sink : sinks.values()) {
            if (sink.filter().matches(event.provider(), event.status())) {
                decisions.add(new RouteDecision(RouteDecision.JDBC, sink.name()));
            }
        }
    }

    /**
     * Worker step: writes the round in the body into its sink, all its rows in one transaction as one
     * JDBC batch. When that fails the rows are written one at a time, each in its own transaction, so
     * only a row the sink refuses fails (and is retried on its own schedule). When no connection can
     * be had, every delivery of the round failed this attempt.
     */
    public void write(Exchange exchange) {
        DeliveryRound round = exchange.getMessage().getBody(DeliveryRound.class);
        List<Delivery> deliveries = round.deliveries();
        Sink sink = sinks.get(round.target().name());
        if (sink == null) {
            round.failAll("JDBC sink " + round.target().name() + " is no longer configured");
            return;
        }
        if (deliveries.isEmpty()) {
            return;
        }
        if (!round.mayStart(deliveries.get(0), attemptBound(sink.timeout()))) {
            // (a round's deliveries share one lease) no time left to write and record it: given back
            deliveries.forEach(delivery -> round.add(Outcome.release(delivery)));
            return;
        }
        try (Connection connection = sink.pool().getConnection()) {
            try {
                writeAll(sink, connection, deliveries);
                deliveries.forEach(delivery -> round.add(Outcome.delivered(delivery, null)));
                return;
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
            }
            for (Delivery delivery : deliveries) {
                // Given back: the sink refused every row so far (it looks down), or an attempt begun
                // now could end too late to be recorded within the delivery's lease.
                if (round.stalled() || !round.mayStart(delivery, statementBound(sink.timeout()))) {
                    round.add(Outcome.release(delivery));
                    continue;
                }
                try {
                    writeAll(sink, connection, List.of(delivery));
                    round.add(Outcome.delivered(delivery, null));
                } catch (SQLException | RuntimeException e) {
                    rollback(connection);
                    round.add(Outcome.attemptFailed(delivery, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
            }
        } catch (SQLException e) {
            // no connection: the sink is away, every delivery of the round failed this attempt
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            deliveries.forEach(delivery -> round.add(Outcome.attemptFailed(delivery, null, error)));
        }
    }

    /** The rows in one transaction, one JDBC batch, the statement bounded by the sink's timeout. */
    private static void writeAll(Sink sink, Connection connection, List<Delivery> deliveries) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(sink.sql())) {
            // The statement is bounded too, so a write ends well within the delivery's lease.
            statement.setQueryTimeout((int) statementBound(sink.timeout()).toSeconds());
            for (Delivery delivery : deliveries) {
                Map<String, JsonNode> fields = fields(delivery);
                for (int i = 0; i < sink.parameters().size(); i++) {
                    bind(statement, i + 1, sink.parameters().get(i), fields.get(sink.parameters().get(i)));
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
        connection.commit();
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool replaces it, the rows were not committed
        }
    }

    private static Map<String, JsonNode> fields(Delivery delivery) {
        try {
            Map<String, JsonNode> fields = EnvelopeFormat.flatten(CanonicalJson.MAPPER.readTree(delivery.payload()));
            fields.put("type", CanonicalJson.MAPPER.getNodeFactory().textNode(delivery.eventType()));
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void bind(PreparedStatement statement, int index, String field, JsonNode value) throws SQLException {
        if (value == null || value.isNull()) {
            statement.setNull(index, field.endsWith("At") ? Types.TIMESTAMP_WITH_TIMEZONE : Types.VARCHAR);
        } else if (field.endsWith("At")) {
            statement.setObject(index, Instant.parse(value.asText()).atOffset(ZoneOffset.UTC));
        } else if (value.isBoolean()) {
            statement.setBoolean(index, value.booleanValue());
        } else if (value.isIntegralNumber()) {
            statement.setLong(index, value.longValue());
        } else if (value.isNumber()) {
            statement.setBigDecimal(index, value.decimalValue());
        } else {
            statement.setString(index, value.asText());
        }
    }

    @Override
    protected void doStop() {
        sinks.values().forEach(sink -> sink.pool().close());
    }
}
