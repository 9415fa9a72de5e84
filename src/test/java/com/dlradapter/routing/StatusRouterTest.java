package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.config.RoutingConfiguration;
import com.dlradapter.config.Settings;
import com.dlradapter.http.ErrorAnswers;
import com.dlradapter.store.MessageOverdue;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status router (routes/routing.yaml, route-event and routing-outbox) on its own: camel-main
 * with just routing.yaml and errors.yaml, the real routing steps with outbound targets' filters
 * and email alert statuses, and mock endpoints for the JDBC sinks step and the decisions written
 * (no HTTP server, no database). Which sinks an event goes to, by event, status and provider.
 */
@CamelMainTest(
        // only this test's properties: no application.properties (no management server, no other route)
        propertyPlaceholderFileName = "status-router-test.properties",
        properties = {
                "camel.main.routes-include-pattern=file:routes/routing.yaml,file:routes/errors.yaml",
                "dlr.routing.poll-interval=1h",
                "dlr.email.smtp-host=127.0.0.1",
                "dlr.email.to=ops@example.com"
        },
        replaceRouteFromWith = "routing-outbox=direct:routing-outbox",
        advices = {
                @AdviceRouteMapping(route = "route-event", advice = StatusRouterTest.MockSinkSteps.class),
                @AdviceRouteMapping(route = "routing-outbox", advice = StatusRouterTest.MockOutbox.class)
        })
class StatusRouterTest {

    @EndpointInject("direct:route-event")
    ProducerTemplate routeEvent;

    @EndpointInject("direct:routing-outbox")
    ProducerTemplate routingOutbox;

    @EndpointInject("mock:decisions")
    MockEndpoint decisions;

    @EndpointInject("mock:jdbc-sinks")
    MockEndpoint jdbcSinks;

    @EndpointInject("mock:commit")
    MockEndpoint commit;

    @Configure
    void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(RoutingStepsForTest.class);
    }

    /** The steps the router calls, real: describing the event, the outbound targets' filters, the email alert. */
    public static class RoutingStepsForTest implements CamelConfiguration {
        @Override
        public void configure(CamelContext context) {
            EmailAlerts email = new EmailAlerts(null, RoutingConfiguration.smtp(new Settings(context)), null);
            RoutingOutbox outbox = new RoutingOutbox(null, null, email, Duration.ofMinutes(2), 100);
            Map<String, OutboundTarget> targets = new LinkedHashMap<>();
            targets.put("crm", target("crm", SinkFilter.of("dlr.outbound.crm", List.of("DELIVERED", "FAILED"), List.of())));
            targets.put("billing", target("billing", SinkFilter.of("dlr.outbound.billing", List.of(), List.of("acme"))));
            targets.put("all", target("all", SinkFilter.of("dlr.outbound.all", List.of(), List.of())));
            OutboundWebhooks webhooks = new OutboundWebhooks(targets, 10);
            context.getRegistry().bind("describeEvent", (Processor) outbox::describe);
            context.getRegistry().bind("routeToOutboundWebhooks", (Processor) webhooks::route);
            context.getRegistry().bind("routeToEmailAlert", (Processor) email::route);
            context.getRegistry().bind("answerError", (Processor) new ErrorAnswers()::answer);
        }

        private static OutboundTarget target(String name, SinkFilter filter) {
            return new OutboundTarget(name, URI.create("http://127.0.0.1:9/" + name), null, filter, "json", Duration.ofSeconds(10));
        }
    }

    /** The JDBC sinks step and the decisions' note, as mock endpoints. */
    public static class MockSinkSteps extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToString("process[ref:routeToJdbcSinks]").replace().to("mock:jdbc-sinks");
            weaveByToString("process[ref:noteDecisions]").replace().to("mock:decisions");
        }
    }

    /** The outbox's database steps: the batch is the body sent in, its commit a mock endpoint. */
    public static class MockOutbox extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToString("process[ref:claimOutboxBatch]").replace().setProperty("dlrOutboxFull", constant(false));
            weaveByToString("process[ref:commitOutboxBatch]").replace().to("mock:commit");
        }
    }

    @Test
    void aReceiptGoesToTheTargetsWhoseFiltersMatchAndToTheJdbcSinksStep() throws Exception {
        decisions.expectedMessageCount(1);
        jdbcSinks.expectedMessageCount(1);
        routeEvent.sendBody(receipt("zeckta", CanonicalStatus.DELIVERED));
        MockEndpoint.assertIsSatisfied(decisions, jdbcSinks);
        assertThat(decided()).containsExactlyInAnyOrder(webhook("crm"), webhook("all"));
    }

    @Test
    void aFailedReceiptAlsoGoesToTheEmailAlertAndAProviderFilterMatchesItsProvider() throws Exception {
        decisions.expectedMessageCount(1);
        routeEvent.sendBody(receipt("acme", CanonicalStatus.FAILED));
        decisions.assertIsSatisfied();
        assertThat(decided()).containsExactlyInAnyOrder(webhook("crm"), webhook("billing"), webhook("all"),
                new RouteDecision(RouteDecision.EMAIL, "email"));
    }

    @Test
    void anOverdueMessageGoesToTheEmailAlertOnly() throws Exception {
        decisions.expectedMessageCount(1);
        jdbcSinks.expectedMessageCount(0);
        routeEvent.sendBody(overdue("acme", CanonicalStatus.SENT));
        MockEndpoint.assertIsSatisfied(decisions, jdbcSinks);
        assertThat(decided()).containsExactly(new RouteDecision(RouteDecision.EMAIL, "email"));
    }

    /**
     * A failing step is not answered as an HTTP error (routes/errors.yaml's answers are for the HTTP
     * routes only): the failure reaches routing-outbox, which keeps routing the rest of the batch.
     */
    @Test
    void aFailingEventFailsOnItsOwnAndTheRestOfTheBatchIsRouted() throws Exception {
        jdbcSinks.whenExchangeReceived(1, exchange -> {
            throw new IllegalStateException("the sink step failed");
        });
        Exchange failed = routeEvent.send(exchange -> exchange.getMessage().setBody(receipt("acme", CanonicalStatus.DELIVERED)));
        assertThat(failed.getException()).hasMessage("the sink step failed");
        assertThat(failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isNull();
        assertThat(decisions.getReceivedCounter()).isZero();

        jdbcSinks.whenExchangeReceived(3, exchange -> {
            throw new IllegalStateException("the sink step failed again");
        });
        decisions.expectedMessageCount(2);
        commit.expectedMessageCount(1);
        routingOutbox.sendBody(List.of(receipt("acme", CanonicalStatus.DELIVERED), receipt("zeckta", CanonicalStatus.FAILED),
                receipt("cecula", CanonicalStatus.DELIVERED)));
        MockEndpoint.assertIsSatisfied(decisions, commit);
    }

    @SuppressWarnings("unchecked")
    private List<RouteDecision> decided() {
        return decisions.getExchanges().get(0).getProperty(RoutingOutbox.DECISIONS, List.class);
    }

    private static RouteDecision webhook(String target) {
        return new RouteDecision(RouteDecision.WEBHOOK, target);
    }

    private static RoutedEvent receipt(String provider, CanonicalStatus status) {
        String key = DeliveryReceipt.idempotencyKey(provider, null, "m-" + status, status.name(), null);
        DeliveryReceipt receipt = new DeliveryReceipt(DeliveryReceipt.idFor(key), provider, "m-" + status, null, null, null,
                status, status.isFinal(), status.name(), null, "+441111111111", "SENDER", 1, null, null, null, null,
                Instant.parse("2026-01-01T10:00:00Z"), Instant.now(), ReceiptSource.WEBHOOK);
        return new RoutedEvent(1, RoutedEvent.RECEIPT, receipt.id(), "{}", receipt, null);
    }

    private static RoutedEvent overdue(String provider, CanonicalStatus lastStatus) {
        Instant now = Instant.now();
        return new RoutedEvent(2, RoutedEvent.OVERDUE, provider + "/m1", "{}", null,
                new MessageOverdue(provider, "m1", null, null, "+441111111111", lastStatus, now.minus(Duration.ofDays(3)), now));
    }
}
