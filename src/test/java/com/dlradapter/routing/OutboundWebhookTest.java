package com.dlradapter.routing;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases.Kind;
import com.dlradapter.support.WebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signed outbound webhooks end to end: receipts posted to the adapter reach a real receiver on
 * 127.0.0.1 that checks every signature itself; filters keep statuses and providers out; a
 * receiver that is down and comes back, and a restart in the middle of retries, still give
 * every delivery exactly once. The cases that live on the outbox and delivery tables run on H2 and
 * on PostgreSQL.
 */
class OutboundWebhookTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("test-secret-0123456789".getBytes());
    static final String OLD_SECRET = "whsec_" + Base64.getEncoder().encodeToString("old-secret-9876543210".getBytes());

    @TempDir
    Path data;

    static String zeckta(String eventId, String status, String messageId) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_%s", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "%s",
                             "segments": 1, "units": 1, "attempts": 1, "cost": 1}}
                """.formatted(eventId, status, messageId, status);
    }

    Map<String, String> settings(WebhookReceiver receiver) {
        return settings(receiver, Kind.H2);
    }

    Map<String, String> settings(WebhookReceiver receiver, Kind kind) {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        RunningAdapter.fastDelivery(settings);
        settings.put("dlr.outbound.targets", "erp,delivered-only,legacy-xml");
        settings.put("dlr.outbound.erp.url", receiver.url("/erp"));
        // rotating: the new secret and the old one; the receiver knows only the new one
        settings.put("dlr.outbound.erp.secret", SECRET + "," + OLD_SECRET);
        settings.put("dlr.outbound.delivered-only.url", receiver.url("/delivered-only?source=dlr"));
        settings.put("dlr.outbound.delivered-only.secret", SECRET);
        settings.put("dlr.outbound.delivered-only.statuses", "DELIVERED");
        settings.put("dlr.outbound.delivered-only.format", "form");
        settings.put("dlr.outbound.legacy-xml.url", receiver.url("/legacy-xml"));
        settings.put("dlr.outbound.legacy-xml.secret", SECRET);
        settings.put("dlr.outbound.legacy-xml.providers", "cecula");
        settings.put("dlr.outbound.legacy-xml.format", "xml");
        settings.put("dlr.outbound.legacy-xml.timeout", "2s");
        return settings;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyDeliveryIsSignedAndFiltersKeepStatusesAndProvidersOut(Kind kind) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.started(SECRET);
             RunningAdapter adapter = RunningAdapter.start(settings(receiver, kind))) {
            assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("ev-d1", "DELIVERED", "m-1")).statusCode()).isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("ev-f1", "FAILED", "m-2")).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/erp").size() == 2
                    && receiver.received("/delivered-only").size() == 1);
            assertThat(receiver.received()).allSatisfy(r -> {
                assertThat(r.signatureValid()).as(r.toString()).isTrue();
                assertThat(r.id()).startsWith("msg_");
                assertThat(Long.parseLong(r.timestamp())).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
            });
            // two secrets configured: two signatures, space-separated
            assertThat(receiver.received("/erp").get(0).signature().split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));

            Map<String, JsonNode> erp = receiver.received("/erp").stream().collect(Collectors.toMap(
                    r -> r.body(), r -> read(r.body())))
                    .values().stream().collect(Collectors.toMap(n -> n.get("type").asText(), n -> n));
            assertThat(erp.keySet()).containsExactlyInAnyOrder("sms.receipt.delivered", "sms.receipt.failed");
            JsonNode delivered = erp.get("sms.receipt.delivered");
            assertThat(delivered.get("timestamp").asText()).isNotBlank();
            assertThat(delivered.get("data").get("messageId").asText()).isEqualTo("m-1");
            assertThat(delivered.get("data").get("provider").asText()).isEqualTo("zeckta");
            assertThat(delivered.get("data").get("status").asText()).isEqualTo("DELIVERED");
            assertThat(receiver.received("/erp").get(0).contentType()).startsWith("application/json");

            // statuses=DELIVERED keeps FAILED out; form format
            WebhookReceiver.Received form = receiver.received("/delivered-only").get(0);
            assertThat(form.contentType()).startsWith("application/x-www-form-urlencoded");
            assertThat(form.body()).contains("type=sms.receipt.delivered").contains("data.messageId=m-1")
                    .doesNotContain("FAILED");
            // providers=cecula keeps zeckta out
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> receiver.received("/legacy-xml").isEmpty() && receiver.received("/delivered-only").size() == 1);

            // a duplicate receipt is not routed again
            assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("ev-d1", "DELIVERED", "m-1")).statusCode()).isEqualTo(200);
            String cecula = """
                    {"reference": "c-xml-1", "mobile": "2348181234567", "sender": "Cecula", "status": "DELIVRD",
                     "broadcastTime": "2024-10-08 07:41 AM", "pages": 1, "costPerPage": "1.50", "creditsDeducted": "1.50",
                     "mccmnc": "060", "done": true, "doneDate": "2024-10-08 07:42 AM"}""";
            assertThat(adapter.post(adapter.webhook("cecula"), cecula).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/legacy-xml").size() == 1);
            WebhookReceiver.Received xml = receiver.received("/legacy-xml").get(0);
            assertThat(xml.signatureValid()).isTrue();
            assertThat(xml.contentType()).startsWith("application/xml");
            assertThat(xml.body()).contains("<webhook><type>sms.receipt.delivered</type>").contains("<messageId>c-xml-1</messageId>");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> receiver.received("/erp").size() == 3);
            assertThat(receiver.acceptedCounts().values()).allMatch(count -> count == 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReceiverThatIsDownThenBackGetsEachDeliveryExactlyOnceAcrossARestart(Kind kind) {
        int port = RunningAdapter.freePort();
        WebhookReceiver receiver = new WebhookReceiver(port, SECRET);
        Map<String, String> settings = settings(receiver, kind);
        settings.put("dlr.outbound.targets", "erp");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            for (int i = 1; i <= 5; i++) {
                assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("down-" + i, i % 2 == 0 ? "FAILED" : "DELIVERED", "down-m" + i))
                        .statusCode()).isEqualTo(200);
            }
            // the receiver is down: every delivery fails at least twice and waits for its retry
            await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "pending").stream()
                    .filter(d -> d.get("attempts").asInt() >= 2).count() == 5);

            adapter.restart();
            receiver.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCounts().size() == 5);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> receiver.acceptedCounts().values().stream().allMatch(count -> count == 1));
            assertThat(receiver.received()).allMatch(WebhookReceiver.Received::signatureValid);
            // the same webhook-id on every attempt of a delivery
            Set<String> ids = receiver.received().stream().map(WebhookReceiver.Received::id).collect(Collectors.toSet());
            assertThat(ids).hasSize(5);
            assertThat(deliveries(adapter, "delivered")).hasSize(5);
        } finally {
            receiver.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDeliveryFailsAfterItsLastAttemptAndIsRetriedByHand(Kind kind) throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.started(SECRET)) {
            Map<String, String> settings = settings(receiver, kind);
            settings.put("dlr.outbound.targets", "erp,gone");
            settings.put("dlr.delivery.max-age", "1s");
            settings.put("dlr.outbound.gone.url", receiver.url("/gone"));
            settings.put("dlr.outbound.gone.secret", SECRET);
            receiver.answer(500);
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("manual-1", "DELIVERED", "manual-m1")).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "failed").size() == 2);
                assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/deliveries?status=failed"))).GET())
                        .statusCode()).isEqualTo(401);
                JsonNode failed = deliveries(adapter, "failed").stream().filter(d -> d.get("target").asText().equals("erp"))
                        .findFirst().orElseThrow();
                assertThat(failed.get("lastCode").asInt()).isEqualTo(500);
                assertThat(failed.get("attempts").asInt()).isGreaterThanOrEqualTo(1);

                receiver.answer(200);
                HttpResponse<String> retry = retry(adapter, failed.get("id").asText());
                assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.acceptedCounts().containsKey(failed.get("id").asText()));
                await().atMost(Duration.ofSeconds(5)).until(() -> deliveries(adapter, "delivered").size() == 1);
                assertThat(retry(adapter, "msg_unknown").statusCode()).isEqualTo(404);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void a410DisablesItsTargetUntilAHandRetry(Kind kind) {
        try (WebhookReceiver receiver = WebhookReceiver.started(SECRET)) {
            Map<String, String> settings = settings(receiver, kind);
            settings.put("dlr.outbound.targets", "erp");
            receiver.answer(410);
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                adapter.post(adapter.webhook("zeckta"), zeckta("gone-1", "DELIVERED", "gone-m1"));
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "failed").size() == 1);
                adapter.post(adapter.webhook("zeckta"), zeckta("gone-2", "DELIVERED", "gone-m2"));
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "failed").size() == 2);
                // the second one was never sent: the target is disabled
                assertThat(receiver.received()).hasSize(1);
                assertThat(deliveries(adapter, "failed")).anySatisfy(d ->
                        assertThat(d.get("lastError").asText()).contains("disabled"));

                // A hand retry of the one never sent re-enables the target: it goes out, and so do later ones.
                receiver.answer(200);
                String neverSent = deliveries(adapter, "failed").stream().filter(d -> d.get("attempts").asInt() == 0)
                        .findFirst().orElseThrow().get("id").asText();
                HttpResponse<String> retry = retry(adapter, neverSent);
                assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
                assertThat(read(retry.body()).get("status").asText()).isEqualTo("pending");
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.acceptedCounts().containsKey(neverSent));
                adapter.post(adapter.webhook("zeckta"), zeckta("gone-3", "DELIVERED", "gone-m3"));
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "delivered").size() == 2);
                assertThat(receiver.acceptedCounts()).hasSize(2);
                // the retry was of one delivery: the one answered 410 stays failed
                assertThat(deliveries(adapter, "failed")).hasSize(1).allSatisfy(d ->
                        assertThat(d.get("lastCode").asInt()).isEqualTo(410));

                // A delivered delivery is not sent again: 409.
                HttpResponse<String> delivered = retry(adapter, neverSent);
                assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(409);
                assertThat(read(delivered.body()).get("error").asText()).isEqualTo("conflict");
                // A pending one (waiting for its next attempt) is made due now: 202, still pending.
                receiver.answer(503);
                adapter.post(adapter.webhook("zeckta"), zeckta("gone-4", "DELIVERED", "gone-m4"));
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "pending").stream()
                        .anyMatch(d -> d.get("attempts").asInt() >= 1));
                String pending = deliveries(adapter, "pending").get(0).get("id").asText();
                HttpResponse<String> due = retry(adapter, pending);
                assertThat(due.statusCode()).as(due.body()).isEqualTo(202);
                assertThat(read(due.body()).get("status").asText()).isEqualTo("pending");
                assertThat(read(due.body()).get("nextAttemptAt").isNull()).isFalse();
            }
        }
    }

    static HttpResponse<String> retry(RunningAdapter adapter, String deliveryId) {
        return adapter.call("POST", "/api/deliveries/" + deliveryId + "/retry", RunningAdapter.API_TOKEN);
    }

    @Test
    void aSlowReceiverNeitherDelaysTheWebhookAnswerNorOutlivesItsTimeout() {
        try (WebhookReceiver receiver = WebhookReceiver.started(SECRET)) {
            Map<String, String> settings = settings(receiver);
            settings.put("dlr.outbound.targets", "erp");
            settings.put("dlr.outbound.erp.timeout", "500ms");
            receiver.delay(Duration.ofSeconds(3));
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                long started = System.nanoTime();
                assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("slow-1", "DELIVERED", "slow-m1")).statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "pending").stream()
                        .anyMatch(d -> d.get("attempts").asInt() >= 1
                                && d.get("lastError").asText().matches("(?is).*(timed out|timeout).*")));
                receiver.delay(Duration.ZERO);
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "delivered").size() == 1);
            }
        }
    }

    @Test
    void inboundHeadersCannotSteerTheOutboundRequest() {
        try (WebhookReceiver receiver = WebhookReceiver.started(SECRET)) {
            Map<String, String> settings = settings(receiver);
            settings.put("dlr.outbound.targets", "erp");
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                HttpResponse<String> answer = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(adapter.webhook("zeckta"))))
                        .header("Content-Type", "application/json")
                        .header("CamelHttpUri", receiver.url("/evil"))
                        .header("CamelHttpPath", "/evil")
                        .header("CamelHttpMethod", "PUT")
                        .header("webhook-id", "msg_forged")
                        .POST(HttpRequest.BodyPublishers.ofString(zeckta("inject-1", "DELIVERED", "inject-m1"))));
                assertThat(answer.statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/erp").size() == 1);
                assertThat(receiver.received("/evil")).isEmpty();
                assertThat(receiver.received("/erp").get(0).id()).isNotEqualTo("msg_forged");
                assertThat(receiver.received("/erp").get(0).signatureValid()).isTrue();
            }
        }
    }

    /**
     * A target URL with user-info ({@code http://alice:p%40ss@host/hook}, as a user writes it for
     * an ERP behind basic authentication) is sent as basic auth: HttpClient refuses user-info in a
     * request URI, so every attempt failed. And no password reaches {@code lastError} (shown by
     * /api/deliveries) or the log, even when the receiver's answer names a URL with one.
     */
    @Test
    void aTargetUrlWithUserInfoIsSentAsBasicAuthAndNoPasswordIsStoredOrShown() throws Exception {
        java.util.List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger answer = new java.util.concurrent.atomic.AtomicInteger(200);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(authorization));
            byte[] body = "upstream http://svc:topsecret@10.0.0.5/api refused".getBytes();
            boolean allowed = ("Basic " + Base64.getEncoder().encodeToString("alice:p@ss".getBytes())).equals(authorization);
            int status = allowed ? answer.get() : 401;
            exchange.sendResponseHeaders(status, status == 200 ? -1 : body.length);
            if (status != 200) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.logging.log4j.core.LoggerContext logs = (org.apache.logging.log4j.core.LoggerContext)
                org.apache.logging.log4j.LogManager.getContext(false);
        org.apache.logging.log4j.core.appender.AbstractAppender capture = new org.apache.logging.log4j.core.appender.AbstractAppender(
                "capture-" + System.nanoTime(), null, null, true, org.apache.logging.log4j.core.config.Property.EMPTY_ARRAY) {
            @Override
            public void append(org.apache.logging.log4j.core.LogEvent event) {
                logged.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        logs.getConfiguration().getRootLogger().addAppender(capture, null, null);
        logs.updateLoggers();
        try {
            Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
            RunningAdapter.fastDelivery(settings);
            settings.put("dlr.outbound.targets", "erp");
            settings.put("dlr.outbound.erp.url", "http://alice:p%40ss@127.0.0.1:" + server.getAddress().getPort() + "/hook?k=1");
            settings.put("dlr.outbound.erp.secret", SECRET);
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("auth-1", "DELIVERED", "auth-m1")).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "delivered").size() == 1);
                assertThat(authorizations).containsExactly("Basic " + Base64.getEncoder().encodeToString("alice:p@ss".getBytes()));

                // the receiver fails, naming a URL with a password in its answer
                answer.set(502);
                assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("auth-2", "DELIVERED", "auth-m2")).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(adapter, "pending").stream()
                        .anyMatch(d -> d.get("attempts").asInt() >= 1));
                String lastError = deliveries(adapter, "pending").get(0).get("lastError").asText();
                assertThat(lastError).startsWith("HTTP 502").contains("svc:****@10.0.0.5").doesNotContain("topsecret");
                // the failed attempt's log line, as the adapter wrote it (before any masking of the log output)
                await().atMost(Duration.ofSeconds(10)).until(() -> logged.stream().anyMatch(line -> line.contains("HTTP 502")));
            }
            assertThat(logged).as("the start names the target, its password masked")
                    .anyMatch(line -> line.contains("erp http://alice:****@127.0.0.1:" + server.getAddress().getPort() + "/hook (basic auth)"));
            assertThat(logged).noneMatch(line -> line.contains("topsecret") || line.contains("p@ss") || line.contains("p%40ss"));
        } finally {
            logs.getConfiguration().getRootLogger().removeAppender(capture.getName());
            logs.updateLoggers();
            capture.stop();
            server.stop(0);
        }
    }

    static java.util.List<JsonNode> deliveries(RunningAdapter adapter, String status) {
        HttpResponse<String> response = adapter.get("/api/deliveries?status=" + status);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        java.util.List<JsonNode> list = new java.util.ArrayList<>();
        read(response.body()).get("deliveries").forEach(list::add);
        return list;
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}
