package com.dlradapter.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;

/**
 * The steps of routes/routing.yaml and routes/deliveries.yaml, bound in the registry as plain
 * processors ({@code process: ref: ...}): no bean method is looked up and called by reflection,
 * and no OGNL expression evaluated, per routed event or per delivery. The routes keep the
 * decisions (choice and filter on exchange properties); these steps only do the work.
 */
public final class RoutingSteps {

    private RoutingSteps() {
    }

    /** Binds every step under the name the routes use. */
    public static void install(CamelContext context, RoutingOutbox outbox,
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
        registry.bind("writeJdbcRound", (Processor) jdbcSinks::write);
        // routes/deliveries.yaml: per delivery
        registry.bind("prepareWebhook", (Processor) webhooks::prepare);
        registry.bind("webhookAnswered", (Processor) webhooks::answered);
        registry.bind("webhookAttemptFailed", (Processor) rounds::attemptFailed);
        // routes/deliveries.yaml: hourly
        registry.bind("purgeDeliveries", (Processor) exchange -> deliveries.purge());
        registry.bind("failUnconfiguredDeliveries", (Processor) exchange -> rounds.failUnconfigured());
    }
}
