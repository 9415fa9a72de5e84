package com.dlradapter.config;

import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.observe.OutboundBacklog;
import com.dlradapter.routing.Deliveries;
import com.dlradapter.routing.DeliveryRounds;
import com.dlradapter.routing.EmailAlerts;
import com.dlradapter.routing.JdbcSinks;
import com.dlradapter.routing.OutboundTarget;
import com.dlradapter.routing.OutboundWebhooks;
import com.dlradapter.routing.RetryPolicy;
import com.dlradapter.routing.RouteDecision;
import com.dlradapter.routing.RoutingInterest;
import com.dlradapter.routing.RoutingOutbox;
import com.dlradapter.routing.RoutingSteps;
import com.dlradapter.routing.SinkFilter;
import com.dlradapter.routing.SinkTarget;
import com.dlradapter.routing.TargetTimeouts;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * routing/ (issue 4): the outbox row commits with the receipt (or the overdue marking), for the
 * events some sink could take; routes/routing.yaml decides the sinks after the commit, a batch at
 * a time; each sink target's deliveries (outbound webhooks, JDBC sinks) are drained on their own,
 * in rounds; email alerts are sent as digests.
 */
public final class RoutingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingConfiguration.class);

    private final Settings settings;
    private final Duration deliveryLease;
    private final Map<String, OutboundTarget> outboundTargets;
    private int perTarget;
    private Deliveries deliveries;
    private EmailAlerts emailAlerts;
    private JdbcSinks jdbcSinks;
    private RoutingInterest routingInterest;
    private RoutingOutbox routingOutbox;
    private final List<SinkTarget> sinkTargets = new ArrayList<>();

    /**
     * Reads and checks the sinks' settings, before anything starts: a delivery attempt must end
     * within the lease of its claim, or another node may send it again meanwhile.
     */
    RoutingConfiguration(Settings settings) {
        this.settings = settings;
        this.deliveryLease = settings.duration("dlr.delivery.lease", Duration.ofMinutes(2));
        this.outboundTargets = outboundTargets(settings);
        outboundTargets.values().forEach(target -> Deliveries.requireWithinLease(
                "dlr.outbound." + target.name() + ".timeout", target.timeout(), deliveryLease));
        for (String name : settings.list("dlr.jdbc-sinks")) {
            JdbcSinks.requireWithinLease(name, jdbcSinkTimeout(settings, name), deliveryLease);
        }
    }

    /** The deliveries, the sinks and the outbox, whose row commits with each receipt and overdue marking. */
    void build(CamelContext context, DataSource dataSource, StoreConfiguration store, AdapterMetrics metrics)
            throws Exception {
        int deliveryBatch = settings.integer("dlr.delivery.batch-size", 100);
        perTarget = settings.integer("dlr.delivery.per-target", 10);
        if (deliveryBatch < 1 || perTarget < 1) {
            throw new IllegalArgumentException("settings dlr.delivery.batch-size and dlr.delivery.per-target must be at least 1");
        }
        deliveries = new Deliveries(dataSource,
                new RetryPolicy(settings.duration("dlr.delivery.initial-delay", Duration.ofSeconds(5)),
                        settings.duration("dlr.delivery.max-delay", Duration.ofHours(5)),
                        settings.duration("dlr.delivery.max-age", Duration.ofDays(3))),
                deliveryLease, deliveryBatch, perTarget,
                settings.duration("dlr.delivery.retention", Duration.ofDays(7)), metrics);
        emailAlerts = new EmailAlerts(dataSource, smtp(settings), metrics);
        jdbcSinks = JdbcSinks.of(jdbcSinks(settings));
        context.addService(jdbcSinks, true, true);
        // Only the events some configured sink could take enter routing (dlr.routing.all-events: all).
        List<SinkFilter> sinkFilters = new ArrayList<>();
        outboundTargets.values().forEach(target -> {
            sinkFilters.add(target.filter());
            sinkTargets.add(new SinkTarget(RouteDecision.WEBHOOK, target.name()));
        });
        sinkFilters.addAll(jdbcSinks.filters());
        jdbcSinks.names().forEach(name -> sinkTargets.add(new SinkTarget(RouteDecision.JDBC, name)));
        routingInterest = new RoutingInterest(settings.bool("dlr.routing.all-events", false),
                sinkFilters, emailAlerts.enabled(), emailAlerts.statuses());
        routingOutbox = new RoutingOutbox(dataSource, deliveries, emailAlerts, deliveryLease, deliveryBatch, routingInterest);
        store.receiptHooks().add(routingOutbox);
        store.overdueHooks().add(routingOutbox);
        metrics.outboundBacklog(new OutboundBacklog(deliveries::pendingByTarget, emailAlerts::waiting,
                        settings.duration("dlr.metrics.backlog-refresh", Duration.ofSeconds(5))),
                outboundTargets.keySet(), jdbcSinks.names());
        LOG.info("Routing to {} outbound webhook target(s) {}, {} JDBC sink(s) {}, email alerts {}; {}",
                outboundTargets.size(), OutboundWebhooks.describe(outboundTargets), jdbcSinks.names().size(), jdbcSinks.names(),
                emailAlerts.enabled() ? "on" : "off (no dlr.email.smtp-host)",
                routingInterest.allEvents() ? "every event is routed (dlr.routing.all-events)"
                        : routingInterest.any() ? "only events a sink wants are routed" : "no event is routed");
    }

    /** The beans and the steps of routes/routing.yaml and routes/deliveries.yaml. */
    void bind(CamelContext context) {
        var registry = context.getRegistry();
        DeliveryRounds deliveryRounds = new DeliveryRounds(deliveries, sinkTargets);
        registry.bind("routingOutbox", routingOutbox);
        registry.bind("deliveries", deliveries);
        registry.bind("deliveryRounds", deliveryRounds);
        // Threads from Camel's ExecutorServiceManager (stopped with the context): one per sink
        // target for its drain, and per-target lanes for each outbound target's requests in flight,
        // so a slow target only ever holds its own.
        var executors = context.getExecutorServiceManager();
        registry.bind("deliveryDrains", executors.newFixedThreadPool(deliveryRounds, "DeliveryDrain",
                Math.max(1, sinkTargets.size())));
        registry.bind("deliveryLanes", executors.newFixedThreadPool(deliveryRounds, "DeliveryLane",
                Math.max(1, outboundTargets.size() * perTarget)));
        OutboundWebhooks outboundWebhooks = new OutboundWebhooks(outboundTargets, perTarget);
        registry.bind("outboundWebhooks", outboundWebhooks);
        // a target's timeout bounds its whole attempt, so the attempt ends within its delivery's lease
        var attemptDeadlines = TargetTimeouts.deadlines(context, outboundWebhooks);
        outboundTargets.values().forEach(target -> registry.bind(OutboundWebhooks.CONFIGURER_PREFIX + target.name(),
                TargetTimeouts.attemptBound(target.timeout(), attemptDeadlines)));
        registry.bind("jdbcSinks", jdbcSinks);
        registry.bind("emailAlerts", emailAlerts);
        // the steps of the routes, as plain processors
        RoutingSteps.install(context, routingInterest, routingOutbox, outboundWebhooks, jdbcSinks, emailAlerts,
                deliveries, deliveryRounds);
    }

    Deliveries deliveries() {
        return deliveries;
    }

    Map<String, OutboundTarget> outboundTargets() {
        return outboundTargets;
    }

    JdbcSinks jdbcSinks() {
        return jdbcSinks;
    }

    EmailAlerts emailAlerts() {
        return emailAlerts;
    }

    /** The outbound webhook targets: {@code dlr.outbound.targets} and {@code dlr.outbound.<name>.*}. */
    static Map<String, OutboundTarget> outboundTargets(Settings settings) {
        Map<String, OutboundTarget> targets = new LinkedHashMap<>();
        for (String name : settings.list("dlr.outbound.targets")) {
            String prefix = "dlr.outbound." + name;
            targets.put(name, OutboundWebhooks.target(name, settings.optional(prefix + ".url").orElse(null),
                    settings.text(prefix + ".format", "json"), settings.list(prefix + ".secret"),
                    settings.list(prefix + ".statuses"), settings.list(prefix + ".providers"),
                    settings.duration(prefix + ".timeout", Duration.ofSeconds(10))));
        }
        return targets;
    }

    /** The JDBC sinks: {@code dlr.jdbc-sinks} and {@code dlr.jdbc-sinks.<name>.*}. */
    static List<JdbcSinks.Definition> jdbcSinks(Settings settings) {
        List<JdbcSinks.Definition> sinks = new ArrayList<>();
        for (String name : settings.list("dlr.jdbc-sinks")) {
            String prefix = "dlr.jdbc-sinks." + name;
            sinks.add(new JdbcSinks.Definition(name, settings.optional(prefix + ".url").orElse(null),
                    settings.optional(prefix + ".sql").orElse(null),
                    settings.optional(prefix + ".username").orElse(null),
                    settings.optional(prefix + ".password").orElse(null),
                    settings.integer(prefix + ".pool-size", 2), jdbcSinkTimeout(settings, name),
                    settings.list(prefix + ".statuses"), settings.list(prefix + ".providers")));
        }
        return sinks;
    }

    /** A sink's bound of one write: the wait for a connection, and again the statement. */
    private static Duration jdbcSinkTimeout(Settings settings, String name) {
        return settings.duration("dlr.jdbc-sinks." + name + ".timeout", Duration.ofSeconds(5));
    }

    /** The email alerts' settings, {@code dlr.email.*}: off without an SMTP host. */
    public static EmailAlerts.Smtp smtp(Settings settings) {
        return new EmailAlerts.Smtp(
                settings.optional("dlr.email.smtp-host").orElse(null),
                settings.integer("dlr.email.smtp-port", 25),
                settings.optional("dlr.email.username").orElse(null),
                settings.optional("dlr.email.password").orElse(null),
                settings.bool("dlr.email.starttls", false),
                settings.text("dlr.email.from", "dlr-adapter@localhost"),
                settings.optional("dlr.email.to").orElse(null),
                settings.duration("dlr.email.digest-window", Duration.ofMinutes(5)),
                settings.integer("dlr.email.digest-max", 100),
                settings.duration("dlr.email.retry-delay", Duration.ofMinutes(1)),
                settings.list("dlr.email.statuses"));
    }
}
