package com.dlradapter.observe;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Prometheus metrics and health with the database check, on the management port only. */
class ObservabilityTest {

    @TempDir
    static Path data;
    static RunningAdapter adapter;
    static int managementPort;

    @BeforeAll
    static void start() {
        Map<String, String> settings = RunningAdapter.defaults(data);
        managementPort = Integer.parseInt(settings.get("dlr.management.port"));
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    HttpResponse<String> management(String path) {
        return adapter.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET());
    }

    static String zeckta(String event) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "obs-%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}
                """.formatted(event, event);
    }

    @Test
    void metricsCountReceiptsDuplicatesDeadLettersAndWebhookLatency() {
        assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("obs-1")).statusCode()).isEqualTo(200);
        assertThat(adapter.post(adapter.webhook("zeckta"), zeckta("obs-1")).body()).contains("duplicate");
        assertThat(adapter.post(adapter.webhook("zeckta"), "{\"eventId\": \"x\", \"message\": {}}").body()).contains("dead-lettered");
        assertThat(adapter.post("/webhooks/zeckta", zeckta("obs-2")).statusCode()).isEqualTo(401);

        HttpResponse<String> metrics = management("/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        String text = metrics.body();
        assertThat(text).contains("dlr_receipts_stored_total{provider=\"zeckta\",source=\"webhook\",status=\"DELIVERED\"} 1.0");
        assertThat(text).contains("dlr_receipts_duplicate_total{provider=\"zeckta\",source=\"webhook\"} 1.0");
        assertThat(text).contains("dlr_dead_letters_total{provider=\"zeckta\",source=\"webhook\"} 1.0");
        assertThat(text).contains("dlr_webhook_answer_seconds_bucket{code=\"200\",provider=\"zeckta\"");
        assertThat(text).contains("dlr_webhook_answer_seconds_count{code=\"401\",provider=\"zeckta\"} 1");
        assertThat(text).doesNotContain("233202007745");
    }

    @Test
    void healthIncludesTheDatabaseAndIsOnlyOnTheManagementPort() {
        HttpResponse<String> health = management("/observe/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        HttpResponse<String> ready = management("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        HttpResponse<String> detail = adapter.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/observe/health?exposureLevel=full")).GET());
        assertThat(detail.body()).contains("database");
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/observe/metrics"))).GET()).statusCode()).isEqualTo(404);
    }
}
