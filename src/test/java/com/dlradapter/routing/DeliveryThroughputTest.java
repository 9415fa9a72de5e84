package com.dlradapter.routing;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.TestDatabases.Kind;
import com.dlradapter.support.WebhookReceiver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outbound deliveries keep up with ingest: a burst of receipts reaches one outbound target (a
 * receiver on 127.0.0.1 that answers at once) and one JDBC sink well within a bound that
 * per-delivery polling (10 deliveries a second per target) could never meet, each exactly once.
 * The bound is generous for this noisy machine; the rate reached is printed.
 */
class DeliveryThroughputTest {

    private static final int RECEIPTS = 2_500;
    /** 2,500 deliveries at the old 10 per second would take over four minutes. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path data;
    @TempDir
    Path erpDirectory;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBurstReachesAnOutboundTargetAtTheRateItWasStored(Kind kind) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.started(OutboundWebhookTest.SECRET)) {
            Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
            settings.put("dlr.outbound.targets", "erp");
            settings.put("dlr.outbound.erp.url", receiver.url("/erp"));
            settings.put("dlr.outbound.erp.secret", OutboundWebhookTest.SECRET);
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                long started = System.nanoTime();
                postBurst(adapter, "rate");
                long posted = System.nanoTime();
                await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                        .until(() -> receiver.acceptedCounts().size() == RECEIPTS);
                report(kind + " outbound webhook", started, posted);
                assertThat(receiver.acceptedCounts().values()).allMatch(count -> count == 1);
                assertThat(receiver.received()).allMatch(WebhookReceiver.Received::signatureValid);
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        OutboundWebhookTest.deliveries(adapter, "pending").isEmpty());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBurstReachesAJdbcSinkAtTheRateItWasStored(Kind kind) throws Exception {
        String erpUrl = kind == Kind.H2
                ? "jdbc:h2:file:" + erpDirectory.resolve("erp").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                : TestDatabases.freshPostgresSchema();
        try (Connection connection = erp(erpUrl, kind); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE erp_dlr (receipt_id VARCHAR(36) PRIMARY KEY, message_id VARCHAR(255), status VARCHAR(16))");
        }
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.jdbc-sinks", "erp");
        settings.put("dlr.jdbc-sinks.erp.url", erpUrl);
        if (kind == Kind.H2) {
            settings.put("dlr.jdbc-sinks.erp.username", "sa");
        }
        settings.put("dlr.jdbc-sinks.erp.sql",
                "INSERT INTO erp_dlr (receipt_id, message_id, status) VALUES (:#id, :#messageId, :#status)");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            long started = System.nanoTime();
            postBurst(adapter, "sink");
            long posted = System.nanoTime();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> count(erpUrl, kind) >= RECEIPTS);
            report(kind + " JDBC sink", started, posted);
            assertThat(count(erpUrl, kind)).isEqualTo(RECEIPTS);
        }
    }

    /** Distinct receipts from 16 concurrent clients; every one answered 200. */
    private static void postBurst(RunningAdapter adapter, String prefix) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < RECEIPTS; i++) {
                String n = prefix + "-" + i;
                answers.add(clients.submit(() -> adapter.post(adapter.webhook("zeckta"),
                        Payloads.zeckta(n, "MESSAGE_DELIVERED", "DELIVERED", n))));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
            }
        } finally {
            clients.shutdown();
        }
    }

    private static void report(String what, long started, long posted) {
        long done = System.nanoTime();
        System.out.printf("%s: %d receipts posted in %.1f s, all delivered %.1f s after the first was posted (%.0f/s)%n",
                what, RECEIPTS, (posted - started) / 1e9, (done - started) / 1e9, RECEIPTS / ((done - started) / 1e9));
    }

    private static Connection erp(String url, Kind kind) throws Exception {
        return kind == Kind.H2 ? DriverManager.getConnection(url, "sa", "") : DriverManager.getConnection(url);
    }

    private static long count(String url, Kind kind) throws Exception {
        try (Connection connection = erp(url, kind)) {
            return Sql.number(connection, "SELECT COUNT(*) FROM erp_dlr");
        }
    }
}
