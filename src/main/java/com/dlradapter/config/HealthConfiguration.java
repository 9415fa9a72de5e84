package com.dlradapter.config;

import com.dlradapter.cluster.LeaderLease;
import com.dlradapter.health.ClusterHealthCheck;
import com.dlradapter.health.DatabaseHealthCheck;
import com.dlradapter.store.Database;
import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.CamelContext;

/** health/: the checks bound in the registry, served by the management server's /observe/health. */
final class HealthConfiguration {

    private HealthConfiguration() {
    }

    static void bindChecks(CamelContext context, Settings settings, Database database, HazelcastInstance cluster,
                           LeaderLease leaderLease) {
        context.getRegistry().bind("databaseHealthCheck", new DatabaseHealthCheck(database));
        context.getRegistry().bind("clusterHealthCheck", new ClusterHealthCheck(cluster,
                settings.list("dlr.cluster.members").size(), leaderLease));
    }
}
