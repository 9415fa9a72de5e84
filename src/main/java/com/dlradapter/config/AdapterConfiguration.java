package com.dlradapter.config;

import com.dlradapter.api.ApiToken;
import com.dlradapter.api.DeliveryApi;
import com.dlradapter.api.QueryApi;
import com.dlradapter.api.RegistrationApi;
import com.dlradapter.polling.OAuth2Tokens;
import com.dlradapter.polling.PollSchedule;
import com.dlradapter.polling.ProviderPoller;
import com.dlradapter.cluster.LeaderLease;
import com.dlradapter.cluster.LeaderRoutePolicy;
import com.dlradapter.health.ClusterHealthCheck;
import com.dlradapter.health.DatabaseHealthCheck;
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
import com.dlradapter.http.ErrorAnswers;
import com.dlradapter.ingest.ReceiptIngest;
import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.observe.OutboundBacklog;
import com.dlradapter.reload.RoutesReloader;
import com.dlradapter.ops.ListenPorts;
import com.dlradapter.ops.PolledProviders;
import com.dlradapter.ops.PrivateFolder;
import com.dlradapter.ops.StartupSummary;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.Database;
import com.dlradapter.store.DatabaseUrl;
import com.dlradapter.store.MessageQuery;
import com.dlradapter.store.OverdueHook;
import com.dlradapter.store.ReceiptCommitHook;
import com.dlradapter.store.ReceiptStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the adapter's few beans from the {@code dlr.*} settings and binds them for the YAML
 * routes, before any route is created. Anything wrong here (a broken mapping, a database that
 * cannot be migrated) stops the start with a message that says what.
 */
public class AdapterConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AdapterConfiguration.class);

    /** host:http-port plus a random suffix: unique even for two nodes started on one host. */
    private static String defaultNodeId(Settings settings) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + settings.text("dlr.http.port", "8080") + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        // every templatedRoute is checked against its local Kamelet's parameter contract as its file loads
        context.getRegistry().bind("templateContracts", new com.dlradapter.routes.TemplateContracts(context));
        // before anything starts: a port another process holds stops the start, naming the setting
        ListenPorts.requireFree(settings);
        Path dataDirectory = Path.of(settings.text("dlr.data.dir", "data"));
        String databaseUrl = settings.text("dlr.db.url", "jdbc:h2:file:./data/dlr;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        // The data folder (and an H2 database's files kept elsewhere) owner-only whatever the
        // umask, before the first file is written into it; new files are made private as they appear.
        List<PrivateFolder> privateFolders = PrivateFolder.forData(dataDirectory, DatabaseUrl.of(databaseUrl).h2File());
        for (PrivateFolder folder : privateFolders) {
            context.addService(folder, true, true);
            folder.start();
        }

        // Sink settings are checked before anything starts. A delivery attempt must end within the
        // lease of its claim, or another node may send it again meanwhile.
        Duration deliveryLease = settings.duration("dlr.delivery.lease", Duration.ofMinutes(2));
        Map<String, OutboundTarget> outboundTargets = OutboundWebhooks.fromSettings(settings);
        outboundTargets.values().forEach(target -> Deliveries.requireWithinLease(
                "dlr.outbound." + target.name() + ".timeout", target.timeout(), deliveryLease));
        JdbcSinks.requireWithinLease(settings, deliveryLease);

        Path mappingDirectory = Path.of(settings.text("dlr.mappings.dir", "mappings"));
        boolean reload = settings.bool("dlr.reload", false);
        MappingRegistry mappings = new MappingRegistry(context, mappingDirectory,
                reload ? settings.duration("dlr.reload.interval", Duration.ofSeconds(2)) : null);
        context.addService(mappings, true, true);
        LOG.info("Loaded {} provider mappings from {}: {}", mappings.mappings().size(), mappingDirectory,
                mappings.mappings().keySet());
        MappingEngine engine = new MappingEngine(mappings::mappings,
                settings.integer("dlr.max-receipts-per-request", MappingEngine.MAX_RECEIPTS_PER_REQUEST));
        // A provider's polling route runs only when it has a status API to call (dlr.providers.<id>.base-url).
        PolledProviders polled = new PolledProviders(context, settings);
        context.addLifecycleStrategy(polled);
        if (reload) {
            // started with the context, after the routes it watches
            context.addService(new RoutesReloader(context, Path.of(settings.text("dlr.routes.dir", "routes")),
                    settings.duration("dlr.reload.interval", Duration.ofSeconds(2))), true, false);
        }

        Database database = new Database(
                databaseUrl,
                settings.text("dlr.db.username", "sa"),
                settings.text("dlr.db.password", ""),
                settings.integer("dlr.db.pool-size", 10),
                settings.duration("dlr.db.connection-timeout", Duration.ofSeconds(1)));
        context.addService(database, true, true);
        database.migrate();

        ClusterMember cluster = new ClusterMember(
                settings.text("dlr.cluster.name", "dlr-adapter"),
                settings.text("dlr.cluster.interface", "127.0.0.1"),
                settings.integer("dlr.cluster.port", 5701),
                settings.list("dlr.cluster.members"),
                settings.duration("dlr.idempotency.ttl", Duration.ofHours(72)));
        context.addService(cluster, true, true);
        cluster.start();
        com.dlradapter.cluster.ReceiptKeyRepository receiptKeys = new com.dlradapter.cluster.ReceiptKeyRepository(
                cluster.instance().getMap(ClusterMember.RECEIPT_KEYS_MAP));

        // The adapter's metrics share Camel's Prometheus registry (camel-micrometer-prometheus
        // looks it up as "metricsRegistry").
        MeterRegistry meterRegistry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meterRegistry == null) {
            meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", meterRegistry);
        }
        AdapterMetrics metrics = new AdapterMetrics(meterRegistry);

        // Work that commits with a receipt (outbox rows, polling schedules) or with marking a
        // message overdue; later features add theirs here.
        List<ReceiptCommitHook> receiptHooks = new ArrayList<>();
        List<OverdueHook> overdueHooks = new ArrayList<>();

        // Routing (issue 4): the outbox row commits with the receipt (or the overdue marking), for
        // the events some sink could take; routes/routing.yaml decides the sinks after the commit,
        // a batch at a time; each sink target's deliveries are drained on their own, in rounds.
        int deliveryBatch = settings.integer("dlr.delivery.batch-size", 100);
        int perTarget = settings.integer("dlr.delivery.per-target", 10);
        if (deliveryBatch < 1 || perTarget < 1) {
            throw new IllegalArgumentException("settings dlr.delivery.batch-size and dlr.delivery.per-target must be at least 1");
        }
        Deliveries deliveries = new Deliveries(database.dataSource(),
                new RetryPolicy(settings.duration("dlr.delivery.initial-delay", Duration.ofSeconds(5)),
                        settings.duration("dlr.delivery.max-delay", Duration.ofHours(5)),
                        settings.duration("dlr.delivery.max-age", Duration.ofDays(3))),
                deliveryLease, deliveryBatch, perTarget,
                settings.duration("dlr.delivery.retention", Duration.ofDays(7)), metrics);
        EmailAlerts emailAlerts = new EmailAlerts(database.dataSource(), settings, metrics);
        JdbcSinks jdbcSinks = JdbcSinks.fromSettings(settings);
        context.addService(jdbcSinks, true, true);
        // Only the events some configured sink could take enter routing (dlr.routing.all-events: all).
        List<SinkFilter> sinkFilters = new ArrayList<>();
        List<SinkTarget> sinkTargets = new ArrayList<>();
        outboundTargets.values().forEach(target -> {
            sinkFilters.add(target.filter());
            sinkTargets.add(new SinkTarget(RouteDecision.WEBHOOK, target.name()));
        });
        sinkFilters.addAll(jdbcSinks.filters());
        jdbcSinks.names().forEach(name -> sinkTargets.add(new SinkTarget(RouteDecision.JDBC, name)));
        RoutingInterest routingInterest = new RoutingInterest(settings.bool("dlr.routing.all-events", false),
                sinkFilters, emailAlerts.enabled(), emailAlerts.statuses());
        RoutingOutbox routingOutbox = new RoutingOutbox(database.dataSource(), deliveries, emailAlerts,
                deliveryLease, deliveryBatch, routingInterest);
        receiptHooks.add(routingOutbox);
        overdueHooks.add(routingOutbox);
        DeliveryRounds deliveryRounds = new DeliveryRounds(deliveries, sinkTargets);
        metrics.outboundBacklog(new OutboundBacklog(deliveries::pendingByTarget, emailAlerts::waiting,
                        settings.duration("dlr.metrics.backlog-refresh", Duration.ofSeconds(5))),
                outboundTargets.keySet(), jdbcSinks.names());
        LOG.info("Routing to {} outbound webhook target(s) {}, {} JDBC sink(s) {}, email alerts {}; {}",
                outboundTargets.size(), OutboundWebhooks.describe(outboundTargets), jdbcSinks.names().size(), jdbcSinks.names(),
                emailAlerts.enabled() ? "on" : "off (no dlr.email.smtp-host)",
                routingInterest.allEvents() ? "every event is routed (dlr.routing.all-events)"
                        : routingInterest.any() ? "only events a sink wants are routed" : "no event is routed");

        // Polling: the schedule tracks non-final messages in the receipt's own transaction.
        List<Duration> backoff = settings.list("dlr.polling.backoff").stream().map(Settings::parseDuration).toList();
        PollSchedule pollSchedule = new PollSchedule(database.dataSource(),
                backoff.isEmpty() ? List.of(Duration.ofMinutes(1)) : backoff,
                settings.duration("dlr.polling.max-age", Duration.ofHours(72)), overdueHooks,
                provider -> PolledProviders.hasStatusApi(settings, provider));
        receiptHooks.add(pollSchedule);
        ReceiptStore receiptStore = new ReceiptStore(database.dataSource(), receiptHooks);
        DeadLetterStore deadLetters = new DeadLetterStore(database.dataSource());
        String apiToken = ApiToken.resolve(settings.optional("dlr.api.token").orElse(null), dataDirectory);

        // Work that must run on exactly one node takes the leader lease in the shared database.
        LeaderLease leaderLease = new LeaderLease(context, database.dataSource(), "singleton",
                settings.text("dlr.cluster.node-id", defaultNodeId(settings)),
                settings.duration("dlr.cluster.lease-ttl", Duration.ofSeconds(15)),
                settings.duration("dlr.cluster.lease-renew", Duration.ofSeconds(5)));
        context.addService(leaderLease, true, true);

        var registry = context.getRegistry();
        // The public port is the adapter's own Vert.x server (timeouts, strict framing, no file
        // uploads); the platform-http routes use its router, and the management server its Vert.x.
        // platform-http-vertx runs each request on a worker thread (blocking JDBC stays off the
        // event loop); their number bounds the requests in the pipeline at once, and so the size
        // of a group commit.
        com.dlradapter.http.PublicHttpServer publicServer = new com.dlradapter.http.PublicHttpServer(context,
                settings.text("dlr.http.host", "0.0.0.0"), settings.integer("dlr.http.port", 8080),
                settings.integer("dlr.http.worker-threads", 64),
                settings.longValue("dlr.max-body-bytes", 262_144),
                settings.duration("dlr.http.header-timeout", Duration.ofSeconds(10)),
                settings.duration("dlr.http.request-timeout", Duration.ofSeconds(30)),
                settings.duration("dlr.http.idle-timeout", Duration.ofSeconds(30)));
        context.addService(publicServer, true, true);
        context.addStartupListener(publicServer);
        registry.bind("leaderLease", leaderLease);
        registry.bind("leaderOnly", new LeaderRoutePolicy(leaderLease));
        // Health checks bound in the registry are served by the management server's /observe/health.
        registry.bind("databaseHealthCheck", new DatabaseHealthCheck(database));
        registry.bind("clusterHealthCheck", new ClusterHealthCheck(cluster.instance(),
                settings.list("dlr.cluster.members").size(), leaderLease));
        registry.bind("dataSource", database.dataSource());
        registry.bind("mappingEngine", engine);
        registry.bind("mappingRegistry", mappings);
        registry.bind("hazelcastInstance", cluster.instance());
        registry.bind("receiptKeys", receiptKeys);
        WebhookSecurity security = WebhookSecurity.fromSettings(settings);
        com.dlradapter.http.WebhookMethods webhookMethods = new com.dlradapter.http.WebhookMethods(context);
        context.getManagementStrategy().addEventNotifier(webhookMethods);
        WebhookGate webhookGate = security.webhookGate(settings, mappings.mappings().keySet(), engine::knows, dataDirectory,
                webhookMethods);
        // the tokens kept there are checked (a token file others could write is refused): now
        // whatever an earlier run under a loose umask left is made private too
        privateFolders.forEach(PrivateFolder::restrictAll);
        mappings.onReload(webhookGate::provide);
        registry.bind("webhookGate", webhookGate);
        // the gate's two entries, as plain processors for the webhook routes (one per request)
        registry.bind("admitWebhook", (org.apache.camel.Processor) webhookGate::admit);
        registry.bind("admitPathTokenWebhook", (org.apache.camel.Processor) webhookGate::admitPathToken);
        registry.bind("adapterMetrics", metrics);
        context.getManagementStrategy().addEventNotifier(new com.dlradapter.observe.WebhookTimer(metrics, engine::knows));
        // Concurrent requests share one transaction and one flush (group commit); each is still
        // answered only after its receipt is committed and durable.
        // A request that cannot be committed within the answer budget is answered 503 at once.
        com.dlradapter.store.GroupCommit groupCommit = new com.dlradapter.store.GroupCommit(receiptStore, database,
                receiptKeys, settings.integer("dlr.db.group-commit.max-batch", 64),
                // embedded H2 writes one file and serialises its flushes: one committer gives
                // groups twice the size for the same flush (measured: 0.88 against 1.17 ms of
                // CPU a receipt); PostgreSQL overlaps two committers' fsyncs
                settings.integer("dlr.db.group-commit.threads", database.embedded() ? 1 : 2),
                settings.duration("dlr.http.answer-budget", Duration.ofMillis(1500)));
        groupCommit.observe(metrics::groupCommitted);
        context.addService(groupCommit, true, true);
        ReceiptIngest ingest = new ReceiptIngest(engine, groupCommit, deadLetters, database, metrics);
        // the ingest route's steps, as plain processors (routes/ingest.yaml)
        registry.bind("mapPayload", (org.apache.camel.Processor) ingest::map);
        registry.bind("storeReceipts", (org.apache.camel.Processor) ingest::store);
        registry.bind("keepDeadLetter", (org.apache.camel.Processor) ingest::deadLetter);
        registry.bind("deadLetterReplay", new com.dlradapter.api.DeadLetterReplay(
                database.dataSource(), engine, receiptStore, database, metrics));
        // every failed exchange's answer (routes/errors.yaml), as a plain processor
        registry.bind("answerError", (org.apache.camel.Processor) new ErrorAnswers()::answer);
        registry.bind("apiGate", security.apiGate(apiToken));
        registry.bind("queryApi", new QueryApi(new MessageQuery(database.dataSource(), polled), deadLetters));
        registry.bind("overdueHooks", overdueHooks);
        registry.bind("pollSchedule", pollSchedule);
        registry.bind("providerPoller", new ProviderPoller(settings, pollSchedule, new OAuth2Tokens(settings),
                settings.integer("dlr.polling.batch-size", 100), metrics));
        registry.bind("registrationApi", new RegistrationApi(engine, pollSchedule));
        // Each provider's status API calls get that provider's own time bound (dlr.providers.<id>.timeout);
        // a provider added by hot reload gets its configurer when its mapping is loaded, before its
        // polling route's first call looks it up.
        java.util.function.Consumer<String> bindPollHttp = provider -> {
            if (registry.lookupByName("pollHttp-" + provider) == null) {
                registry.bind("pollHttp-" + provider, new TargetTimeouts(
                        settings.duration("dlr.providers." + provider + ".timeout", Duration.ofSeconds(10))));
            }
        };
        mappings.mappings().keySet().forEach(bindPollHttp);
        mappings.onReload(bindPollHttp);
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
        outboundTargets.values().forEach(target -> registry.bind(OutboundWebhooks.CONFIGURER_PREFIX + target.name(),
                TargetTimeouts.attemptBound(target.timeout())));
        registry.bind("jdbcSinks", jdbcSinks);
        registry.bind("emailAlerts", emailAlerts);
        // the steps of routes/routing.yaml and routes/deliveries.yaml, as plain processors
        RoutingSteps.install(context, routingInterest, routingOutbox, outboundWebhooks, jdbcSinks, emailAlerts,
                deliveries, deliveryRounds);
        registry.bind("deliveryApi", new DeliveryApi(deliveries));
        // One screen at the end of the start: what runs, where, which providers, which are polled.
        context.addStartupListener(new StartupSummary(settings, new StartupSummary.Facts(
                () -> java.net.InetSocketAddress.createUnresolved(publicServer.host(), publicServer.actualPort()),
                database.describe(), dataDirectory,
                cluster.instance(), settings.list("dlr.cluster.members").size(), () -> mappings.mappings().keySet(), polled,
                outboundTargets.keySet(), jdbcSinks.names(), emailAlerts.enabled(), reload)));
    }
}
