package com.dlradapter.api;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/overview}: the last hour's receipts per minute by provider and status (events
 * stored two hours ago, lower in the primary key, are not counted), dead letters, the providers
 * with their newest receipt and polling state; the token required. H2 and PostgreSQL.
 */
class OverviewApiTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    static String zeckta(String eventId, String status, String messageId) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_%s", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "%s"}}"""
                .formatted(eventId, status, messageId, status);
    }

    static long sum(JsonNode series) {
        long sum = 0;
        for (JsonNode minute : series) {
            sum += minute.asLong();
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theLastHourByProviderAndStatus(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            // 300 events received two hours ago (as if long stored): outside the window
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            OffsetDateTime old = OffsetDateTime.now(ZoneOffset.UTC).minusHours(2);
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("""
                         INSERT INTO receipt_event (id, idempotency_key, provider, message_id, status, provider_status, source,
                                                    received_at, canonical, raw_payload)
                         VALUES (?, ?, 'zeckta', ?, 'DELIVERED', 'DELIVERED', 'webhook', ?, '{}', '{}')""")) {
                for (int i = 0; i < 300; i++) {
                    insert.setString(1, "old-" + i);
                    insert.setString(2, "old-key-" + i);
                    insert.setString(3, "old-m" + i);
                    insert.setObject(4, old.plusSeconds(i));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            for (int i = 0; i < 3; i++) {
                assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("ov-d" + i, "DELIVERED", "ov-m" + i)).statusCode())
                        .isEqualTo(200);
            }
            assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("ov-s", "SENT", "ov-m9")).statusCode()).isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("ov-x", "ENROUTE", "ov-m8")).body()).contains("dead-lettered");

            assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/overview"))).GET()).statusCode())
                    .isEqualTo(401);
            assertThat(adapter.call("POST", "/api/overview", RunningAdapter.API_TOKEN).statusCode()).isEqualTo(405);
            var answer = adapter.get("/api/overview");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode overview = JSON.readTree(answer.body());
            Instant since = Instant.parse(overview.get("since").asText());
            assertThat(since).isBefore(Instant.now().minus(58, ChronoUnit.MINUTES)).isAfter(Instant.now().minus(61, ChronoUnit.MINUTES));
            assertThat(overview.get("minutes")).hasSize(60);
            assertThat(overview.get("receipts").asLong()).isEqualTo(4);
            assertThat(overview.get("receiptsByProvider").get("zeckta")).hasSize(60);
            assertThat(sum(overview.get("receiptsByProvider").get("zeckta"))).isEqualTo(4);
            // all in the last two minutes of the window
            List<Long> zeckta = new ArrayList<>();
            overview.get("receiptsByProvider").get("zeckta").forEach(minute -> zeckta.add(minute.asLong()));
            assertThat(zeckta.get(58) + zeckta.get(59)).isEqualTo(4);
            assertThat(sum(overview.get("receiptsByStatus").get("DELIVERED"))).isEqualTo(3);
            assertThat(sum(overview.get("receiptsByStatus").get("SENT"))).isEqualTo(1);
            assertThat(overview.get("deadLetters").asLong()).isEqualTo(1);
            assertThat(overview.get("failedDeliveries").asLong()).isZero();
            assertThat(overview.get("backlog")).isEmpty();

            // the window's first event is found by the binary search over the primary key
            try (Connection connection = dataSource.getConnection();
                 var first = connection.createStatement().executeQuery(
                         "SELECT MIN(seq), MAX(seq) FROM receipt_event WHERE id NOT LIKE 'old-%'")) {
                first.next();
                assertThat(com.dlradapter.store.ReceiptFlow.firstSeq(connection, since)).isEqualTo(first.getLong(1));
                assertThat(com.dlradapter.store.ReceiptFlow.firstSeq(connection, Instant.now().plusSeconds(60)))
                        .as("none in the window: above the newest").isEqualTo(first.getLong(2) + 1);
                assertThat(com.dlradapter.store.ReceiptFlow.firstSeq(connection, old.minusHours(1).toInstant()))
                        .as("all in the window").isLessThan(first.getLong(1) - 299);
            }

            JsonNode providers = overview.get("providers");
            List<String> ids = new ArrayList<>();
            providers.forEach(provider -> ids.add(provider.get("provider").asText()));
            assertThat(ids).containsAll(RunningAdapter.PROVIDERS).isSorted();
            for (JsonNode provider : providers) {
                if (provider.get("provider").asText().equals("zeckta")) {
                    assertThat(Instant.parse(provider.get("lastReceivedAt").asText())).isAfter(since);
                } else {
                    assertThat(provider.get("lastReceivedAt").isNull()).isTrue();
                }
                assertThat(provider.get("polling").get("state").asText()).isIn("on", "off");
                assertThat(provider.get("polling").get("errors").isObject()).isTrue();
            }
        }
    }
}
