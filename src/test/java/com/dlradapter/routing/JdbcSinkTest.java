package com.dlradapter.routing;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JDBC sink writing into a second database (an ERP's staging table), on H2 and on PostgreSQL;
 * its status filter keeps SENT out, and a sink whose database is down does not hold it up.
 */
class JdbcSinkTest {

    @TempDir
    Path data;
    @TempDir
    Path erpDirectory;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void receiptsReachTheStagingTableOfASecondDatabase(TestDatabases.Kind kind) throws Exception {
        String erpUrl = erpUrl(kind);
        try (Connection connection = connect(erpUrl, kind);
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE erp_dlr (receipt_id VARCHAR(36) PRIMARY KEY, message_id VARCHAR(255), provider VARCHAR(64),
                        status VARCHAR(16), event_type VARCHAR(64), occurred_at TIMESTAMP WITH TIME ZONE,
                        cost NUMERIC(12, 4), recipient VARCHAR(32), is_final BOOLEAN)""");
        }

        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        RunningAdapter.fastDelivery(settings);
        settings.put("dlr.jdbc-sinks", "broken,erp");
        settings.put("dlr.jdbc-sinks.broken.url", "jdbc:postgresql://127.0.0.1:" + RunningAdapter.freePort() + "/nothing");
        settings.put("dlr.jdbc-sinks.broken.username", "nobody");
        settings.put("dlr.jdbc-sinks.broken.timeout", "300ms");
        settings.put("dlr.jdbc-sinks.broken.sql", "INSERT INTO anything (id) VALUES (:#id)");
        settings.put("dlr.jdbc-sinks.erp.url", erpUrl);
        if (kind == TestDatabases.Kind.H2) {
            settings.put("dlr.jdbc-sinks.erp.username", "sa");
        }
        settings.put("dlr.jdbc-sinks.erp.statuses", "DELIVERED,FAILED");
        settings.put("dlr.jdbc-sinks.erp.providers", "zeckta");
        settings.put("dlr.jdbc-sinks.erp.sql", """
                INSERT INTO erp_dlr (receipt_id, message_id, provider, status, event_type, occurred_at, cost, recipient, is_final)
                VALUES (:#id, :#messageId, :#provider, :#status, :#type, :#occurredAt, :#cost.amount, :#recipient, :#final)""");

        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            EmailAlertTest.post(adapter, "jdbc-1", "SENT", "jdbc-m1");
            EmailAlertTest.post(adapter, "jdbc-2", "DELIVERED", "jdbc-m1");
            EmailAlertTest.post(adapter, "jdbc-3", "FAILED", "jdbc-m2");

            await().atMost(Duration.ofSeconds(20)).until(() -> rows(erpUrl, kind).size() == 2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(4)).until(() -> rows(erpUrl, kind).size() == 2);
            List<Map<String, Object>> rows = rows(erpUrl, kind);
            assertThat(rows).extracting(r -> r.get("status")).containsExactlyInAnyOrder("DELIVERED", "FAILED");
            Map<String, Object> delivered = rows.stream().filter(r -> r.get("status").equals("DELIVERED")).findFirst().orElseThrow();
            assertThat(delivered.get("message_id")).isEqualTo("jdbc-m1");
            assertThat(delivered.get("provider")).isEqualTo("zeckta");
            assertThat(delivered.get("event_type")).isEqualTo("sms.receipt.delivered");
            assertThat(delivered.get("recipient")).isEqualTo("+233202007745");
            assertThat(delivered.get("is_final")).isEqualTo(true);
            assertThat(((BigDecimal) delivered.get("cost")).compareTo(BigDecimal.ONE)).isZero();
            assertThat(((OffsetDateTime) delivered.get("occurred_at")).toInstant())
                    .isEqualTo(java.time.Instant.parse("2026-06-09T13:04:57Z"));

            // the broken sink keeps retrying its own three deliveries without holding up the erp sink
            assertThat(OutboundWebhookTest.deliveries(adapter, "pending"))
                    .allSatisfy(d -> assertThat(d.get("target").asText()).isEqualTo("broken")).hasSize(3);
            assertThat(OutboundWebhookTest.deliveries(adapter, "delivered"))
                    .allSatisfy(d -> assertThat(d.get("sink").asText()).isEqualTo("jdbc")).hasSize(2);
        }
    }

    /**
     * A round the sink refuses as one batch is written again row by row, each row in its own
     * transaction: only the row the sink refuses fails, with the driver's own words as its last
     * error, and the round's others are written once. A '#' in the statement's text is no
     * parameter; a nested field binds, and one the message lacks binds as NULL.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aRowTheSinkRefusesFailsAloneAndTheRestOfItsRoundIsWritten(TestDatabases.Kind kind) throws Exception {
        String erpUrl = erpUrl(kind);
        try (Connection connection = connect(erpUrl, kind);
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE erp_dlr (receipt_id VARCHAR(36) PRIMARY KEY,
                        message_id VARCHAR(255) CONSTRAINT no_poison CHECK (message_id <> 'poison'),
                        tag VARCHAR(16), reason_code VARCHAR(64), received_at TIMESTAMP WITH TIME ZONE, segments BIGINT)""");
        }
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routing.poll-interval", "100");
        // the three receipts are routed before the first drain: one round
        settings.put("dlr.delivery.poll-interval", "3000");
        settings.put("dlr.jdbc-sinks", "erp");
        settings.put("dlr.jdbc-sinks.erp.url", erpUrl);
        if (kind == TestDatabases.Kind.H2) {
            settings.put("dlr.jdbc-sinks.erp.username", "sa");
        }
        settings.put("dlr.jdbc-sinks.erp.sql", """
                INSERT INTO erp_dlr (receipt_id, message_id, tag, reason_code, received_at, segments)
                VALUES (:#id, :#messageId, '#dlr', :#reason.code, :#receivedAt, :#segments)""");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            EmailAlertTest.post(adapter, "row-1", "DELIVERED", "row-m1");
            EmailAlertTest.post(adapter, "row-2", "DELIVERED", "poison");
            EmailAlertTest.post(adapter, "row-3", "DELIVERED", "row-m3");

            await().atMost(Duration.ofSeconds(30)).until(() -> OutboundWebhookTest.deliveries(adapter, "delivered").size() == 2
                    && OutboundWebhookTest.deliveries(adapter, "pending").stream().anyMatch(d -> d.get("attempts").asInt() > 0));
            assertThat(OutboundWebhookTest.deliveries(adapter, "delivered")).allSatisfy(d ->
                    assertThat(d.get("attempts").asInt()).isEqualTo(1));
            String lastError = OutboundWebhookTest.deliveries(adapter, "pending").get(0).get("lastError").asText();
            assertThat(lastError).containsIgnoringCase("no_poison").doesNotContain("PreparedStatementCallback");
        }
        try (Connection connection = connect(erpUrl, kind);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT * FROM erp_dlr ORDER BY message_id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getObject("received_at", OffsetDateTime.class)).isNotNull();
                rows.add(rs.getString("message_id") + " " + rs.getString("tag") + " " + rs.getString("reason_code")
                        + " " + rs.getLong("segments"));
            }
            assertThat(rows).containsExactly("row-m1 #dlr null 1", "row-m3 #dlr null 1");
        }
    }

    /**
     * A sink's timeout bounds its statement too (camel-sql's template.queryTimeout), so a write
     * ends well within its delivery's lease: a statement that would run 10 s is cancelled after
     * 1 s, an attempt that failed, and nothing is written.
     */
    @Test
    void aStatementOutlastingTheSinksTimeoutIsCancelled() throws Exception {
        String erpUrl = TestDatabases.freshPostgresSchema();
        try (Connection connection = DriverManager.getConnection(erpUrl); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE erp_dlr (receipt_id VARCHAR(36) PRIMARY KEY)");
        }
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routing.poll-interval", "100");
        settings.put("dlr.delivery.poll-interval", "100");
        settings.put("dlr.jdbc-sinks", "erp");
        settings.put("dlr.jdbc-sinks.erp.url", erpUrl);
        settings.put("dlr.jdbc-sinks.erp.timeout", "1s");
        settings.put("dlr.jdbc-sinks.erp.sql", "INSERT INTO erp_dlr (receipt_id) SELECT :#id FROM pg_sleep(10)");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            long started = System.nanoTime();
            EmailAlertTest.post(adapter, "slow-1", "DELIVERED", "slow-m1");
            await().atMost(Duration.ofSeconds(9)).until(() -> OutboundWebhookTest.deliveries(adapter, "pending").stream()
                    .anyMatch(d -> d.get("attempts").asInt() > 0));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(9));
            assertThat(OutboundWebhookTest.deliveries(adapter, "pending").get(0).get("lastError").asText())
                    .containsIgnoringCase("cancel");
        }
        try (Connection connection = DriverManager.getConnection(erpUrl)) {
            assertThat(Sql.number(connection, "SELECT COUNT(*) FROM erp_dlr")).isZero();
        }
    }

    /**
     * Inbound headers never reach a sink: a provider (or attacker) cannot replace the configured
     * statement through Camel's SQL and JDBC headers (the CVE-2025-27636 class of injection).
     */
    @Test
    void inboundHeadersCannotSteerTheStatement() throws Exception {
        String erpUrl = "jdbc:h2:file:" + erpDirectory.resolve("erp").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (Connection connection = DriverManager.getConnection(erpUrl, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE erp_dlr (receipt_id VARCHAR(36) PRIMARY KEY, status VARCHAR(16))");
            statement.execute("INSERT INTO erp_dlr VALUES ('canary', 'KEEP')");
        }
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routing.poll-interval", "100");
        settings.put("dlr.delivery.poll-interval", "100");
        settings.put("dlr.jdbc-sinks", "erp");
        settings.put("dlr.jdbc-sinks.erp.url", erpUrl);
        settings.put("dlr.jdbc-sinks.erp.username", "sa");
        settings.put("dlr.jdbc-sinks.erp.sql", "INSERT INTO erp_dlr (receipt_id, status) VALUES (:#id, :#status)");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            HttpResponse<String> answer = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(adapter.webhook("zeckta"))))
                    .header("Content-Type", "application/json")
                    .header("CamelSqlQuery", "DELETE FROM erp_dlr")
                    .header("CamelSqlParameters", "x")
                    .header("CamelJdbcParameters", "x")
                    .header("CamelSqlRetrieveGeneratedKeys", "true")
                    .POST(HttpRequest.BodyPublishers.ofString(OutboundWebhookTest.zeckta("sql-1", "DELIVERED", "sql-m1"))));
            assertThat(answer.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> OutboundWebhookTest.deliveries(adapter, "delivered").size() == 1);
        }
        try (Connection connection = DriverManager.getConnection(erpUrl, "sa", "");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT receipt_id, status FROM erp_dlr ORDER BY status")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "=" + rs.getString(2));
            }
            assertThat(rows).hasSize(2).contains("canary=KEEP").anyMatch(row -> row.endsWith("=DELIVERED"));
        }
    }

    /** The ERP's database: an H2 file of the test's own, or a fresh schema of the test PostgreSQL. */
    private String erpUrl(TestDatabases.Kind kind) {
        return kind == TestDatabases.Kind.H2
                ? "jdbc:h2:file:" + erpDirectory.resolve("erp").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                : TestDatabases.freshPostgresSchema();
    }

    static Connection connect(String url, TestDatabases.Kind kind) throws Exception {
        return kind == TestDatabases.Kind.H2 ? DriverManager.getConnection(url, "sa", "") : DriverManager.getConnection(url);
    }

    static List<Map<String, Object>> rows(String url, TestDatabases.Kind kind) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection connection = connect(url, kind);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT * FROM erp_dlr")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String column : List.of("receipt_id", "message_id", "provider", "status", "event_type", "cost",
                        "recipient", "is_final")) {
                    row.put(column, rs.getObject(column));
                }
                row.put("occurred_at", rs.getObject("occurred_at", OffsetDateTime.class));
                rows.add(row);
            }
        }
        return rows;
    }
}
