package com.dlradapter.config;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.support.service.ServiceSupport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * The adapter's own Hazelcast member. Camel is never left to create a default instance: that one
 * deserialises anything (CVE-2026-43865). This one has its own cluster name, binds only to the
 * configured interface, joins only the listed members over TCP/IP (no multicast), and allows Java
 * deserialisation of nothing but a short allow-list (see {@link #deserialisationFilter()}).
 */
public class ClusterMember extends ServiceSupport {

    /** The map behind the idempotent repository of receipt keys. */
    public static final String RECEIPT_KEYS_MAP = "dlr-receipt-keys";

    private final Config config;
    private HazelcastInstance instance;

    public ClusterMember(String clusterName, String bindInterface, int port, List<String> members, Duration keyTtl) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName + "-" + bindInterface + "-" + port);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");   // Camel stops the member
        config.setProperty("hazelcast.socket.bind.any", "false");
        if (members.isEmpty()) {
            config.setProperty("hazelcast.wait.seconds.before.join", "0");  // alone: start at once
        }

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(bindInterface);
        network.getRestApiConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(members);

        // Hazelcast's own map TTL: the receipt keys expire after dlr.idempotency.ttl. The map is a
        // cache in front of the database's unique key, written for every receipt: no statistics,
        // and its copy on another member is made asynchronously.
        config.getMapConfig(RECEIPT_KEYS_MAP)
                .setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, keyTtl.toSeconds()))
                .setStatisticsEnabled(false)
                .setPerEntryStatsEnabled(false)
                .setBackupCount(0)
                .setAsyncBackupCount(1);
        // nothing reads Hazelcast's own metrics (health asks the member directly): do not collect them
        config.getMetricsConfig().setEnabled(false);

        config.getSerializationConfig().setJavaSerializationFilterConfig(deserialisationFilter());
        this.config = config;
    }

    /**
     * Java deserialisation is allowed for the listed classes only. Hazelcast's default allow-list
     * (every java*, javax* and com.hazelcast.* class) is off: it admits the JDK classes gadget chains
     * are built from. Receipt keys (String) and their flags (Boolean) travel with Hazelcast's own
     * serializers; what does travel by Java serialisation between members is an operation's error
     * (e.g. WrongTargetException during a migration): without it a map call on another member
     * fails instead of being retried. So Hazelcast's own classes are allowed (not the third-party
     * libraries it bundles under com.hazelcast.shaded), plus the JDK types of a Throwable's serial
     * form and of the JDK superclasses of Hazelcast's exceptions.
     */
    static JavaSerializationFilterConfig deserialisationFilter() {
        return new JavaSerializationFilterConfig()
                .setDefaultsDisabled(true)
                .setBlacklist(new ClassFilter().addPrefixes("com.hazelcast.shaded."))
                .setWhitelist(new ClassFilter()
                        .addClasses(String.class.getName(), Boolean.class.getName(), Long.class.getName())
                        .addPrefixes("com.hazelcast.")
                        .addClasses(Throwable.class.getName(), Exception.class.getName(), Error.class.getName(),
                                RuntimeException.class.getName(), IllegalArgumentException.class.getName(),
                                IllegalStateException.class.getName(), IllegalMonitorStateException.class.getName(),
                                IOException.class.getName(), ExecutionException.class.getName(),
                                CancellationException.class.getName(),
                                StackTraceElement.class.getName(), StackTraceElement[].class.getName(),
                                // Throwable.suppressedExceptions: the empty sentinel, or a list
                                Collections.emptyList().getClass().getName(), ArrayList.class.getName()));
    }

    public Config config() {
        return config;
    }

    public HazelcastInstance instance() {
        if (instance == null) {
            throw new IllegalStateException("the cluster member is not started");
        }
        return instance;
    }

    @Override
    protected void doStart() {
        if (instance == null) {
            instance = Hazelcast.newHazelcastInstance(config);
        }
    }

    @Override
    protected void doStop() {
        if (instance != null) {
            instance.shutdown();
            instance = null;
        }
    }
}
