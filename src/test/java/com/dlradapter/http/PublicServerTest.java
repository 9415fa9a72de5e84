package com.dlradapter.http;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The public server as a whole: one Vert.x for the public and the management server, health that
 * answers while every public worker is busy, and 503 with Retry-After (not 404) for requests that
 * arrive while the adapter stops.
 */
class PublicServerTest {

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The adapter with the test-only route /test/slow?millis=N (a request holding a public worker N ms). */
    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("camel.main.routes-include-pattern", "file:routes/*.yaml,classpath:test-routes/slow.yaml");
        return settings;
    }

    private CompletableFuture<HttpResponse<String>> slow(RunningAdapter adapter, long millis) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(adapter.url("/test/slow?millis=" + millis)))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePublicAndTheManagementServerShareOneVertx() {
        try (RunningAdapter adapter = RunningAdapter.start(settings())) {
            PublicHttpServer publicServer = adapter.context().hasService(PublicHttpServer.class);
            VertxPlatformHttpServer management = adapter.context().hasService(VertxPlatformHttpServer.class);
            assertThat(publicServer).isNotNull();
            assertThat(management).as("the management server").isNotNull();
            assertThat(management.getVertx()).as("the management server's Vert.x").isSameAs(publicServer.vertx());
        }
    }

    @Test
    void healthAnswersWhileEveryPublicWorkerIsBusy() throws Exception {
        Map<String, String> settings = settings();
        settings.put("dlr.http.worker-threads", "2");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            List<CompletableFuture<HttpResponse<String>>> busy = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                busy.add(slow(adapter, 6_000));
            }
            // both workers are taken and two requests wait for one: the management server does not
            await().atMost(Duration.ofSeconds(5)).until(() -> adapter.context().getInflightRepository().size() >= 2);
            long start = System.nanoTime();
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/health/live")))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(millis).as("liveness answered in ms while the public workers are busy").isLessThan(3_000);
            assertThat(busy.stream().filter(f -> !f.isDone()).count()).as("the slow requests still in flight").isGreaterThanOrEqualTo(2);
            for (CompletableFuture<HttpResponse<String>> request : busy) {
                assertThat(request.get().statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void whileTheAdapterStopsNewRequestsAre503WithRetryAfterAndRequestsInFlightAreAnswered() throws Exception {
        RunningAdapter adapter = RunningAdapter.start(settings());
        try {
            // a request in flight holds the graceful shutdown for a few seconds
            CompletableFuture<HttpResponse<String>> inFlight = slow(adapter, 6_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> adapter.context().getInflightRepository().size() >= 1);
            CamelContext context = adapter.context();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(adapter::stop);
            await().atMost(Duration.ofSeconds(5)).until(context::isStopping);
            HttpResponse<String> refused = adapter.post(adapter.webhook("zeckta"),
                    Payloads.zeckta("stop-1", "MESSAGE_DELIVERED", "DELIVERED", "stop-1"));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.body()).contains("\"error\":\"unavailable\"");
            HttpResponse<String> answered = inFlight.get();
            assertThat(answered.statusCode()).as("the request in flight when the stop began").isEqualTo(200);
            assertThat(answered.body()).isEqualTo("slow done");
            stopping.get();
        } finally {
            adapter.close();
        }
    }
}
