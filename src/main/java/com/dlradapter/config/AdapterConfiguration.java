package com.dlradapter.config;

import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.routes.TemplateContracts;
import com.dlradapter.cluster.LeaderLease;
import com.dlradapter.http.PublicHttpServer;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.ops.StartupSummary;
import com.dlradapter.polling.PollSchedule;
import com.dlradapter.store.GroupCommit;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.net.InetSocketAddress;

/**
 * Builds the adapter's beans from the {@code dlr.*} settings and binds them for the YAML routes,
 * before any route is created, one feature after the other: each {@code *Configuration} of this
 * package builds the beans of the package it is named after, and nothing below config/ reads a
 * setting (they get plain values and small records). Anything wrong here (a broken mapping, a
 * database that cannot be migrated) stops the start with a message that says what.
 * <p>
 * One camel-main configuration calling the features in order, rather than one camel-main
 * configuration class per feature: camel-main post-processes every configuration class (its
 * {@code @BindToRegistry} methods, its {@code @BeanInject} fields) before it calls the first
 * {@code configure}, so a feature could only find another's beans by name in the registry. Here the
 * order is the one the start needs (ports and folders first, the database migrated before
 * anything uses it, the hooks in before the stores take them) and each feature gets what it uses
 * as typed arguments.
 */
public class AdapterConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        OpsConfiguration.Folders folders = OpsConfiguration.claimPortsAndFolders(context, settings);
        RoutingConfiguration routing = new RoutingConfiguration(settings);
        MappingConfiguration.Mappings mappings = MappingConfiguration.load(context, settings);
        // every templatedRoute is checked against its local Kamelet's parameter contract as its file
        // loads, and a provider's route against its mapping
        context.getRegistry().bind("templateContracts",
                new TemplateContracts(context, provider -> mappings.registry().mappings().containsKey(provider)));
        StoreConfiguration store = StoreConfiguration.open(context, settings);
        ClusterConfiguration.Cluster cluster = ClusterConfiguration.join(context, settings);
        AdapterMetrics metrics = ObserveConfiguration.metrics(context);
        // the features whose work commits with a receipt add their hooks, then the stores open
        routing.build(context, store.database().dataSource(), store, metrics);
        PollSchedule pollSchedule = PollingConfiguration.schedule(settings, store);
        store.openStores();
        String apiToken = ApiConfiguration.token(settings, folders.dataDirectory());
        LeaderLease leaderLease = ClusterConfiguration.leaderLease(context, settings, store.database().dataSource());
        PublicHttpServer publicServer = HttpConfiguration.publicServer(context, settings);
        HealthConfiguration.bindChecks(context, settings, store.database(), cluster.member().instance(), leaderLease);
        WebhookSecurity security = WebhookSecurity.fromSettings(settings);
        WebhookGate webhookGate = IngestConfiguration.webhookGate(context, settings, security, mappings, folders.dataDirectory(),
                HttpConfiguration.webhookMethods(context));
        // the tokens kept there are checked (a token file others could write is refused): now
        // whatever an earlier run under a loose umask left is made private too
        folders.restrictAll();
        IngestConfiguration.timeWebhooks(context, metrics, mappings.engine());
        GroupCommit groupCommit = store.groupCommit(context, settings, cluster.receiptKeys(), metrics);
        IngestConfiguration.bindSteps(context, mappings.engine(), groupCommit, store, metrics);
        HttpConfiguration.bindErrorAnswers(context);
        ApiConfiguration.bindGateAndQueries(context, settings, apiToken, security, store, mappings.polled());
        PollingConfiguration.bind(context, settings, store, pollSchedule, mappings.registry(), metrics);
        ApiConfiguration.bindRegistrations(context, mappings.engine(), pollSchedule);
        routing.bind(context);
        ApiConfiguration.bindDeliveries(context, settings, routing.deliveries(), store);
        ApiConfiguration.bindOverview(context, store, mappings.registry(), mappings.polled(), metrics);
        ApiConfiguration.bindProviders(context, settings, mappings.registry(), webhookGate, mappings.polled(), metrics);
        ConsoleConfiguration.bindAssets(context);
        OpsConfiguration.startupSummary(context, settings, facts(settings, folders, mappings, store, cluster, routing,
                publicServer, webhookGate));
    }

    /** What the start-up summary tells. */
    private static StartupSummary.Facts facts(Settings settings, OpsConfiguration.Folders folders,
                                              MappingConfiguration.Mappings mappings, StoreConfiguration store,
                                              ClusterConfiguration.Cluster cluster, RoutingConfiguration routing,
                                              PublicHttpServer publicServer, WebhookGate webhookGate) {
        return new StartupSummary.Facts(
                () -> InetSocketAddress.createUnresolved(publicServer.host(), publicServer.actualPort()),
                store.database().describe(), folders.dataDirectory(),
                cluster.member().instance(), settings.list("dlr.cluster.members").size(),
                () -> mappings.registry().mappings().keySet(), mappings.polled(),
                routing.outboundTargets().keySet(), routing.jdbcSinks().names(), routing.emailAlerts().enabled(),
                mappings.reload(), webhookGate::describeSignature);
    }
}
