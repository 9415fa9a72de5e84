package com.dlradapter.config;

import com.dlradapter.cluster.LeaderLease;
import com.dlradapter.cluster.LeaderRoutePolicy;
import com.dlradapter.cluster.ReceiptKeyRepository;
import org.apache.camel.CamelContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * cluster/: the adapter's own Hazelcast member and the receipt keys it shares, and the leader
 * lease in the shared database for the work that must run on exactly one node.
 */
final class ClusterConfiguration {

    /** The started member and the idempotent repository of receipt keys in its map. */
    record Cluster(ClusterMember member, ReceiptKeyRepository receiptKeys) {
    }

    private ClusterConfiguration() {
    }

    /** The member, started (it joins the configured members now), and the receipt keys in its map. */
    static Cluster join(CamelContext context, Settings settings) throws Exception {
        ClusterMember cluster = new ClusterMember(
                settings.text("dlr.cluster.name", "dlr-adapter"),
                settings.text("dlr.cluster.interface", "127.0.0.1"),
                settings.integer("dlr.cluster.port", 5701),
                settings.list("dlr.cluster.members"),
                settings.duration("dlr.idempotency.ttl", Duration.ofHours(72)));
        context.addService(cluster, true, true);
        cluster.start();
        ReceiptKeyRepository receiptKeys = new ReceiptKeyRepository(cluster.instance().getMap(ClusterMember.RECEIPT_KEYS_MAP));
        context.getRegistry().bind("hazelcastInstance", cluster.instance());
        context.getRegistry().bind("receiptKeys", receiptKeys);
        return new Cluster(cluster, receiptKeys);
    }

    /** Work that must run on exactly one node takes the leader lease; routes ask {@code leaderOnly}. */
    static LeaderLease leaderLease(CamelContext context, Settings settings, DataSource dataSource) throws Exception {
        LeaderLease leaderLease = new LeaderLease(context, dataSource, "singleton",
                settings.text("dlr.cluster.node-id", defaultNodeId(settings)),
                settings.duration("dlr.cluster.lease-ttl", Duration.ofSeconds(15)),
                settings.duration("dlr.cluster.lease-renew", Duration.ofSeconds(5)));
        context.addService(leaderLease, true, true);
        context.getRegistry().bind("leaderLease", leaderLease);
        context.getRegistry().bind("leaderOnly", new LeaderRoutePolicy(leaderLease));
        return leaderLease;
    }

    /** host:http-port plus a random suffix: unique even for two nodes started on one host. */
    private static String defaultNodeId(Settings settings) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + settings.text("dlr.http.port", "8080") + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
