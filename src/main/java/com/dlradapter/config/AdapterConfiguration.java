package com.dlradapter.config;

import com.dlradapter.api.ApiGate;
import com.dlradapter.api.ApiToken;
import com.dlradapter.api.QueryApi;
import com.dlradapter.http.ErrorAnswers;
import com.dlradapter.ingest.ReceiptIngest;
import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.MappingLoader;
import com.dlradapter.mapping.ProviderMapping;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.Database;
import com.dlradapter.store.MessageQuery;
import com.dlradapter.store.OverdueHook;
import com.dlradapter.store.ReceiptCommitHook;
import com.dlradapter.store.ReceiptStore;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.hazelcast.HazelcastIdempotentRepository;
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

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Path dataDirectory = Path.of(settings.text("dlr.data.dir", "data"));

        Path mappingDirectory = Path.of(settings.text("dlr.mappings.dir", "mappings"));
        Map<String, ProviderMapping> mappings = new MappingLoader().loadDirectory(mappingDirectory);
        LOG.info("Loaded {} provider mappings from {}: {}", mappings.size(), mappingDirectory, mappings.keySet());
        MappingEngine engine = new MappingEngine(() -> mappings);

        Database database = new Database(
                settings.text("dlr.db.url", "jdbc:h2:file:./data/dlr;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"),
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
        HazelcastIdempotentRepository receiptKeys =
                new HazelcastIdempotentRepository(cluster.instance(), ClusterMember.RECEIPT_KEYS_MAP);

        // Work that commits with a receipt (outbox rows, polling schedules) or with marking a
        // message overdue; later features add theirs here.
        List<ReceiptCommitHook> receiptHooks = new ArrayList<>();
        List<OverdueHook> overdueHooks = new ArrayList<>();
        ReceiptStore receiptStore = new ReceiptStore(database.dataSource(), receiptHooks);
        DeadLetterStore deadLetters = new DeadLetterStore(database.dataSource());
        String apiToken = ApiToken.resolve(settings.optional("dlr.api.token").orElse(null), dataDirectory);

        var registry = context.getRegistry();
        registry.bind("dataSource", database.dataSource());
        registry.bind("mappingEngine", engine);
        registry.bind("receiptKeys", receiptKeys);
        context.addStartupListener(new com.dlradapter.security.SlowClientGuard(
                settings.duration("dlr.http.request-timeout", Duration.ofSeconds(30)), settings.integer("dlr.http.port", 8080)));
        registry.bind("webhookGate", WebhookSecurity.gate(settings, mappings.keySet(), dataDirectory));
        // The adapter's metrics share Camel's Prometheus registry (camel-micrometer-prometheus
        // looks it up as "metricsRegistry").
        io.micrometer.core.instrument.MeterRegistry meterRegistry =
                registry.lookupByNameAndType("metricsRegistry", io.micrometer.core.instrument.MeterRegistry.class);
        if (meterRegistry == null) {
            meterRegistry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meterRegistry);
        }
        com.dlradapter.observe.AdapterMetrics metrics = new com.dlradapter.observe.AdapterMetrics(meterRegistry);
        registry.bind("adapterMetrics", metrics);
        registry.bind("database-health-check", new com.dlradapter.observe.DatabaseHealthCheck(database.dataSource()));
        context.getManagementStrategy().addEventNotifier(new com.dlradapter.observe.WebhookTimer(metrics));
        registry.bind("receiptIngest", new ReceiptIngest(engine, receiptStore, deadLetters, database::flush, metrics));
        registry.bind("deadLetterReplay", new com.dlradapter.api.DeadLetterReplay(
                database.dataSource(), engine, receiptStore, database::flush, metrics));
        registry.bind("errorAnswers", new ErrorAnswers());
        registry.bind("apiGate", new ApiGate(apiToken));
        registry.bind("queryApi", new QueryApi(new MessageQuery(database.dataSource()), deadLetters));
        registry.bind("overdueHooks", overdueHooks);
    }
}
