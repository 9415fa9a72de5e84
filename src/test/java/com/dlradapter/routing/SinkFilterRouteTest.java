package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.config.RoutingConfiguration;
import com.dlradapter.config.Settings;
import com.dlradapter.http.ErrorAnswers;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDBC sinks' filters in the status router (route-event in routes/routing.yaml): camel-main
 * with just routing.yaml and errors.yaml, the real JDBC sinks step built from sink definitions as
 * {@code dlr.jdbc-sinks.*} gives them (no connection is opened: deciding reads only the filters),
 * and a mock endpoint for the decisions written. Which sinks a receipt goes to, by status and
 * provider.
 */
@CamelMainTest(
        // only this test's properties: no application.properties (no management server, no other route)
        propertyPlaceholderFileName = "sink-filter-route-test.properties",
        properties = {
                "camel.main.routes-include-pattern=file:routes/routing.yaml,file:routes/errors.yaml",
                "dlr.routing.poll-interval=1h"
        },
        replaceRouteFromWith = "routing-outbox=direct:routing-outbox",
        advices = @AdviceRouteMapping(route = "route-event", advice = SinkFilterRouteTest.MockDecisions.class))
class SinkFilterRouteTest {

    @EndpointInject("direct:route-event")
    ProducerTemplate routeEvent;

    @EndpointInject("mock:decisions")
    MockEndpoint decisions;

    @Configure
    void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(SinkSteps.class);
    }

    /** Three sinks: final outcomes only, one provider only, and everything. */
    public static class SinkSteps implements CamelConfiguration {
        @Override
        public void configure(CamelContext context) throws Exception {
            JdbcSinks sinks = JdbcSinks.of(List.of(
                    sink("ledger", List.of("DELIVERED", "FAILED", "EXPIRED"), List.of()),
                    sink("acme-erp", List.of(), List.of("acme")),
                    sink("archive", List.of(), List.of())));
            context.addService(sinks, true, true);
            EmailAlerts email = new EmailAlerts(null, RoutingConfiguration.smtp(new Settings(context)), null);
            RoutingOutbox outbox = new RoutingOutbox(null, null, email, Duration.ofMinutes(2), 100);
            OutboundWebhooks webhooks = new OutboundWebhooks(Map.of(), 1);
            context.getRegistry().bind("describeEvent", (Processor) outbox::describe);
            context.getRegistry().bind("routeToOutboundWebhooks", (Processor) webhooks::route);
            context.getRegistry().bind("routeToJdbcSinks", (Processor) sinks::route);
            context.getRegistry().bind("routeToEmailAlert", (Processor) email::route);
            context.getRegistry().bind("answerError", (Processor) new ErrorAnswers()::answer);
            // routing-outbox's database steps: its timer is replaced and nothing here sends to it
            Processor notInThisTest = exchange -> {
                throw new IllegalStateException("routing-outbox is not driven by this test");
            };
            context.getRegistry().bind("claimOutboxBatch", notInThisTest);
            context.getRegistry().bind("commitOutboxBatch", notInThisTest);
        }

        private static JdbcSinks.Definition sink(String name, List<String> statuses, List<String> providers) {
            return new JdbcSinks.Definition(name, "jdbc:h2:mem:" + name, "INSERT INTO erp_dlr (id) VALUES (:#id)",
                    "sa", "", 1, Duration.ofSeconds(5), statuses, providers);
        }
    }

    /** The decisions' note as a mock endpoint. */
    public static class MockDecisions extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToString("process[ref:noteDecisions]").replace().to("mock:decisions");
        }
    }

    @ParameterizedTest(name = "{0} {1} goes to the JDBC sinks [{2}]")
    @CsvSource({
            "zeckta, DELIVERED, 'ledger,archive'",
            "zeckta, SENT, archive",
            "acme, SENT, 'acme-erp,archive'",
            "acme, FAILED, 'ledger,acme-erp,archive'",
            "cecula, EXPIRED, 'ledger,archive'"
    })
    void aReceiptGoesToTheSinksWhoseStatusAndProviderFiltersMatch(String provider, CanonicalStatus status, String sinks)
            throws Exception {
        decisions.reset();
        decisions.expectedMessageCount(1);
        routeEvent.sendBody(receipt(provider, status));
        decisions.assertIsSatisfied();
        @SuppressWarnings("unchecked")
        List<RouteDecision> decided = decisions.getExchanges().get(0).getProperty(RoutingOutbox.DECISIONS, List.class);
        assertThat(decided).containsExactlyElementsOf(Arrays.stream(sinks.split(","))
                .map(sink -> new RouteDecision(RouteDecision.JDBC, sink)).toList());
    }

    private static RoutedEvent receipt(String provider, CanonicalStatus status) {
        String key = DeliveryReceipt.idempotencyKey(provider, null, "m-" + status, status.name(), null);
        DeliveryReceipt receipt = new DeliveryReceipt(DeliveryReceipt.idFor(key), provider, "m-" + status, null, null, null,
                status, status.isFinal(), status.name(), null, "+441111111111", "SENDER", 1, null, null, null, null,
                Instant.parse("2026-01-01T10:00:00Z"), Instant.now(), ReceiptSource.WEBHOOK);
        return new RoutedEvent(1, RoutedEvent.RECEIPT, receipt.id(), "{}", receipt, null);
    }
}
