package com.dlradapter.polling;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real polling routes against provider status APIs served by WireMock on 127.0.0.1, with a
 * one-second schedule and a short backoff so that the whole lifecycle takes seconds. The whole
 * class runs on H2 and on PostgreSQL (the poll schedule and its claims are SQL).
 */
@ParameterizedClass
@EnumSource(TestDatabases.Kind.class)
class PollingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameter
    TestDatabases.Kind kind;
    @TempDir
    static Path data;
    static WireMockServer api;
    static RunningAdapter adapter;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabases.Kind kind) throws Exception {
        api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(
                Files.createDirectories(data.resolve(kind.name())), kind));
        settings.put("dlr.polling.cron", "0/1 * * * * ?");
        settings.put("dlr.polling.backoff", "1s,2s,3s");
        settings.put("dlr.polling.max-age", "1h");
        for (String provider : List.of("cecula", "zeckta", "mplus", "routee")) {
            settings.put("dlr.providers." + provider + ".base-url", api.baseUrl() + "/" + provider);
            settings.put("dlr.providers." + provider + ".api-key", provider + "-secret-key");
            settings.put("dlr.providers." + provider + ".timeout", "500ms");
            settings.put("dlr.providers." + provider + ".max-rps", "50");
        }
        settings.put("dlr.providers.routee.token-url", api.baseUrl() + "/routee/oauth/token");
        settings.put("dlr.providers.routee.client-id", "app-id");
        settings.put("dlr.providers.routee.client-secret", "app-secret");
        adapter = RunningAdapter.start(settings);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        adapter.close();
        api.stop();
    }

    @BeforeEach
    void reset() {
        api.resetAll();
    }

    private static void register(String provider, String messageId, String batchId) {
        String body = "{\"provider\": \"" + provider + "\", \"messageId\": \"" + messageId + "\""
                + (batchId == null ? "" : ", \"batchId\": \"" + batchId + "\"") + "}";
        HttpResponse<String> response = adapter.postApi("/api/messages", body);
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    private static String cecula(String reference, String status) {
        return """
                {"reference": "%s", "mobile": "2348181234567", "sender": "Cecula", "status": "%s",
                 "broadcastTime": "2024-10-08 07:41 AM", "pages": 1, "creditsDeducted": "1.50", "done": true,
                 "doneDate": "2024-10-08 07:42 AM"}""".formatted(reference, status);
    }

    private static List<Instant> callTimes(String url) {
        return api.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().equals(url))
                .map(ServeEvent::getRequest).map(r -> r.getLoggedDate().toInstant())
                .sorted(Comparator.naturalOrder()).toList();
    }

    @Test
    void aRegisteredMessageIsPolledUntilFinalAndThenNeverAgain() throws Exception {
        String url = "/cecula/sms/delivery-report/poll-final-1";
        api.stubFor(get(urlEqualTo(url)).inScenario("final").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody(cecula("poll-final-1", "PENDING")))
                .willSetStateTo("delivered"));
        api.stubFor(get(urlEqualTo(url)).inScenario("final").whenScenarioStateIs("delivered")
                .willReturn(aResponse().withStatus(200).withBody(cecula("poll-final-1", "DELIVRD"))));
        register("cecula", "poll-final-1", null);

        JsonNode state = adapter.awaitMessage("cecula", "poll-final-1", Duration.ofSeconds(20), m -> m.get("final").asBoolean());
        assertThat(state.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("source").asText()).isEqualTo("poll");
        assertThat(state.get("history")).hasSize(2);
        assertThat(state.get("polling").get("state").asText()).isEqualTo("done");
        // The API key travelled as a bearer token.
        api.verify(getRequestedFor(urlEqualTo(url)).withHeader("Authorization", equalTo("Bearer cecula-secret-key")));

        int calls = callTimes(url).size();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> callTimes(url).size() == calls);
    }

    @Test
    void pollsOfOneMessageBackOff() {
        String url = "/cecula/sms/delivery-report/poll-backoff-1";
        api.stubFor(get(urlEqualTo(url)).willReturn(aResponse().withStatus(200).withBody(cecula("poll-backoff-1", "SENT"))));
        register("cecula", "poll-backoff-1", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> callTimes(url).size() >= 4);
        List<Instant> times = callTimes(url);
        // Waits after each answer: 2s, 3s, 3s (the last step repeats); the cron turns every second.
        long[] expected = {2000, 3000, 3000};
        for (int i = 0; i < 3; i++) {
            long gap = Duration.between(times.get(i), times.get(i + 1)).toMillis();
            assertThat(gap).as("gap %d of %s", i, times).isBetween(expected[i] - 300, expected[i] + 1600);
        }
    }

    @Test
    void notFoundMeansNotYetKnownAndPollingGoesOn() throws Exception {
        String url = "/cecula/sms/delivery-report/poll-404";
        api.stubFor(get(urlEqualTo(url)).inScenario("404").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(404)).willSetStateTo("known"));
        api.stubFor(get(urlEqualTo(url)).inScenario("404").whenScenarioStateIs("known")
                .willReturn(aResponse().withStatus(200).withBody(cecula("poll-404", "DELIVRD"))));
        register("cecula", "poll-404", null);
        adapter.awaitMessage("cecula", "poll-404", Duration.ofSeconds(20), m -> m.get("final").asBoolean());
        assertThat(callTimes(url)).hasSize(2);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        String url = "/zeckta/v1/messaging/sms/messages/poll-429";
        api.stubFor(get(urlEqualTo(url)).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "4")).willSetStateTo("ok"));
        api.stubFor(get(urlEqualTo(url)).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(
                        "{\"uuid\": \"poll-429\", \"status\": \"DELIVERED\", \"dest\": \"+233202007745\"}")));
        register("zeckta", "poll-429", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> callTimes(url).size() >= 2);
        List<Instant> times = callTimes(url);
        assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(3800));
    }

    @Test
    void aTooManyRequestsStopsTheRestOfTheTurnAndItsMessagesStayDue() throws Exception {
        // The provider's first answer, to whichever message comes first, is 429; after that each answers.
        List<String> ids = List.of("burst-1", "burst-2", "burst-3", "burst-4");
        api.stubFor(get(urlPathMatching("/zeckta/v1/messaging/sms/messages/burst-.*")).inScenario("burst")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")).willSetStateTo("ok"));
        for (String id : ids) {
            api.stubFor(get(urlEqualTo("/zeckta/v1/messaging/sms/messages/" + id)).inScenario("burst")
                    .whenScenarioStateIs("ok").willReturn(aResponse().withStatus(200).withBody(
                            "{\"uuid\": \"" + id + "\", \"status\": \"DELIVERED\", \"dest\": \"+233202007745\"}")));
        }
        // Registered together, so they are due in the same turn.
        ids.forEach(id -> register("zeckta", id, null));

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (String id : ids) {
                if (!adapter.message("zeckta", id).get("final").asBoolean()) {
                    return false;
                }
            }
            return true;
        });
        List<Instant> times = api.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().contains("/messages/burst-"))
                .map(event -> event.getRequest().getLoggedDate().toInstant())
                .sorted().toList();
        assertThat(times).as("one 429, then one call per message").hasSize(ids.size() + 1);
        // Nothing reached the provider until its Retry-After had passed, not even the rest of that turn.
        assertThat(Duration.between(times.get(0), times.get(1))).as("calls at %s", times)
                .isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }

    @Test
    void serverErrorsAndTimeoutsAreRetriedAtTheNextTurnWithoutDelayingOtherProviders() throws Exception {
        String failing = "/cecula/sms/delivery-report/poll-500";
        api.stubFor(get(urlEqualTo(failing)).inScenario("500").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("slow"));
        api.stubFor(get(urlEqualTo(failing)).inScenario("500").whenScenarioStateIs("slow")
                .willReturn(aResponse().withStatus(200).withFixedDelay(3000).withBody(cecula("poll-500", "DELIVRD")))
                .willSetStateTo("fine"));
        api.stubFor(get(urlEqualTo(failing)).inScenario("500").whenScenarioStateIs("fine")
                .willReturn(aResponse().withStatus(200).withBody(cecula("poll-500", "DELIVRD"))));
        String other = "/zeckta/v1/messaging/sms/messages/poll-other";
        api.stubFor(get(urlEqualTo(other)).willReturn(aResponse().withStatus(200).withBody(
                "{\"uuid\": \"poll-other\", \"status\": \"DELIVERED\", \"dest\": \"+233202007745\"}")));
        register("cecula", "poll-500", null);
        register("zeckta", "poll-other", null);

        adapter.awaitMessage("cecula", "poll-500", Duration.ofSeconds(20), m -> m.get("final").asBoolean());
        List<Instant> times = callTimes(failing);
        assertThat(times).hasSizeGreaterThanOrEqualTo(3);
        // 500, then a timeout (the answer comes after 3 s, the bound is 500 ms), each retried a turn later.
        assertThat(Duration.between(times.get(0), times.get(1))).isLessThan(Duration.ofMillis(2600));
        assertThat(Duration.between(times.get(1), times.get(2))).isLessThan(Duration.ofMillis(2600));
        assertThat(adapter.message("zeckta", "poll-other").get("final").asBoolean()).isTrue();
    }

    @Test
    void aWebhookAndAPollOfTheSameStatusAreOneStoredEvent() throws Exception {
        assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("evt-wp", "MESSAGE_SENT", "SENT", "poll-both"))
                .statusCode()).isEqualTo(200);
        String url = "/zeckta/v1/messaging/sms/messages/poll-both";
        api.stubFor(get(urlEqualTo(url)).inScenario("both").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody(
                        "{\"uuid\": \"poll-both\", \"status\": \"SENT\", \"dest\": \"+233202007745\"}"))
                .willSetStateTo("done"));
        api.stubFor(get(urlEqualTo(url)).inScenario("both").whenScenarioStateIs("done")
                .willReturn(aResponse().withStatus(200).withBody(
                        "{\"uuid\": \"poll-both\", \"status\": \"DELIVERED\", \"dest\": \"+233202007745\"}")));
        // The non-final webhook receipt made the message tracked: no registration needed.
        JsonNode history = adapter.awaitMessage("zeckta", "poll-both", Duration.ofSeconds(20), m -> m.get("final").asBoolean())
                .get("history");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("source").asText()).isEqualTo("webhook");
        assertThat(history.get(1).get("source").asText()).isEqualTo("poll");
        assertThat(history.get(1).get("status").asText()).isEqualTo("DELIVERED");
    }

    @Test
    void aBatchIsPolledWithOneCallAndRouteeWithOneCachedToken() throws Exception {
        api.stubFor(get(urlEqualTo("/mplus/delivery-receipts/batch-7")).willReturn(aResponse().withStatus(200).withBody("""
                [{"destination": "+441111111111", "delivered": true, "batchuuid": "batch-7", "messageuuid": "b7-1"},
                 {"destination": "+441111111112", "delivered": false, "batchuuid": "batch-7", "messageuuid": "b7-2"}]""")));
        register("mplus", "b7-1", "batch-7");
        register("mplus", "b7-2", "batch-7");

        api.stubFor(post(urlPathEqualTo("/routee/oauth/token")).willReturn(aResponse().withStatus(200)
                .withBody("{\"access_token\": \"routee-token\", \"expires_in\": 3600}")));
        api.stubFor(get(urlEqualTo("/routee/sms/tracking/single/rt-1")).willReturn(aResponse().withStatus(200).withBody("""
                [{"messageId": "rt-1", "to": "+306948530920", "part": 1, "parts": 1,
                  "status": {"status": "Sent", "date": "2026-06-09T13:04:57Z"}}]""")));
        register("routee", "rt-1", null);

        await().atMost(Duration.ofSeconds(20)).until(() -> adapter.message("mplus", "b7-2").get("final").asBoolean()
                && adapter.message("mplus", "b7-1").get("final").asBoolean());
        assertThat(callTimes("/mplus/delivery-receipts/batch-7")).hasSize(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> callTimes("/routee/sms/tracking/single/rt-1").size() >= 2);
        api.verify(getRequestedFor(urlEqualTo("/routee/sms/tracking/single/rt-1"))
                .withHeader("Authorization", equalTo("Bearer routee-token")));
        api.verify(1, postRequestedFor(urlPathEqualTo("/routee/oauth/token")));
        assertThat(adapter.message("routee", "rt-1").get("status").asText()).isEqualTo("SENT");
    }

    @Test
    void anUnreadableAnswerIsADeadLetter() throws Exception {
        api.stubFor(get(urlEqualTo("/cecula/sms/delivery-report/poll-garbage"))
                .willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));
        register("cecula", "poll-garbage", null);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                adapter.get("/api/dead-letters?provider=cecula").body().contains("maintenance"));
        JsonNode deadLetter = JSON.readTree(adapter.get("/api/dead-letters?provider=cecula").body()).get("deadLetters").get(0);
        assertThat(deadLetter.get("source").asText()).isEqualTo("poll");
    }
}
