package com.dlradapter.routing;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases.Kind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fewest rows per receipt: a receipt leaves routing work (an outbox row) only when a configured
 * sink could take it, and none at all when no sink is configured; dlr.routing.all-events routes
 * every receipt, for a sink an architect adds to routes/routing.yaml. The outbox is not drained
 * here (a poll interval of an hour), so every row written stays to be counted. H2 and PostgreSQL.
 */
class RoutingInterestTest {

    @TempDir
    Path data;

    private Map<String, String> settings(Kind kind) {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.routing.poll-interval", "3600000");
        return settings;
    }

    /** One receipt of each of these Zeckta statuses (canonical: SENT, DELIVERED, FAILED, EXPIRED, UNDELIVERED). */
    private static final List<String> STATUSES = List.of("SENT", "DELIVERED", "FAILED", "EXPIRED", "UNDELIVERABLE");

    private static void postEach(RunningAdapter adapter, String prefix) {
        for (String status : STATUSES) {
            for (int i = 0; i < 4; i++) {
                String id = prefix + "-" + status + "-" + i;
                assertThat(adapter.post(adapter.webhook("zeckta"),
                        Payloads.zeckta(id, "MESSAGE_" + status, status, id)).statusCode()).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void withNoSinkConfiguredStoringAReceiptWritesNoRoutingWork(Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(settings(kind))) {
            postEach(adapter, "none");
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            assertThat(Sql.number(dataSource, "SELECT COUNT(*) FROM receipt_event")).isEqualTo(20);
            assertThat(Sql.number(dataSource, "SELECT COUNT(*) FROM routing_outbox")).isZero();
            // nothing can be routed: the outbox is not polled at all
            assertThat(adapter.context().getRouteController().getRouteStatus("routing-outbox"))
                    .isEqualTo(org.apache.camel.ServiceStatus.Stopped);
            // a route left stopped on purpose keeps readiness UP
            assertThat(adapter.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(adapter.managementUrl("/observe/health/ready"))).GET()).statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void onlyReceiptsAConfiguredSinkWantsEnterRouting(Kind kind) throws Exception {
        Map<String, String> settings = settings(kind);
        // an outbound target for DELIVERED only, and email alerts (default statuses: final failures)
        settings.put("dlr.outbound.targets", "erp");
        settings.put("dlr.outbound.erp.url", "http://127.0.0.1:" + RunningAdapter.freePort() + "/erp");
        settings.put("dlr.outbound.erp.secret", OutboundWebhookTest.SECRET);
        settings.put("dlr.outbound.erp.statuses", "DELIVERED");
        settings.put("dlr.email.smtp-host", "127.0.0.1");
        settings.put("dlr.email.smtp-port", String.valueOf(RunningAdapter.freePort()));
        settings.put("dlr.email.to", "ops@example.com");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            postEach(adapter, "some");
            assertThat(routedStatuses(adapter.bean("dataSource", DataSource.class)))
                    .containsExactlyInAnyOrder("DELIVERED", "FAILED", "EXPIRED", "UNDELIVERED");
            assertThat(adapter.context().getRouteController().getRouteStatus("routing-outbox"))
                    .isEqualTo(org.apache.camel.ServiceStatus.Started);
            assertPlainSteps(adapter.context());
        }
    }

    /**
     * The routing and delivery routes call their steps as plain processors: no bean step (a method
     * looked up and called by reflection) and no OGNL method call in an expression, per routed
     * event or per delivery.
     */
    private static void assertPlainSteps(org.apache.camel.CamelContext context) {
        org.apache.camel.model.Model model = context.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class);
        for (String id : List.of("routing-outbox", "route-event", "deliveries", "drain-target", "deliver-webhook",
                "deliver-jdbc", "delivery-retention")) {
            // (the global error handler of routes/errors.yaml, copied into every route, runs on errors only)
            String route = model.getRouteDefinition(id).toString().replace("Bean[ref:errorAnswers method:answer]", "");
            assertThat(route).as(id).doesNotContain("Bean[");
            if (!id.equals("deliver-jdbc")) {   // a hand-off (toD) to the sink's own camel-sql route
                assertThat(route).as(id).contains("process[ref:");
            }
            java.util.regex.Matcher simple = java.util.regex.Pattern.compile("simple\\{([^}]*)}").matcher(route);
            while (simple.find()) {
                assertThat(simple.group(1)).as(id + ": " + simple.group()).doesNotContain("(");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void allEventsRoutesEveryReceiptForASinkOfTheArchitectsOwn(Kind kind) throws Exception {
        Map<String, String> settings = settings(kind);
        settings.put("dlr.routing.all-events", "true");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            postEach(adapter, "all");
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            assertThat(Sql.number(dataSource, "SELECT COUNT(*) FROM routing_outbox")).isEqualTo(20);
            assertThat(routedStatuses(dataSource)).containsExactlyInAnyOrder("SENT", "DELIVERED", "FAILED", "EXPIRED", "UNDELIVERED");
            assertThat(adapter.context().getRouteController().getRouteStatus("routing-outbox"))
                    .isEqualTo(org.apache.camel.ServiceStatus.Started);
        }
    }

    /** The canonical statuses that have outbox rows, each once per 4 receipts. */
    private static List<String> routedStatuses(DataSource dataSource) throws Exception {
        List<String> statuses = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT e.status, COUNT(*) FROM routing_outbox o "
                     + "JOIN receipt_event e ON e.id = o.source_id GROUP BY e.status")) {
            while (rs.next()) {
                assertThat(rs.getLong(2)).as(rs.getString(1)).isEqualTo(4);
                statuses.add(rs.getString(1));
            }
        }
        return statuses;
    }
}
