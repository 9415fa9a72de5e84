package com.dlradapter.health;

import com.dlradapter.cluster.LeaderLease;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.Set;

/**
 * The adapter's Hazelcast member: up while it runs, with the cluster's size and members, and how
 * many members are configured, and whether this node holds the leader lease (runs the work that
 * runs on one node only). A node alone in a cluster of several configured members still
 * works (the database settles duplicates) but the detail shows it, for operations to see a split.
 */
public class ClusterHealthCheck extends AbstractHealthCheck {

    private final HazelcastInstance instance;
    private final int configuredMembers;
    private final LeaderLease lease;

    public ClusterHealthCheck(HazelcastInstance instance, int configuredMembers, LeaderLease lease) {
        super("dlr", "hazelcast");
        this.instance = instance;
        this.configuredMembers = configuredMembers;
        this.lease = lease;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!instance.getLifecycleService().isRunning()) {
            builder.message("the Hazelcast member is not running").down();
            return;
        }
        Set<Member> members = instance.getCluster().getMembers();
        builder.detail("cluster.name", instance.getConfig().getClusterName());
        builder.detail("cluster.size", members.size());
        builder.detail("cluster.configuredMembers", configuredMembers);
        builder.detail("member", instance.getCluster().getLocalMember().getAddress().toString());
        builder.detail("leader", lease.isLeader());
        builder.detail("node", lease.holder());
        builder.up();
    }
}
