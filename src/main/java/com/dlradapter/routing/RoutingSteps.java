package com.dlradapter.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.LifecycleStrategySupport;

import java.util.Collection;

/**
 * The steps of routes/routing.yaml, routes/deliveries.yaml and routes/jdbc-sink-template.yaml,
 * bound in the registry as plain processors ({@code process: ref: ...}): no bean method is looked
 * up and called by reflection, and no OGNL expression evaluated, per routed event or per delivery. The routes keep the
 * decisions (choice and filter on exchange properties); these steps only do the work.
 *
 * <p>When no event can enter routing ({@link RoutingInterest#any()} is false: no outbound target,
 * no JDBC sink, email alerts off and {@code dlr.routing.all-events} false), the
 * {@code routing-outbox} route is not started: its timer would only ever find the outbox empty.
 */
public final class RoutingSteps extends LifecycleStrategySupport {

    /** The route that drains the routing outbox (routes/routing.yaml). */
    static final String OUTBOX_ROUTE = "routing-outbox";

    private final RoutingInterest interest;

    private RoutingSteps(RoutingInterest interest) {
        this.interest = interest;
    }

    /** Binds every step under the name the routes use, and keeps the outbox route stopped when nothing is routed. */
    public static void install(CamelContext context, RoutingInterest interest, RoutingOutbox outbox,
                               OutboundWebhooks webhooks, JdbcSinks jdbcSinks, EmailAlerts emailAlerts,
                               Deliveries deliveries, DeliveryRounds rounds) {
        Registry registry = context.getRegistry();
        // routes/routing.yaml: per batch
        registry.bind("claimOutboxBatch", (Processor) outbox::claim);
        registry.bind("commitOutboxBatch", (Processor) outbox::commit);
        // routes/routing.yaml: per event
        registry.bind("describeEvent", (Processor) outbox::describe);
        registry.bind("routeToOutboundWebhooks", (Processor) webhooks::route);
        registry.bind("routeToJdbcSinks", (Processor) jdbcSinks::route);
        registry.bind("routeToEmailAlert", (Processor) emailAlerts::route);
        registry.bind("noteDecisions", (Processor) outbox::complete);
        // routes/deliveries.yaml: per drain and per round
        registry.bind("idleDeliveryTargets", (Processor) rounds::startIdle);
        registry.bind("beginDrain", (Processor) rounds::begin);
        registry.bind("claimRound", (Processor) rounds::claim);
        registry.bind("recordRound", (Processor) rounds::record);
        registry.bind("endDrain", (Processor) rounds::drained);
        // routes/deliveries.yaml: per delivery
        registry.bind("prepareWebhook", (Processor) webhooks::prepare);
        registry.bind("webhookAnswered", (Processor) webhooks::answered);
        registry.bind("webhookAttemptFailed", (Processor) rounds::attemptFailed);
        // routes/deliveries.yaml: hourly
        registry.bind("purgeDeliveries", (Processor) exchange -> deliveries.purge());
        registry.bind("failUnconfiguredDeliveries", (Processor) exchange -> rounds.failUnconfigured());
        // routes/jdbc-sink-template.yaml: the sinks' pools, statements, steps and routes
        jdbcSinks.bind(registry);
        context.addLifecycleStrategy(new RoutingSteps(interest));
    }

    /** The outbox route is marked not to start while no event can enter routing (a reloaded one alike). */
    @Override
    public void onRoutesAdd(Collection<Route> routes) {
        if (interest.any()) {
            return;
        }
        for (Route route : routes) {
            if (OUTBOX_ROUTE.equals(route.getRouteId())) {
                route.setAutoStartup(false);
            }
        }
    }
}
