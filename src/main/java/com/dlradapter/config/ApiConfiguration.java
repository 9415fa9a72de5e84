package com.dlradapter.config;

import com.dlradapter.api.ApiToken;
import com.dlradapter.api.DeadLetterReplay;
import com.dlradapter.api.DeliveryApi;
import com.dlradapter.api.MessageSearchApi;
import com.dlradapter.api.OpenApiDocument;
import com.dlradapter.api.OverviewApi;
import com.dlradapter.api.ProvidersApi;
import com.dlradapter.api.QueryApi;
import com.dlradapter.api.RegistrationApi;
import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.ops.PolledProviders;
import com.dlradapter.polling.PollSchedule;
import com.dlradapter.routing.Deliveries;
import com.dlradapter.routing.DeliveryBoard;
import com.dlradapter.store.MessageQuery;
import com.dlradapter.store.MessageSearch;
import com.dlradapter.store.ReceiptFlow;
import org.apache.camel.CamelContext;

import java.nio.file.Path;
import java.time.Duration;

/** api/: the admin API under /api/** (its token, the queries, registrations, deliveries, dead-letter replay). */
final class ApiConfiguration {

    private ApiConfiguration() {
    }

    /** {@code dlr.api.token}, or the one kept (generated at first start) in the data folder. */
    static String token(Settings settings, Path dataDirectory) {
        return ApiToken.resolve(settings.optional("dlr.api.token").orElse(null), dataDirectory);
    }

    /** The gate (token, failed-authentication limit shared with the webhooks) and the replay and query endpoints. */
    static void bindGateAndQueries(CamelContext context, Settings settings, String token, WebhookSecurity security,
                                   StoreConfiguration store, PolledProviders polled) {
        var registry = context.getRegistry();
        registry.bind("deadLetterReplay", new DeadLetterReplay(store.deadLetters(), store.database(), replayBudget(settings)));
        registry.bind("apiGate", security.apiGate(token));
        registry.bind("queryApi", new QueryApi(new MessageQuery(store.database().dataSource(), polled), store.deadLetters()));
        registry.bind("messageSearchApi", new MessageSearchApi(new MessageSearch(store.database().dataSource())));
    }

    /**
     * How long one replay-all (or retry-all) request works: half the request timeout, so it
     * answers in time; a minute when the request timeout is off.
     */
    static Duration replayBudget(Settings settings) {
        Duration requestTimeout = settings.duration("dlr.http.request-timeout", Duration.ofSeconds(30));
        return requestTimeout.isZero() || requestTimeout.isNegative() ? Duration.ofMinutes(1) : requestTimeout.dividedBy(2);
    }

    /** The Overview page's one endpoint, and the OpenAPI document. */
    static void bindOverview(CamelContext context, StoreConfiguration store, MappingRegistry mappings,
                             PolledProviders polled, AdapterMetrics metrics) {
        var dataSource = store.database().dataSource();
        context.getRegistry().bind("openApiDocument", new OpenApiDocument());
        context.getRegistry().bind("overviewApi", new OverviewApi(new ReceiptFlow(dataSource), store.deadLetters(),
                new DeliveryBoard(dataSource), mappings, polled, metrics));
    }

    /** The Providers page's endpoint: webhook URLs from {@code dlr.http.public-base-url} (else the request's host). */
    static void bindProviders(CamelContext context, Settings settings, MappingRegistry mappings, WebhookGate webhookGate,
                              PolledProviders polled, AdapterMetrics metrics) {
        context.getRegistry().bind("providersApi", new ProvidersApi(mappings, webhookGate::access, webhookGate::signature, polled, metrics,
                settings.optional("dlr.http.public-base-url").orElse(null)));
    }

    static void bindRegistrations(CamelContext context, MappingEngine engine, PollSchedule pollSchedule) {
        context.getRegistry().bind("registrationApi", new RegistrationApi(engine, pollSchedule));
    }

    static void bindDeliveries(CamelContext context, Settings settings, Deliveries deliveries, StoreConfiguration store) {
        context.getRegistry().bind("deliveryApi", new DeliveryApi(deliveries,
                new DeliveryBoard(store.database().dataSource()), replayBudget(settings)));
    }
}
