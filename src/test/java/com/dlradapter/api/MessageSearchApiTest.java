package com.dlradapter.api;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/messages}: newest first, keyset pages that together hold every message once
 * (ties on the first-seen time included), each filter, 400 for every malformed parameter, 401
 * without the token; and an event's raw payload. On H2 and PostgreSQL.
 */
class MessageSearchApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 15 messages first seen at the very same instant: the keyset's tie-breakers must page them. */
    private static final Instant TIE = Instant.parse("2020-01-01T00:00:00Z");
    private static final int ZECKTA = 23;
    /** zs-02, zs-05, ... zs-20: every third. */
    private static final int DELIVERED_ZECKTA = 7;
    private static final int ACME = 7;
    private static final int TIED = 15;
    /** t-00 to t-04 of the tied ones are overdue; t-00 became final (DELIVERED) after that and stays overdue. */
    private static final int OVERDUE = 5;

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void searchesPagesAndFilters(TestDatabases.Kind kind) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        // the seed marks overdue messages itself: the overdue sweep (every :00 and :30) would also
        // mark the other 2020 messages if it ran between the seed and the overdue= checks
        settings.put("dlr.polling.cron", "0 0 0 1 1 ? 2099");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            seed(adapter);
            int all = ZECKTA + ACME + TIED;

            List<JsonNode> onePage = walk(adapter, "limit=500");
            assertThat(onePage).hasSize(all);
            for (int i = 1; i < onePage.size(); i++) {
                assertThat(Instant.parse(onePage.get(i).get("firstSeenAt").asText()))
                        .isBeforeOrEqualTo(Instant.parse(onePage.get(i - 1).get("firstSeenAt").asText()));
            }
            // pages of 7 (and of 1) give the same messages in the same order: no duplicate, no gap
            assertThat(keys(walk(adapter, "limit=7"))).containsExactlyElementsOf(keys(onePage));
            assertThat(keys(walk(adapter, "limit=1"))).containsExactlyElementsOf(keys(onePage));
            assertThat(keys(walk(adapter, "provider=tie&limit=4"))).hasSize(TIED).doesNotHaveDuplicates();
            assertThat(keys(walk(adapter, "provider=zeckta&limit=5"))).hasSize(ZECKTA).doesNotHaveDuplicates()
                    .allMatch(key -> key.startsWith("zeckta/"));
            assertThat(keys(walk(adapter, "status=DELIVERED&limit=3"))).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expectedDelivered());

            // each filter
            assertThat(keys(walk(adapter, "messageId=zs-05"))).containsExactly("zeckta/zs-05");
            assertThat(keys(walk(adapter, "provider=acme"))).hasSize(ACME);
            assertThat(keys(walk(adapter, "recipient=" + enc("+15550000001"))))
                    .containsExactlyInAnyOrder("acme/ac-1", "acme/ac-3", "acme/ac-5");
            assertThat(keys(walk(adapter, "recipient=" + enc("+15550000001") + "&status=FAILED")))
                    .containsExactlyInAnyOrder("acme/ac-1", "acme/ac-3", "acme/ac-5");
            assertThat(keys(walk(adapter, "final=false&provider=zeckta"))).hasSize(ZECKTA - DELIVERED_ZECKTA);
            assertThat(keys(walk(adapter, "final=true"))).hasSize(DELIVERED_ZECKTA + ACME + 1);   // and tie/t-00
            assertThat(keys(walk(adapter, "since=2020-01-01T00:00:00Z&until=2020-01-01T00:00:01Z"))).hasSize(TIED);
            assertThat(keys(walk(adapter, "until=2020-01-01T00:00:00Z"))).isEmpty();   // until is exclusive
            assertThat(keys(walk(adapter, "since=" + enc("2021-01-01T00:00:00+01:00")))).hasSize(ZECKTA + ACME);
            assertThat(keys(walk(adapter, "provider=nobody"))).isEmpty();
            // one client reference on ten messages first seen at the same instant: pages of 3, each once
            assertThat(keys(walk(adapter, "clientRef=order-tie&limit=3"))).hasSize(TIED - 5).doesNotHaveDuplicates()
                    .allMatch(key -> key.compareTo("tie/t-05") >= 0);
            assertThat(keys(walk(adapter, "clientRef=order-tie&overdue=true"))).isEmpty();
            assertThat(walk(adapter, "messageId=t-05").get(0).get("overdue").asBoolean()).isFalse();
            assertThat(keys(walk(adapter, "overdue=true&limit=2")))
                    .containsExactlyInAnyOrder("tie/t-00", "tie/t-01", "tie/t-02", "tie/t-03", "tie/t-04");
            assertThat(keys(walk(adapter, "overdue=false&limit=9"))).hasSize(all - OVERDUE).doesNotHaveDuplicates()
                    .noneMatch(key -> key.compareTo("tie/t-05") < 0 && key.startsWith("tie/"));
            assertThat(keys(walk(adapter, "overdue=true&final=false"))).hasSize(OVERDUE - 1).doesNotContain("tie/t-00");
            assertThat(keys(walk(adapter, "overdue=true&provider=zeckta"))).isEmpty();
            assertThat(walk(adapter, "overdue=true")).allMatch(m -> m.get("overdue").asBoolean());
            assertThat(walk(adapter, "overdue=false")).noneMatch(m -> m.get("overdue").asBoolean());

            JsonNode one = search(adapter, "messageId=zs-05");
            JsonNode message = one.get("messages").get(0);
            assertThat(message.get("recipient").asText()).isEqualTo("+233202007745");
            assertThat(message.get("status").asText()).isEqualTo("DELIVERED");
            assertThat(message.get("final").asBoolean()).isTrue();
            assertThat(message.get("providerStatus").asText()).isEqualTo("DELIVERED");
            assertThat(one.get("nextCursor").isNull()).isTrue();
            assertThat(one.get("limit").asInt()).isEqualTo(50);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void refusesBadParametersAndMissingTokens(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            String foreignCursor = Base64.getUrlEncoder().encodeToString("not a cursor".getBytes(StandardCharsets.UTF_8));
            for (String query : new String[] {"limit=0", "limit=501", "limit=ten", "status=delivered", "status=GONE",
                    "final=yes", "overdue=yes", "overdue=1", "since=yesterday", "until=2026-06-09T13:00:00", "recipient=08012345678",
                    "recipient=+2348012345678" /* an unencoded '+' reads as a space */, "recipient=" + enc("+0123"),
                    "cursor=%25%25%25", "cursor=" + foreignCursor,
                    "since=2026-06-09T13:00:00Z&until=2026-06-09T13:00:00Z", "provider=" + "p".repeat(256),
                    "provider=zeckta%00", "messageId=a%00b"}) {
                HttpResponse<String> answer = adapter.get("/api/messages?" + query);
                assertThat(answer.statusCode()).as(query).isEqualTo(400);
                JsonNode problem = JSON.readTree(answer.body());
                assertThat(problem.get("error").asText()).as(query).isEqualTo("bad-request");
                assertThat(problem.get("message").asText()).as(query).isNotBlank();
            }

            HttpResponse<String> anonymous = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/messages"))).GET());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            HttpResponse<String> wrong = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/messages?limit=1")))
                    .header("Authorization", "Bearer wrong").GET());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain("messages\"");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void answersAnEventsRawPayload(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            String body = Payloads.zeckta("ev-raw-1", "MESSAGE_SENT", "SENT", "zs-raw");
            assertThat(adapter.post(adapter.webhook("zeckta"), body).statusCode()).isEqualTo(200);
            JsonNode state = JSON.readTree(adapter.get("/api/messages/zeckta/zs-raw").body());
            String eventId = state.get("history").get(0).get("id").asText();

            HttpResponse<String> answer = adapter.get("/api/messages/zeckta/zs-raw/events/" + eventId);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode event = JSON.readTree(answer.body());
            assertThat(event.get("rawPayload").asText()).isEqualTo(body);
            assertThat(event.get("id").asText()).isEqualTo(eventId);
            assertThat(event.get("source").asText()).isEqualTo("webhook");

            assertThat(adapter.get("/api/messages/zeckta/zs-raw/events/no-such-event").statusCode()).isEqualTo(404);
            assertThat(adapter.get("/api/messages/zeckta/other/events/" + eventId).statusCode()).isEqualTo(404);
            assertThat(adapter.get("/api/messages/zeckta/zs-raw/events/a%00b").statusCode()).isEqualTo(400);
            assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/messages/zeckta/zs-raw/events/" + eventId)))
                    .GET()).statusCode()).isEqualTo(401);
        }
    }

    /**
     * 23 Zeckta messages (every third delivered, 7 in all), 7 Acme ones (odd ones failed to
     * +15550000001, even ones delivered to +15550000002), and 15 messages of a provider "tie" all
     * first seen at {@link #TIE}, written straight into the table, the first five overdue and the
     * first of them delivered since, the other ten with the client reference {@code order-tie}.
     */
    private static void seed(RunningAdapter adapter) throws Exception {
        for (int i = 0; i < ZECKTA; i++) {
            String id = "zs-%02d".formatted(i);
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("ev-" + id, "MESSAGE_SENT", "SENT", id))
                    .statusCode()).isEqualTo(200);
            if (i % 3 == 2) {
                assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("ev-d-" + id, "MESSAGE_DELIVERED",
                        "DELIVERED", id)).statusCode()).isEqualTo(200);
            }
        }
        for (int i = 0; i < ACME; i++) {
            String form = "MessageSid=ac-%d&MessageStatus=%s&To=%%2B1555000000%d".formatted(i,
                    i % 2 == 1 ? "failed" : "delivered", i % 2 == 1 ? 1 : 2);
            assertThat(adapter.post(adapter.webhook("acme"), form, "application/x-www-form-urlencoded").statusCode())
                    .isEqualTo(200);
        }
        try (Connection connection = adapter.bean("dataSource", DataSource.class).getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO message_status (provider, message_id, status, is_final, first_seen_at, updated_at)
                     VALUES ('tie', ?, 'SENT', FALSE, ?, ?)""")) {
            for (int i = 0; i < TIED; i++) {
                insert.setString(1, "t-%02d".formatted(i));
                insert.setObject(2, TIE.atOffset(ZoneOffset.UTC));
                insert.setObject(3, TIE.atOffset(ZoneOffset.UTC));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (Connection connection = adapter.bean("dataSource", DataSource.class).getConnection();
             PreparedStatement overdue = connection.prepareStatement(
                     "UPDATE message_status SET overdue_at = ? WHERE provider = 'tie' AND message_id IN ('t-00', 't-01', 't-02', 't-03', 't-04')");
             PreparedStatement delivered = connection.prepareStatement(
                     "UPDATE message_status SET status = 'DELIVERED', is_final = TRUE WHERE provider = 'tie' AND message_id = 't-00'");
             PreparedStatement order = connection.prepareStatement(
                     "UPDATE message_status SET client_ref = 'order-tie' WHERE provider = 'tie' AND message_id >= 't-05'")) {
            overdue.setObject(1, TIE.plusSeconds(86_400).atOffset(ZoneOffset.UTC));
            overdue.executeUpdate();
            delivered.executeUpdate();
            order.executeUpdate();
        }
    }

    private static List<String> expectedDelivered() {
        List<String> keys = new ArrayList<>();
        for (int i = 2; i < ZECKTA; i += 3) {
            keys.add("zeckta/zs-%02d".formatted(i));
        }
        for (int i = 0; i < ACME; i += 2) {
            keys.add("acme/ac-" + i);
        }
        keys.add("tie/t-00");
        return keys;
    }

    /** Every message of a search, following nextCursor page after page. */
    private static List<JsonNode> walk(RunningAdapter adapter, String query) throws Exception {
        List<JsonNode> messages = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = search(adapter, query + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("messages").forEach(messages::add);
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            assertThat(cursor == null || cursors.add(cursor)).as("a cursor repeats").isTrue();
        } while (cursor != null);
        return messages;
    }

    private static JsonNode search(RunningAdapter adapter, String query) throws Exception {
        return adapter.getJson("/api/messages?" + query);
    }

    private static List<String> keys(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("provider").asText() + "/" + m.get("messageId").asText()).toList();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
