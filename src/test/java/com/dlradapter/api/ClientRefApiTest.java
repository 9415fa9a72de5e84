package com.dlradapter.api;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.WebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sender's own reference ({@code clientRef}) end to end, on H2 and PostgreSQL: a provider's
 * webhook names it (the test-only mapping src/test/resources/shape-mappings/refsms.yaml, Vonage's
 * {@code client-ref} style), the message and each history event show it, the search finds the
 * messages of one reference page by page, a registration keeps it (also for a message whose first
 * receipt came first), and the outbound envelope (JSON and form) and a JDBC sink's
 * {@code :#clientRef} carry it.
 */
class ClientRefApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("test-secret-0123456789".getBytes());
    private static final String FORM = "application/x-www-form-urlencoded";

    @TempDir
    Path data;
    @TempDir
    Path routes;
    @TempDir
    Path mappings;
    @TempDir
    Path erpDirectory;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theSendersReferenceIsStoredSearchedRegisteredAndRouted(TestDatabases.Kind kind) throws Exception {
        ShippedFiles.copyRoutes(routes);
        Files.writeString(routes.resolve("refsms.yaml"), Files.readString(Path.of("routes/acme.yaml")).replace("acme", "refsms"));
        ShippedFiles.copyMappings(mappings);
        Files.copy(Path.of("src/test/resources/shape-mappings/refsms.yaml"), mappings.resolve("refsms.yaml"));
        String erpUrl = kind == TestDatabases.Kind.H2
                ? "jdbc:h2:file:" + erpDirectory.resolve("erp").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                : TestDatabases.freshPostgresSchema();
        try (Connection connection = erp(erpUrl, kind); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE erp_dlr (receipt_id VARCHAR(36) PRIMARY KEY, message_id VARCHAR(255), client_ref VARCHAR(255))");
        }

        try (WebhookReceiver receiver = WebhookReceiver.started(SECRET);
             RunningAdapter adapter = RunningAdapter.start(settings(kind, receiver, erpUrl))) {
            // r-1: its first receipt names no reference, the second names one, the third another
            receipt(adapter, "messageId=r-1&status=accepted");
            receipt(adapter, "messageId=r-1&status=sent&client-ref=%20order-42%20");
            receipt(adapter, "messageId=r-1&status=delivered&client-ref=order-other");
            // r-2: registered with the reference before any receipt; r-3: its receipt beat the registration
            assertThat(register(adapter, "{\"provider\": \"refsms\", \"messageId\": \"r-2\", \"batchId\": \"b-1\", "
                    + "\"clientRef\": \" order-42 \"}").statusCode()).isEqualTo(201);
            receipt(adapter, "messageId=r-3&status=sent");
            // (201 or 200: whether its tracking starts now is not this test's concern)
            assertThat(register(adapter, "{\"provider\": \"refsms\", \"messageId\": \"r-3\", \"clientRef\": \"order-42\"}")
                    .statusCode()).isIn(200, 201);
            receipt(adapter, "messageId=r-4&status=sent&client-ref=order-7");

            // the message: the first reference it learned; each event: the one it came with
            JsonNode r1 = adapter.getJson("/api/messages/refsms/r-1");
            assertThat(r1.get("clientRef").asText()).isEqualTo("order-42");
            assertThat(r1.get("history")).hasSize(3);
            assertThat(r1.get("history").get(0).get("clientRef").isNull()).isTrue();
            assertThat(r1.get("history").get(1).get("clientRef").asText()).isEqualTo("order-42");
            assertThat(r1.get("history").get(2).get("clientRef").asText()).isEqualTo("order-other");
            JsonNode r2 = adapter.getJson("/api/messages/refsms/r-2");
            assertThat(r2.get("clientRef").asText()).isEqualTo("order-42");
            assertThat(r2.get("batchId").asText()).isEqualTo("b-1");
            assertThat(adapter.getJson("/api/messages/refsms/r-3").get("clientRef").asText()).isEqualTo("order-42");

            // the search by reference: exact, a page at a time, each message once
            List<String> order42 = new ArrayList<>();
            String cursor = null;
            do {
                JsonNode page = adapter.getJson("/api/messages?clientRef=order-42&limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
                page.get("messages").forEach(m -> {
                    assertThat(m.get("clientRef").asText()).isEqualTo("order-42");
                    order42.add(m.get("messageId").asText());
                });
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            } while (cursor != null);
            assertThat(order42).containsExactlyInAnyOrder("r-1", "r-2", "r-3");
            assertThat(adapter.getJson("/api/messages?clientRef=order-7&provider=refsms").get("messages")).hasSize(1);
            assertThat(adapter.getJson("/api/messages?clientRef=order-").get("messages")).as("exact, not a prefix").isEmpty();
            assertThat(adapter.getJson("/api/messages?clientRef=order-other").get("messages")).as("only the first is kept").isEmpty();
            for (String bad : new String[] {"r".repeat(256), "a\u0000b"}) {
                HttpResponse<String> refused = adapter.get("/api/messages?clientRef=" + URLEncoder.encode(bad, StandardCharsets.UTF_8));
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
                assertThat(JSON.readTree(refused.body()).get("message").asText()).contains("'clientRef'");
            }
            HttpResponse<String> tooLong = register(adapter, "{\"provider\": \"refsms\", \"messageId\": \"r-9\", \"clientRef\": \""
                    + "r".repeat(256) + "\"}");
            assertThat(tooLong.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(tooLong.body()).get("message").asText()).contains("'clientRef'");

            // routed: the JSON and form envelopes, and the JDBC sink's :#clientRef
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received("/erp").size() == 5
                    && receiver.received("/form").size() == 5 && rows(erpUrl, kind).size() == 5);
            Map<String, List<String>> refs = new LinkedHashMap<>();
            for (WebhookReceiver.Received received : receiver.received("/erp")) {
                JsonNode data = JSON.readTree(received.body()).get("data");
                assertThat(data.has("clientRef")).isTrue();
                refs.computeIfAbsent(data.get("messageId").asText(), id -> new ArrayList<>())
                        .add(data.get("clientRef").isNull() ? null : data.get("clientRef").asText());
            }
            assertThat(refs.get("r-1")).containsExactlyInAnyOrder(null, "order-42", "order-other");
            assertThat(refs.get("r-4")).containsExactly("order-7");
            assertThat(receiver.received("/form")).anySatisfy(form ->
                    assertThat(form.body()).contains("data.messageId=r-4").contains("data.clientRef=order-7"));
            assertThat(rows(erpUrl, kind)).contains("r-1|order-42", "r-1|order-other", "r-1|null", "r-4|order-7");
        }
    }

    private Map<String, String> settings(TestDatabases.Kind kind, WebhookReceiver receiver, String erpUrl) {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        settings.put("dlr.providers.refsms.auth", "none");
        RunningAdapter.fastDelivery(settings);
        settings.put("dlr.outbound.targets", "erp,form");
        settings.put("dlr.outbound.erp.url", receiver.url("/erp"));
        settings.put("dlr.outbound.erp.secret", SECRET);
        settings.put("dlr.outbound.form.url", receiver.url("/form"));
        settings.put("dlr.outbound.form.secret", SECRET);
        settings.put("dlr.outbound.form.format", "form");
        settings.put("dlr.jdbc-sinks", "erp");
        settings.put("dlr.jdbc-sinks.erp.url", erpUrl);
        if (kind == TestDatabases.Kind.H2) {
            settings.put("dlr.jdbc-sinks.erp.username", "sa");
        }
        settings.put("dlr.jdbc-sinks.erp.sql",
                "INSERT INTO erp_dlr (receipt_id, message_id, client_ref) VALUES (:#id, :#messageId, :#clientRef)");
        return settings;
    }

    private static void receipt(RunningAdapter adapter, String form) {
        HttpResponse<String> answer = adapter.post(adapter.webhook("refsms"), form, FORM);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).as(form).contains("\"result\":\"stored\"");
    }

    private static HttpResponse<String> register(RunningAdapter adapter, String body) {
        return adapter.postApi("/api/messages", body);
    }

    private static Connection erp(String url, TestDatabases.Kind kind) throws Exception {
        return kind == TestDatabases.Kind.H2 ? DriverManager.getConnection(url, "sa", "") : DriverManager.getConnection(url);
    }

    /** The sink's rows as {@code message_id|client_ref}. */
    private static List<String> rows(String url, TestDatabases.Kind kind) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = erp(url, kind); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT message_id, client_ref FROM erp_dlr")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2));
            }
        }
        return rows;
    }
}
