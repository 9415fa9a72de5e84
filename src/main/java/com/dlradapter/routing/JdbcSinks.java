package com.dlradapter.routing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Extra JDBC sinks ({@code dlr.jdbc-sinks} and {@code dlr.jdbc-sinks.<name>.*}): each its own
 * HikariCP pool and one INSERT or MERGE statement whose named parameters {@code :#field} are
 * canonical message fields ({@link SinkStatement}). A sink is a Camel route over camel-sql
 * (routes/jdbc-sink-template.yaml, one per sink), which writes a round of deliveries at a time as
 * one JDBC batch in one transaction; {@link JdbcSinkWrites} are its steps.
 */
public class JdbcSinks extends ServiceSupport {

    /** The names a statement may use. */
    public static final List<String> FIELDS = List.of("type", "id", "provider", "messageId", "batchId", "clientRef", "eventId",
            "status", "final", "providerStatus", "reason.code", "reason.description", "recipient", "sender",
            "segments", "part", "parts", "cost.amount", "cost.currency", "network.mccmnc", "network.operator",
            "network.country", "occurredAt", "receivedAt", "source");
    /** The route template of a sink (routes/jdbc-sink-template.yaml); each sink's route is {@code jdbc-sink-<name>}. */
    static final String TEMPLATE = "jdbc-sink";

    private final Map<String, Sink> sinks;

    record Sink(String name, HikariDataSource pool, SinkStatement statement, SinkFilter filter, Duration timeout) {
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
            SinkStatement statement = SinkStatement.parse(prefix + ".sql", sql);
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
            sinks.put(name, new Sink(name, new HikariDataSource(config), statement,
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

    /** The configured sink of that name, if any. */
    Optional<Sink> sink(String name) {
        return Optional.ofNullable(sinks.get(name));
    }

    /**
     * Binds what the sinks' routes use: each sink's pool ({@code jdbcSink-<name>}), its statement
     * ({@code jdbcSinkSql-<name>}, read by camel-sql through {@code ref:}, so no character of it is
     * taken for URI syntax), the routes' steps, and the routes themselves: routes/jdbc-sink-template.yaml
     * instantiated once per sink (route {@code jdbc-sink-<name>}, from {@code direct:jdbc-sink-<name>})
     * by a routes builder camel-main adds after the YAML templates.
     */
    void bind(Registry registry) {
        for (Sink sink : sinks.values()) {
            registry.bind("jdbcSink-" + sink.name(), sink.pool());
            registry.bind("jdbcSinkSql-" + sink.name(), sink.statement().sql());
        }
        JdbcSinkWrites writes = new JdbcSinkWrites(this);
        registry.bind("jdbcSinkRound", (Processor) writes::round);
        registry.bind("jdbcSinkWritten", (Processor) writes::written);
        registry.bind("jdbcSinkRow", (Processor) writes::row);
        registry.bind("jdbcSinkFailed", (Processor) writes::failed);
        registry.bind("jdbcSinkRoutes", new RouteBuilder() {
            @Override
            public void configure() {
                for (Sink sink : sinks.values()) {
                    templatedRoute(TEMPLATE).routeId(TEMPLATE + "-" + sink.name())
                            .parameter("sink", sink.name())
                            .parameter("parametersCount", String.valueOf(sink.statement().fields().size()))
                            .parameter("statementTimeout", String.valueOf(statementBound(sink.timeout()).toSeconds()));
                }
            }
        });
    }

    @Override
    protected void doStop() {
        sinks.values().forEach(sink -> sink.pool().close());
    }
}
