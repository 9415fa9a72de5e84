package com.dlradapter.cluster;

import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A route policy for routes that must run on exactly one node: their consumers run only while
 * this node holds the leader lease, start when it gains it and stop when it loses it. Use it in
 * YAML with {@code routePolicy: "#leaderOnly"}.
 */
public class LeaderRoutePolicy extends RoutePolicySupport implements LeaderLease.Listener {

    private final LeaderLease lease;
    private final Set<Route> routes = new CopyOnWriteArraySet<>();

    public LeaderRoutePolicy(LeaderLease lease) {
        this.lease = lease;
        lease.addListener(this);
    }

    @Override
    public synchronized void onStart(Route route) {
        routes.add(route);
        if (!lease.isLeader()) {
            switchConsumer(route, false);
        }
    }

    @Override
    public void onStop(Route route) {
        routes.remove(route);
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
    }

    @Override
    public synchronized void leadershipChanged(boolean leader) {
        for (Route route : routes) {
            switchConsumer(route, leader);
        }
    }

    private void switchConsumer(Route route, boolean run) {
        try {
            if (run) {
                startConsumer(route.getConsumer());
            } else {
                stopConsumer(route.getConsumer());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot " + (run ? "start" : "stop") + " route " + route.getRouteId(), e);
        }
    }
}
