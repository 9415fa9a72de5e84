package com.dlradapter.ops;

import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One screen at the end of the start, instead of Camel's route and endpoint lists: what runs and
 * where it listens (the addresses the servers really bound: the public server's
 * {@code dlr.http.host} and port, the management server's {@code dlr.management.host} and port),
 * the database, the data folder, the cluster, each provider and whether it is polled, and where
 * receipts are routed.
 */
public class StartupSummary implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSummary.class);

    /**
     * What the summary tells, gathered by the configuration; {@code publicServer} is the public
     * server's bound address (host as configured, the port it really listens on), asked once it listens;
     * {@code signatures}: how a provider's callbacks are signed, in a phrase (a missing secret said
     * loudly), null for an unsigned one.
     */
    public record Facts(Supplier<InetSocketAddress> publicServer, String database, Path dataFolder, HazelcastInstance cluster, int configuredMembers,
                        Supplier<Collection<String>> providers, Predicate<String> polled,
                        Collection<String> outboundTargets, Collection<String> jdbcSinks, boolean emailAlerts,
                        boolean reload, Function<String, String> signatures) {
    }

    /**
     * The settings the summary quotes: the management address as configured (shown if the
     * management server is not running), the polling cron, which providers have a status API,
     * and the mappings folder.
     */
    public record Configured(String managementHost, int managementPort, String pollingCron, Predicate<String> statusApi,
                           String mappingsDir) {
    }

    private final Configured settings;
    private final Facts facts;
    private final AtomicBoolean told = new AtomicBoolean();

    public StartupSummary(Configured settings, Facts facts) {
        this.settings = settings;
        this.facts = facts;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the summary is written once everything has started: onCamelContextFullyStarted
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (told.compareAndSet(false, true)) {
            LOG.info("{}", text(context));
        }
    }

    String text(CamelContext context) {
        StringBuilder out = new StringBuilder();
        double seconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        out.append(String.format(Locale.ROOT, "dlr-adapter is up (%.1f s)", seconds));
        InetSocketAddress publicServer = facts.publicServer().get();
        line(out, "webhooks, admin API", url(publicServer.getHostString(), publicServer.getPort())
                + "/webhooks/<provider>, /api/**" + allInterfaces(publicServer.getHostString()) + "  [dlr.http.host, dlr.http.port]");
        // camel.server is off: the one platform-http server Camel runs is the management server
        VertxPlatformHttpServer management = context.hasService(VertxPlatformHttpServer.class);
        String managementHost = management != null ? management.getHost() : settings.managementHost();
        int managementPort = management != null ? management.getPort() : settings.managementPort();
        line(out, "health, metrics", url(managementHost, managementPort)
                + "/observe/health, /observe/health/ready, /observe/metrics" + allInterfaces(managementHost)
                + "  [dlr.management.host, dlr.management.port]");
        line(out, "database", facts.database());
        line(out, "data folder", facts.dataFolder().toAbsolutePath().normalize() + " (owner-only)");
        String member = facts.cluster().getCluster().getLocalMember().getAddress().toString();
        line(out, "cluster", "Hazelcast member " + member + " of '" + facts.cluster().getConfig().getClusterName() + "', "
                + facts.cluster().getCluster().getMembers().size() + " member(s) now"
                + (facts.configuredMembers() > 0 ? ", " + facts.configuredMembers() + " other(s) configured" : ", alone"));
        List<String> providers = facts.providers().get().stream().sorted().toList();
        String cron = settings.pollingCron();
        for (int i = 0; i < providers.size(); i++) {
            String provider = providers.get(i);
            String polling = facts.polled().test(provider) ? "polled (cron " + cron + ")"
                    : settings.statusApi().test(provider) ? "not polled (no polling route)"
                    : "not polled (no dlr.providers." + provider + ".base-url)";
            String signature = facts.signatures().apply(provider);
            line(out, i == 0 ? "providers" : "", provider + ": webhook /webhooks/" + provider + ", " + polling
                    + (signature == null ? "" : ", " + signature));
        }
        if (providers.isEmpty()) {
            line(out, "providers", "none (no mapping in " + settings.mappingsDir() + ")");
        }
        line(out, "routing", "outbound webhooks " + names(facts.outboundTargets()) + ", JDBC sinks " + names(facts.jdbcSinks())
                + ", email alerts " + (facts.emailAlerts() ? "on" : "off (no dlr.email.smtp-host)"));
        line(out, "hot reload", facts.reload() ? "on (routes/ and mappings/)" : "off");
        return out.toString();
    }

    private static String url(String host, int port) {
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static String allInterfaces(String host) {
        return "0.0.0.0".equals(host) || "::".equals(host) || "0:0:0:0:0:0:0:0".equals(host) ? " (all interfaces)" : "";
    }

    private static String names(Collection<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static void line(StringBuilder out, String what, String value) {
        out.append(System.lineSeparator()).append(String.format(Locale.ROOT, "  %-20s %s", what, value));
    }
}
