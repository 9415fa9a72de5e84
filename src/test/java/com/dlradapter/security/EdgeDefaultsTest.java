package com.dlradapter.security;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge with the limits as shipped (application.properties), not the test suite's "all off":
 * authenticated provider traffic is never refused for its rate, failed authentications are limited
 * per client without locking a provider out, and a multi-receipt post has a cap. 127.0.0.1 is a
 * trusted proxy here, so that X-Forwarded-For can name the client, as behind a load balancer.
 */
class EdgeDefaultsTest {

    @TempDir
    static Path data;
    static RunningAdapter adapter;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.remove("dlr.rate-limit.client.per-second");
        settings.remove("dlr.rate-limit.provider.per-second");
        settings.remove("dlr.rate-limit.failed-auth.per-second");
        settings.put("dlr.http.trusted-proxies", "127.0.0.1/32");
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    static String zeckta(String id) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_SENT", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "SENT"}}""".formatted(id, id);
    }

    static HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(adapter.url(path))).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        return adapter.send(request);
    }

    @Test
    void aCampaignBurstFromOneAddressIsNeverRefused() throws Exception {
        // 4,000 authenticated receipts from one client as fast as the adapter takes them, 32 in
        // flight (the old per-client limit of 50/s, burst 100, refused 3,400 of them).
        int total = 4_000;
        Semaphore inFlight = new Semaphore(32);
        Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            inFlight.acquire();
            sent.add(HTTP.sendAsync(post("/webhooks/zeckta?token=test-zeckta-token", zeckta("burst-" + i)).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .whenComplete((answer, failure) -> {
                        inFlight.release();
                        codes.computeIfAbsent(failure != null ? -1 : answer.statusCode(), c -> new AtomicInteger()).incrementAndGet();
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get();
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<Integer, Integer> counted = new TreeMap<>();
        codes.forEach((code, n) -> counted.put(code, n.get()));
        System.out.printf("campaign burst: %d receipts in %.1f s (%.0f/s): %s%n", total, seconds, total / seconds, counted);
        assertThat(counted).as("answers by status").containsOnlyKeys(200).containsEntry(200, total);
    }

    @Test
    void failedAuthenticationsAreLimitedPerClientButNeverLockOutAValidCredential() {
        // An attacker behind the same proxy address as a provider fails on purpose; the provider's
        // valid requests, interleaved, are all served.
        String shared = "203.0.113.9";
        int refused401 = 0;
        int refused429 = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> attack = send(post("/webhooks/zeckta?token=guess-" + i, zeckta("attack-" + i))
                    .header("X-Forwarded-For", shared));
            if (attack.statusCode() == 429) {
                refused429++;
                assertThat(attack.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
                assertThat(attack.body()).contains("too-many-requests").contains("failed authentications");
            } else {
                assertThat(attack.statusCode()).as(attack.body()).isEqualTo(401);
                refused401++;
            }
            if (i % 10 == 0) {
                HttpResponse<String> provider = send(post("/webhooks/zeckta?token=test-zeckta-token", zeckta("shared-" + i))
                        .header("X-Forwarded-For", shared));
                assertThat(provider.statusCode()).as("valid request %d from the shared address: %s", i, provider.body()).isEqualTo(200);
                HttpResponse<String> pathForm = send(post("/webhooks/zeckta/test-zeckta-token", zeckta("shared-path-" + i))
                        .header("X-Forwarded-For", shared));
                assertThat(pathForm.statusCode()).as(pathForm.body()).isEqualTo(200);
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        // burst 20, then 1 a second
        assertThat(refused401).as("answered 401 before the budget ran out").isBetween(20, 22 + (int) seconds);
        assertThat(refused429).isEqualTo(300 - refused401);
        // another client is not affected
        HttpResponse<String> other = send(post("/webhooks/zeckta?token=wrong", zeckta("other")).header("X-Forwarded-For", "198.51.100.20"));
        assertThat(other.statusCode()).isEqualTo(401);
    }

    @Test
    void failedAdminAuthenticationsAreLimitedAndShareTheClientsBudget() {
        String client = "198.51.100.8";
        int refused401 = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(adapter.url("/api/dead-letters")))
                    .header("Authorization", "Bearer wrong-" + i).header("X-Forwarded-For", client).GET());
            assertThat(answer.statusCode()).isIn(401, 429);
            if (answer.statusCode() == 401) {
                refused401++;
            } else {
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(refused401).as("of 1,000 wrong bearer tokens").isBetween(20, 22 + (int) seconds);
        // the right token from the same address is still served
        assertThat(send(HttpRequest.newBuilder(URI.create(adapter.url("/api/dead-letters")))
                .header("Authorization", "Bearer test-api-token").header("X-Forwarded-For", client).GET()).statusCode()).isEqualTo(200);
        // The same budget covers the webhooks: wrong tokens and unknown providers from this client
        // are 429 now (a separate budget would answer them 401/404; a token may have refilled).
        List<Integer> webhookFailures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String path = i % 2 == 0 ? "/webhooks/zeckta/wrong" : "/webhooks/nobody/wrong";
            webhookFailures.add(send(post(path, zeckta("api-client")).header("X-Forwarded-For", client)).statusCode());
        }
        assertThat(webhookFailures.stream().filter(code -> code == 429).count()).as(webhookFailures.toString()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aMultiReceiptPostOverTheCapIsRefused413BeforeItIsMapped() {
        StringBuilder items = new StringBuilder("[");
        for (int i = 0; i < 1_001; i++) {
            // receipts Messaging Plus's mapping stores, were they not too many
            items.append(i == 0 ? "" : ",").append("{\"messageuuid\": \"cap-").append(i).append("\", \"delivered\": true}");
        }
        String body = items.append(']').toString();
        long start = System.nanoTime();
        HttpResponse<String> answer = send(post("/webhooks/mplus?token=test-mplus-token", body));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).contains("\"error\":\"too-many-receipts\"").contains("1001 receipts").contains("at most 1000");
        assertThat(millis).as("refused before mapping a thousand items").isLessThan(5_000);
        assertThat(adapter.get("/api/messages/mplus/cap-0").statusCode()).as("nothing stored").isEqualTo(404);
        assertThat(adapter.get("/api/dead-letters").body()).doesNotContain("cap-0");
    }
}
