package com.dlradapter.ingest;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With dlr.reload=true, changed and added files in routes/ and mappings/ take effect without a
 * restart, and a broken file is refused while the previous version keeps serving.
 */
class HotReloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    @TempDir
    Path routes;
    @TempDir
    Path mappings;
    private RunningAdapter adapter;
    private WireMockServer api;

    @BeforeEach
    void start() throws IOException {
        api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        ShippedFiles.copyRoutes(routes);
        ShippedFiles.copyMappings(mappings);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.reload", "true");
        settings.put("dlr.reload.interval", "200ms");
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        settings.put("dlr.providers.acme2.auth", "none");
        // acme4, added while running, has a status API.
        settings.put("dlr.polling.cron", "0/1 * * * * ?");
        settings.put("dlr.polling.backoff", "1s");
        settings.put("dlr.providers.acme4.auth", "none");
        settings.put("dlr.providers.acme4.base-url", api.baseUrl());
        adapter = RunningAdapter.start(settings);
    }

    @AfterEach
    void stop() {
        adapter.close();
        api.stop();
    }

    /** Writes beside the target and moves it into place, as editors and deployments do. */
    private static void replace(Path file, String content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String result(String provider, String body) throws IOException {
        return JSON.readTree(adapter.post(adapter.webhook(provider), body).body()).path("result").asText();
    }

    @Test
    void aChangedMappingTakesEffectAndABrokenOneIsRefused() throws Exception {
        assertThat(result("zeckta", Payloads.zeckta("reload-1", "X", "LOST", "reload-msg-1"))).isEqualTo("dead-lettered");

        Path zeckta = mappings.resolve("zeckta.yaml");
        String original = Files.readString(zeckta);
        replace(zeckta, original.replace("statuses:\n", "statuses:\n  LOST: UNDELIVERED\n"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(result("zeckta", Payloads.zeckta("reload-2", "X", "LOST", "reload-msg-2"))).isEqualTo("stored"));

        // A broken version is refused: the one before keeps serving.
        replace(zeckta, original.replace("statuses:\n", "statuses:\n  LOST: NOT_A_STATUS\n"));
        AtomicInteger attempt = new AtomicInteger();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String id = "reload-3-" + attempt.incrementAndGet();
            assertThat(result("zeckta", Payloads.zeckta(id, "X", "LOST", id))).isEqualTo("stored");
        });
    }

    @Test
    void aChangedMappingThatFailsItsOwnSamplesIsRefusedAndThePreviousKeepsServing() throws Exception {
        Path acme = mappings.resolve("acme.yaml");
        // a path typo: every status callback would be stored with recipient null
        replace(acme, Files.readString(acme).replace("recipient: $.To", "recipient: $.Too"));
        AtomicInteger attempt = new AtomicInteger();
        String form = "application/x-www-form-urlencoded";
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String id = "SMtypo" + attempt.incrementAndGet();
            var answer = adapter.post(adapter.webhook("acme"), "MessageSid=" + id + "&MessageStatus=sent&To=%2B15558675310", form);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(JSON.readTree(adapter.get("/api/messages/acme/" + id).body()).path("recipient").asText())
                    .isEqualTo("+15558675310");
        });
    }

    @Test
    void aRouteFileWrittenBeforeItsMappingGoesLiveOnlyOnceTheMappingIsLoaded() throws Exception {
        replace(routes.resolve("acme2.yaml"), Files.readString(routes.resolve("acme.yaml")).replace("acme", "acme2"));
        String form = "application/x-www-form-urlencoded";
        // refused while acme2 has no mapping: no route, not even one answering "unknown provider"
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(adapter.context().getRoute("webhook-acme2")).isNull();
            assertThat(adapter.post(adapter.webhook("acme2"), "MessageSid=B1&MessageStatus=sent", form).statusCode())
                    .isEqualTo(404);
        });
        replace(mappings.resolve("acme2.yaml"), Files.readString(mappings.resolve("acme.yaml"))
                .replace("provider: acme", "provider: acme2"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var answer = adapter.post(adapter.webhook("acme2"), "MessageSid=B2&MessageStatus=sent", form);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        });
    }

    @Test
    void anAddedProviderIsServedAndABrokenRouteFileIsRefused() throws Exception {
        replace(mappings.resolve("acme2.yaml"), Files.readString(mappings.resolve("acme.yaml"))
                .replace("provider: acme", "provider: acme2"));
        replace(routes.resolve("acme2.yaml"), Files.readString(routes.resolve("acme.yaml")).replace("acme", "acme2"));
        String form = "application/x-www-form-urlencoded";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var answer = adapter.post(adapter.webhook("acme2"), "MessageSid=A1&MessageStatus=sent", form);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        });

        replace(routes.resolve("acme2.yaml"), "- templatedRoute: {routeTemplateRef: no-such-template, routeId: webhook-acme2}\n");
        replace(routes.resolve("zeckta.yaml"), "- route: {id: webhook-zeckta, from: {uri: 'platform-http:/x', steps: [{noSuchStep: {}}]}}\n");
        AtomicInteger attempt = new AtomicInteger();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String id = "reload-4-" + attempt.incrementAndGet();
            assertThat(adapter.post(adapter.webhook("acme2"), "MessageSid=" + id + "&MessageStatus=sent", form).statusCode())
                    .isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta(id, "X", "SENT", id)).statusCode()).isEqualTo(200);
        });

        // A value its Kamelet's contract does not allow (routes/webhook-template.kamelet.yaml) is
        // refused like any broken file: acme2 keeps taking POST.
        replace(routes.resolve("acme2.yaml"), Files.readString(routes.resolve("acme.yaml")).replace("acme", "acme2")
                .replace("value: GET,POST", "value: PUT"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String id = "reload-5-" + attempt.incrementAndGet();
            assertThat(adapter.post(adapter.webhook("acme2"), "MessageSid=" + id + "&MessageStatus=sent", form).statusCode())
                    .isEqualTo(200);
        });

        // A removed file takes its routes away.
        Files.delete(routes.resolve("acme2.yaml"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(adapter.post(adapter.webhook("acme2"), "MessageSid=A3&MessageStatus=sent", form).statusCode()).isEqualTo(404));
    }

    @Test
    void anAddedProviderWithDefaultAuthHasItsTokenFileBeforeItsFirstRequest() throws Exception {
        // As docs/adding-a-provider.md does it: the mapping, then the route, then a call with
        // $(cat data/provider-tokens/<id>). acme3 has no token setting: one is generated.
        replace(mappings.resolve("acme3.yaml"), Files.readString(mappings.resolve("acme.yaml"))
                .replace("provider: acme", "provider: acme3"));
        Path tokenFile = data.resolve("provider-tokens").resolve("acme3");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(tokenFile) && !Files.readString(tokenFile).isBlank());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String token = Files.readString(tokenFile).trim();

        replace(routes.resolve("acme3.yaml"), Files.readString(routes.resolve("acme.yaml")).replace("acme", "acme3"));
        String form = "application/x-www-form-urlencoded";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var answer = adapter.post("/webhooks/acme3?token=" + token, "MessageSid=T1&MessageStatus=delivered", form);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("result").asText()).isEqualTo("stored");
        });
        assertThat(JSON.readTree(adapter.get("/api/messages/acme3/T1").body()).path("status").asText()).isEqualTo("DELIVERED");
        assertThat(adapter.post("/webhooks/acme3", "MessageSid=T2&MessageStatus=sent", form).statusCode()).isEqualTo(401);
        assertThat(Files.readString(tokenFile).trim()).as("the token is kept, not generated again").isEqualTo(token);
    }

    @Test
    void anAddedProviderCanBePolled() throws Exception {
        replace(mappings.resolve("acme4.yaml"), Files.readString(mappings.resolve("acme.yaml"))
                .replace("provider: acme", "provider: acme4"));
        replace(routes.resolve("acme4.yaml"), """
                - templatedRoute:
                    routeTemplateRef: provider-webhook
                    routeId: webhook-acme4
                    parameters:
                      - {name: provider, value: acme4}
                - templatedRoute:
                    routeTemplateRef: provider-poller
                    routeId: poll-acme4
                    parameters:
                      - {name: provider, value: acme4}
                      - {name: statusPath, value: "/status/{key}"}
                      - {name: auth, value: none}
                """);
        api.stubFor(get(urlEqualTo("/status/P1")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-www-form-urlencoded")
                .withBody("MessageSid=P1&MessageStatus=delivered")));
        String form = "application/x-www-form-urlencoded";
        // A receipt that is not final makes the message tracked; the poll then finds it delivered.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(adapter.post("/webhooks/acme4", "MessageSid=P1&MessageStatus=sent", form).statusCode()).isEqualTo(200));
        var state = adapter.awaitMessage("acme4", "P1", Duration.ofSeconds(20), m -> m.path("final").asBoolean());
        assertThat(state.path("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.path("source").asText()).isEqualTo("poll");
    }
}
