package com.dlradapter.observe;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.WebhookReceiver;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prometheus metrics and health with the database check, on the management port only. One
 * adapter with real traffic through every part that has metrics: webhooks, polling (WireMock
 * status API), outbound webhooks (two receivers, one answering 410) and email digests (GreenMail,
 * down at first); then the scrape must show each metric, and exactly the ones the README names.
 */
class ObservabilityTest {

    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("obs-secret-0123456789".getBytes());

    @TempDir
    static Path data;
    static RunningAdapter adapter;
    static WireMockServer statusApi;
    static WebhookReceiver erp;
    static WebhookReceiver gone;
    static GreenMail smtp;

    @BeforeAll
    static void startAndDriveTraffic() {
        statusApi = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        statusApi.start();
        erp = WebhookReceiver.started(SECRET);
        gone = WebhookReceiver.started(SECRET);
        int smtpPort = RunningAdapter.freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.metrics.backlog-refresh", "200ms");
        settings.put("dlr.polling.cron", "0/1 * * * * ?");
        settings.put("dlr.polling.backoff", "1s");
        settings.put("dlr.providers.cecula.base-url", statusApi.baseUrl() + "/cecula");
        settings.put("dlr.providers.cecula.api-key", "cecula-key");
        settings.put("dlr.providers.cecula.timeout", "3s");
        // Zeckta's status API is down: nothing listens there, every call is refused.
        settings.put("dlr.providers.zeckta.base-url", "http://127.0.0.1:" + RunningAdapter.freePort());
        settings.put("dlr.providers.zeckta.api-key", "zeckta-key");
        RunningAdapter.fastDelivery(settings);
        settings.put("dlr.delivery.max-delay", "500ms");
        // Only Routee's receipts go out, so the counts below are exactly the ones posted here.
        settings.put("dlr.outbound.targets", "erp,gone");
        settings.put("dlr.outbound.erp.url", erp.url("/erp"));
        settings.put("dlr.outbound.erp.secret", SECRET);
        settings.put("dlr.outbound.erp.providers", "routee");
        settings.put("dlr.outbound.gone.url", gone.url("/gone"));
        settings.put("dlr.outbound.gone.secret", SECRET);
        settings.put("dlr.outbound.gone.providers", "routee");
        settings.put("dlr.email.smtp-host", "127.0.0.1");
        settings.put("dlr.email.smtp-port", String.valueOf(smtpPort));
        settings.put("dlr.email.to", "ops@example.com");
        settings.put("dlr.email.digest-window", "200ms");
        settings.put("dlr.email.retry-delay", "500ms");
        settings.put("dlr.email.check-interval", "200");
        adapter = RunningAdapter.start(settings);

        // Webhooks: stored, duplicate, dead letter, refused.
        assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("obs-1")).statusCode()).isEqualTo(200);
        assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("obs-1")).body()).contains("duplicate");
        assertThat(adapter.post(adapter.webhook("zeckta"), "{\"eventId\": \"x\", \"message\": {}}").body()).contains("dead-lettered");
        assertThat(adapter.post("/webhooks/zeckta", zeckta("obs-2")).statusCode()).isEqualTo(401);

        // Polling: a Cecula message whose status API answers 404, 429, 500, then 200, and a Zeckta
        // message whose status API does not answer at all.
        String url = "/cecula/sms/delivery-report/obs-poll";
        String[] states = {Scenario.STARTED, "rate-limited", "broken", "known"};
        statusApi.stubFor(get(urlEqualTo(url)).inScenario("poll").whenScenarioStateIs(states[0])
                .willReturn(aResponse().withStatus(404)).willSetStateTo(states[1]));
        statusApi.stubFor(get(urlEqualTo(url)).inScenario("poll").whenScenarioStateIs(states[1])
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo(states[2]));
        statusApi.stubFor(get(urlEqualTo(url)).inScenario("poll").whenScenarioStateIs(states[2])
                .willReturn(aResponse().withStatus(500)).willSetStateTo(states[3]));
        statusApi.stubFor(get(urlEqualTo(url)).inScenario("poll").whenScenarioStateIs(states[3])
                .willReturn(aResponse().withStatus(200).withBody("""
                        {"reference": "obs-poll", "mobile": "2348181234567", "status": "DELIVRD",
                         "broadcastTime": "2024-10-08 07:41 AM", "doneDate": "2024-10-08 07:42 AM"}""")));
        register("cecula", "obs-poll");
        register("zeckta", "obs-poll-down");

        // Outbound: erp fails first (a backlog builds up), gone answers 410 (failed for good).
        erp.answer(500);
        gone.answer(410);
        assertThat(adapter.post(adapter.webhook("routee"), routee("obs-out-1")).statusCode()).isEqualTo(200);
        // Email: a failure to alert about while the SMTP server is down.
        assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("obs-mail-1", "MESSAGE_FAILED", "FAILED", "obs-mail-m1"))
                .statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> value("dlr_delivery_attempts_total{outcome=\"retrying\",sink=\"webhook\",target=\"erp\"}") >= 2
                && value("dlr_deliveries_pending{sink=\"webhook\",target=\"erp\"}") == 1
                && value("dlr_deliveries_failed_total{outcome=\"gone\",sink=\"webhook\",target=\"gone\"}") == 1);
        erp.answer(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> value("dlr_email_digests_failed_total") >= 1
                && value("dlr_email_alerts_pending") == 1);
        smtp.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> value("dlr_email_digests_sent_total") == 1
                && value("dlr_delivery_attempts_total{outcome=\"delivered\",sink=\"webhook\",target=\"erp\"}") == 1
                && value("dlr_polling_calls_total{outcome=\"answered\",provider=\"cecula\"}") == 1
                && value("dlr_polling_errors_total{outcome=\"no-answer\",provider=\"zeckta\"}") >= 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> value("dlr_deliveries_pending{sink=\"webhook\",target=\"erp\"}") == 0
                && value("dlr_email_alerts_pending") == 0);
    }

    static void register(String provider, String messageId) {
        HttpResponse<String> registered = adapter.postApi("/api/messages",
                "{\"provider\": \"%s\", \"messageId\": \"%s\"}".formatted(provider, messageId));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        adapter.close();
        statusApi.stop();
        erp.close();
        gone.close();
        smtp.stop();
    }

    static HttpResponse<String> management(String path) {
        return adapter.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl(path))).GET());
    }

    static String scrape() {
        HttpResponse<String> metrics = management("/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }

    /** The value of one series (name and labels as Prometheus writes them), or -1 when it is not there. */
    static double value(String series) {
        for (String line : scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }

    static String zeckta(String event) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "obs-%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}
                """.formatted(event, event);
    }

    static String routee(String messageId) {
        return """
                {"messageId": "%s", "smsId": "%s-1", "part": 1, "parts": 1, "to": "+306948530920",
                 "status": {"name": "Delivered", "updatedDate": "2026-06-09T13:04:57Z"}}""".formatted(messageId, messageId);
    }

    @Test
    void metricsCountReceiptsDuplicatesDeadLettersAndWebhookLatency() {
        String text = scrape();
        assertThat(text).contains("dlr_receipts_stored_total{provider=\"zeckta\",source=\"webhook\",status=\"DELIVERED\"} 1.0");
        assertThat(text).contains("dlr_receipts_stored_total{provider=\"cecula\",source=\"poll\",status=\"DELIVERED\"} 1.0");
        assertThat(text).contains("dlr_receipts_duplicate_total{provider=\"zeckta\",source=\"webhook\"} 1.0");
        assertThat(text).contains("dlr_dead_letters_total{provider=\"zeckta\",source=\"webhook\"} 1.0");
        assertThat(text).contains("dlr_webhook_answer_seconds_bucket{code=\"200\",provider=\"zeckta\"");
        assertThat(text).contains("dlr_webhook_answer_seconds_count{code=\"401\",provider=\"zeckta\"} 1");
        assertThat(text).doesNotContain("233202007745").doesNotContain("2348181234567").doesNotContain("306948530920");
    }

    @Test
    void pollingCallsAndErrorsByProviderAndOutcome() {
        // 404 and 200 went as expected; 429 and 500 are errors, tried again.
        for (String outcome : List.of("not-found", "answered", "rate-limited", "http-5xx")) {
            assertThat(value("dlr_polling_calls_total{outcome=\"" + outcome + "\",provider=\"cecula\"}")).as(outcome).isEqualTo(1);
        }
        for (String outcome : List.of("rate-limited", "http-5xx")) {
            assertThat(value("dlr_polling_errors_total{outcome=\"" + outcome + "\",provider=\"cecula\"}")).as(outcome).isEqualTo(1);
        }
        // A refused connection: no answer, tried again at every turn.
        double refused = value("dlr_polling_errors_total{outcome=\"no-answer\",provider=\"zeckta\"}");
        assertThat(refused).isGreaterThanOrEqualTo(1);
        assertThat(value("dlr_polling_calls_total{outcome=\"no-answer\",provider=\"zeckta\"}")).isGreaterThanOrEqualTo(refused);
        assertThat(value("dlr_polling_calls_total{outcome=\"no-answer\",provider=\"cecula\"}")).isEqualTo(-1);
        assertThat(value("dlr_polling_errors_total{outcome=\"not-found\",provider=\"cecula\"}")).isEqualTo(-1);
        assertThat(value("dlr_polling_errors_total{outcome=\"answered\",provider=\"cecula\"}")).isEqualTo(-1);
    }

    @Test
    void outboundAttemptsFailuresAndBacklogBySinkAndTarget() {
        assertThat(value("dlr_delivery_attempts_total{outcome=\"retrying\",sink=\"webhook\",target=\"erp\"}")).isGreaterThanOrEqualTo(2);
        assertThat(value("dlr_delivery_attempts_total{outcome=\"delivered\",sink=\"webhook\",target=\"erp\"}")).isEqualTo(1);
        assertThat(value("dlr_delivery_attempts_total{outcome=\"failed\",sink=\"webhook\",target=\"gone\"}")).isEqualTo(1);
        assertThat(value("dlr_deliveries_failed_total{outcome=\"gone\",sink=\"webhook\",target=\"gone\"}")).isEqualTo(1);
        assertThat(value("dlr_deliveries_failed_total{outcome=\"gave-up\",sink=\"webhook\",target=\"erp\"}")).isEqualTo(-1);
        assertThat(value("dlr_deliveries_pending{sink=\"webhook\",target=\"erp\"}")).isZero();
        assertThat(value("dlr_deliveries_pending{sink=\"webhook\",target=\"gone\"}")).isZero();
        assertThat(erp.acceptedCounts()).hasSize(1);
    }

    @Test
    void emailDigestsSentAndFailed() {
        assertThat(value("dlr_email_digests_sent_total")).isEqualTo(1);
        assertThat(value("dlr_email_digests_failed_total")).isGreaterThanOrEqualTo(1);
        assertThat(value("dlr_email_alerts_pending")).isZero();
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void theScrapeHasExactlyTheMetricsTheReadmeNames() throws Exception {
        // README, Operations > Health and metrics: one table row per metric, | `dlr_...` | type | ...
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `(dlr_[a-z_]+)` \\|").matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> scraped = new TreeSet<>();
        for (String line : scrape().split("\n")) {
            if (line.startsWith("dlr_")) {
                scraped.add(line.split("[{ ]", 2)[0]);
            }
        }
        for (String name : documented) {
            assertThat(scraped).as("documented, so scraped").anyMatch(series -> series.startsWith(name));
        }
        for (String series : scraped) {
            assertThat(documented).as("scraped, so documented: " + series).anyMatch(series::startsWith);
        }
        assertThat(documented).contains("dlr_polling_calls_total", "dlr_polling_errors_total", "dlr_delivery_attempts_total",
                "dlr_deliveries_failed_total", "dlr_deliveries_pending", "dlr_email_alerts_pending",
                "dlr_email_digests_sent_total", "dlr_email_digests_failed_total", "dlr_group_commit_receipts",
                "dlr_group_commit_seconds");
    }

    @Test
    void healthIncludesTheDatabaseAndIsOnlyOnTheManagementPort() {
        HttpResponse<String> health = management("/observe/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        HttpResponse<String> ready = management("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        HttpResponse<String> detail = management("/observe/health?exposureLevel=full");
        assertThat(detail.body()).contains("database");
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/observe/metrics"))).GET()).statusCode()).isEqualTo(404);
    }
}
