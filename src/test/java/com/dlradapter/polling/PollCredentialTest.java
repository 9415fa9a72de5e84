package com.dlradapter.polling;

import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poll call whose credential cannot be had (Routee's OAuth2 token endpoint failing or too slow,
 * Cecula without an API key) is a failed call like a 5xx: recorded in the schedule and retried at
 * the next turn, and the rest of that turn does not ask the token endpoint again.
 */
class PollCredentialTest {

    private static final String TOKEN = "/routee/oauth/token";

    @TempDir
    static Path data;
    static WireMockServer api;
    static RunningAdapter adapter;

    @BeforeAll
    static void start() {
        api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.polling.cron", "0/1 * * * * ?");
        settings.put("dlr.polling.backoff", "1s");
        settings.put("dlr.polling.max-age", "1h");
        settings.put("dlr.providers.routee.base-url", api.baseUrl() + "/routee");
        settings.put("dlr.providers.routee.token-url", api.baseUrl() + TOKEN);
        settings.put("dlr.providers.routee.client-id", "app-id");
        settings.put("dlr.providers.routee.client-secret", "app-secret");
        settings.put("dlr.providers.routee.timeout", "1s");
        settings.put("dlr.providers.routee.max-rps", "50");
        // Polled, but its API key was forgotten.
        settings.put("dlr.providers.cecula.base-url", api.baseUrl() + "/cecula");
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        adapter.close();
        api.stop();
    }

    private static void register(String provider, String messageId) {
        var response = adapter.postApi("/api/messages", "{\"provider\": \"" + provider + "\", \"messageId\": \"" + messageId + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static List<Instant> calls(String prefix) {
        return api.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(request -> request.getUrl().startsWith(prefix))
                .map(request -> request.getLoggedDate().toInstant()).sorted().toList();
    }

    /** last_outcome of the provider's schedule rows that were polled. */
    private static List<String> outcomes(String provider) throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (Connection connection = adapter.bean("dataSource", DataSource.class).getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT last_outcome FROM poll_schedule WHERE provider = ? AND last_polled_at IS NOT NULL")) {
            select.setString(1, provider);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    outcomes.add(rs.getString(1));
                }
            }
        }
        return outcomes;
    }

    private static boolean routeeFinal(String messageId) {
        try {
            return new ObjectMapper().readTree(adapter.get("/api/messages/routee/" + messageId).body()).path("final").asBoolean();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * At most one token request a turn (a turn a second), never one per message: over a few
     * seconds, not many more requests than seconds (one per message would be five a turn).
     */
    private static void assertOneTokenRequestPerTurn() {
        int before = calls(TOKEN).size();
        long start = System.nanoTime();
        // Checked at every poll for four seconds, not once at the end: a burst is seen when it happens.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
            assertThat(calls(TOKEN).size() - before).as("token requests in %d s", seconds)
                    .isLessThanOrEqualTo((int) seconds + 1);
        });
        assertThat(calls(TOKEN).size() - before).as("token requests over the window").isPositive();
    }

    @Test
    void aFailingOrSlowTokenEndpointIsAskedOnceATurnAndTheMessagesAreRetried() throws Exception {
        List<String> ids = List.of("rt-a", "rt-b", "rt-c", "rt-d", "rt-e");
        api.stubFor(post(urlPathEqualTo(TOKEN)).willReturn(aResponse().withStatus(500)));
        for (String id : ids) {
            api.stubFor(get(urlEqualTo("/routee/sms/tracking/single/" + id)).willReturn(aResponse().withStatus(200).withBody("""
                    [{"messageId": "%s", "to": "+306948530920", "part": 1, "parts": 1,
                      "status": {"status": "Delivered", "date": "2026-06-09T13:04:57Z"}}]""".formatted(id))));
        }
        ids.forEach(id -> register("routee", id));

        await().atMost(Duration.ofSeconds(20)).until(() -> calls(TOKEN).size() >= 1);
        assertOneTokenRequestPerTurn();
        assertThat(calls("/routee/sms")).as("no status call without a token").isEmpty();
        // The failure reached the schedule (retry at the next turn) instead of escaping the route.
        assertThat(outcomes("routee")).isNotEmpty().containsOnly("retry");

        // A token endpoint slower than the provider's timeout (1 s) is a failure alike.
        api.stubFor(post(urlPathEqualTo(TOKEN)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)
                .withBody("{\"access_token\": \"late\", \"expires_in\": 3600}")));
        assertOneTokenRequestPerTurn();
        assertThat(calls("/routee/sms")).isEmpty();

        // Once the endpoint answers, every message is polled with its token.
        api.stubFor(post(urlPathEqualTo(TOKEN)).willReturn(aResponse().withStatus(200)
                .withBody("{\"access_token\": \"routee-token\", \"expires_in\": 3600}")));
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(PollCredentialTest::routeeFinal));
        api.verify(ids.size(), getRequestedFor(urlPathMatching("/routee/sms/tracking/single/rt-.*"))
                .withHeader("Authorization", equalTo("Bearer routee-token")));
    }

    @Test
    void aMissingApiKeyIsAFailedCallRetriedAtTheNextTurn() throws Exception {
        register("cecula", "no-key-1");
        register("cecula", "no-key-2");
        await().atMost(Duration.ofSeconds(20)).until(() -> !outcomes("cecula").isEmpty());
        assertThat(outcomes("cecula")).containsOnly("retry");
        assertThat(calls("/cecula")).as("no call without the key").isEmpty();
    }
}
