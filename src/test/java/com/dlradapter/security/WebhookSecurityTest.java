package com.dlradapter.security;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who may call what, over real HTTP: every webhook and every /api route without, with a wrong and
 * with the right credential; auth: none; IP allow-lists; HMAC signatures (a synthetic signing
 * provider); rate limits; and the management surface, which is not on the public port.
 */
class WebhookSecurityTest {

    @TempDir
    static Path data;
    @TempDir
    static Path extra;
    static RunningAdapter adapter;
    static final HmacSignature SIGNED = new HmacSignature("X-Signature", "HmacSHA256", "hex", "sha256=");

    @BeforeAll
    static void start() throws Exception {
        // A synthetic provider "signed" (a copy of Zeckta's mapping) whose callbacks carry an HMAC,
        // and "walled" that only 10.0.0.0/8 may call, and "open" with auth none.
        Path mappings = Files.createDirectories(extra.resolve("mappings"));
        Path routes = Files.createDirectories(extra.resolve("routes"));
        ShippedFiles.copyMappings(mappings);
        String zeckta = Files.readString(Path.of("mappings/zeckta.yaml"));
        // "signedform": a copy of Acme's form-encoded mapping whose callbacks carry an HMAC of the form body
        Files.writeString(mappings.resolve("signedform.yaml"),
                Files.readString(Path.of("mappings/acme.yaml")).replace("provider: acme", "provider: signedform"));
        Files.writeString(routes.resolve("signedform.yaml"), ShippedFiles.webhookRoute("signedform"));
        // "twiliodirect": Twilio's scheme without dlr.http.public-base-url: the URL signed is the request's own
        Files.writeString(mappings.resolve("twiliodirect.yaml"), Files.readString(Path.of("mappings/acme.yaml"))
                .replace("provider: acme", "provider: twiliodirect") + "\nsignature:\n  scheme: twilio\n");
        Files.writeString(routes.resolve("twiliodirect.yaml"), ShippedFiles.webhookRoute("twiliodirect"));
        for (String id : List.of("signed", "walled", "open")) {
            Files.writeString(mappings.resolve(id + ".yaml"), zeckta.replace("provider: zeckta", "provider: " + id));
            Files.writeString(routes.resolve(id + ".yaml"), ShippedFiles.webhookRoute(id));
        }
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.mappings.dir", mappings.toString());
        settings.put("camel.main.routes-include-pattern", "file:routes/*.yaml,file:" + routes.toAbsolutePath() + "/*.yaml");
        settings.put("dlr.providers.signed.token", "signed-token");
        settings.put("dlr.providers.signed.signature.header", "X-Signature");
        settings.put("dlr.providers.signed.signature.prefix", "sha256=");
        Path secretFile = extra.resolve("signing-secret");
        Files.writeString(secretFile, "signing-secret\n");
        settings.put("dlr.providers.signed.signature.secret-file", secretFile.toString());
        settings.put("dlr.providers.signedform.token", "signedform-token");
        settings.put("dlr.providers.signedform.signature.header", "X-Signature");
        settings.put("dlr.providers.signedform.signature.prefix", "sha256=");
        settings.put("dlr.providers.signedform.signature.secret", "signing-secret");
        settings.put("dlr.providers.twiliodirect.token", "twiliodirect-token");
        settings.put("dlr.providers.twiliodirect.signature.secret", "twilio-auth-token");
        settings.put("dlr.providers.walled.token", "walled-token");
        settings.put("dlr.providers.walled.allow-from", "10.0.0.0/8, 2001:db8::/32");
        settings.put("dlr.providers.open.auth", "none");
        // zeckta: no token configured, so one is generated into the data directory
        settings.remove("dlr.providers.zeckta.token");
        settings.put("dlr.rate-limit.provider.per-second", "0");
        settings.put("dlr.http.request-timeout", "1s");
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    static String receipt(String event) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_SENT", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "sec-%s", "src": "ZECKTA", "dest": "+233202007745", "status": "SENT"}}
                """.formatted(event, event);
    }

    static String body(String provider, String event) {
        return provider.equals("cecula")
                ? "{\"reference\": \"sec-" + event + "\", \"mobile\": \"2348181234567\", \"status\": \"SENT\", \"broadcastTime\": \"2024-10-08 07:41 AM\"}"
                : provider.equals("mplus")
                ? "{\"messageId\": \"sec-" + event + "\", \"status\": \"SENT\"}"
                : provider.equals("routee")
                ? "{\"messageId\": \"sec-" + event + "\", \"status\": \"Sent\"}"
                : provider.equals("acme")
                ? "MessageSid=sec-" + event + "&MessageStatus=sent"
                : receipt(event);
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adapter.url(path)))
                .header("Content-Type", body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return adapter.send(request);
    }

    static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("provider:" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyWebhookRefusesAMissingOrWrongTokenAndAcceptsTheRightOneInQueryPathOrBasicAuth() {
        int n = 0;
        for (String provider : RunningAdapter.PROVIDERS) {
            String token = provider.equals("zeckta") ? generatedToken("zeckta") : "test-" + provider + "-token";
            String body = body(provider, "auth-" + provider);
            for (HttpResponse<String> refused : List.of(
                    post("/webhooks/" + provider, body),
                    post("/webhooks/" + provider + "?token=wrong", body),
                    post("/webhooks/" + provider + "/wrong", body),
                    post("/webhooks/" + provider, body, "Authorization", basic("wrong")),
                    post("/webhooks/" + provider, body, "Authorization", "Bearer " + token))) {
                assertThat(refused.statusCode()).as(provider + ": " + refused.body()).isEqualTo(401);
                assertThat(refused.body()).doesNotContain(token).contains("unauthorized");
                assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"dlr-adapter\"");
            }
            for (HttpResponse<String> accepted : List.of(
                    post("/webhooks/" + provider + "?token=" + token, body),
                    post("/webhooks/" + provider + "/" + token, body),
                    post("/webhooks/" + provider, body, "Authorization", basic(token)))) {
                if (RunningAdapter.SIGNING_PROVIDERS.contains(provider)) {
                    // the token passes; the unsigned call is then refused for its signature
                    assertThat(RunningAdapter.refusedForItsSignature(accepted)).as(provider + ": " + accepted.body()).isTrue();
                } else {
                    assertThat(accepted.statusCode()).as(provider + ": " + accepted.body()).isEqualTo(200);
                }
                assertThat(accepted.body()).doesNotContain(token);
            }
            n++;
        }
        assertThat(n).isEqualTo(RunningAdapter.PROVIDERS.size());
        assertThat(post("/webhooks/zeckta/" + generatedToken("zeckta") + "/deeper", receipt("deep")).statusCode()).isEqualTo(404);
    }

    String generatedToken(String provider) {
        Path file = data.resolve("provider-tokens").resolve(provider);
        assertThat(file).exists();
        try {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void authNoneOpensOnlyThatProvider() {
        assertThat(post("/webhooks/open", receipt("open-1")).statusCode()).isEqualTo(200);
        assertThat(post("/webhooks/signed", receipt("open-2")).statusCode()).isEqualTo(401);
    }

    @Test
    void anIpAllowListRefusesOtherAddressesEvenWithTheToken() {
        HttpResponse<String> outside = post("/webhooks/walled?token=walled-token", receipt("wall-1"));
        assertThat(outside.statusCode()).as(outside.body()).isEqualTo(403);
        // X-Forwarded-For is ignored without trusted proxies
        assertThat(post("/webhooks/walled?token=walled-token", receipt("wall-2"), "X-Forwarded-For", "10.1.2.3").statusCode())
                .isEqualTo(403);
    }

    @Test
    void aSigningProviderNeedsTheRightHmacOfTheRawBody() {
        String body = receipt("signed-1");
        String good = SIGNED.sign(body.getBytes(StandardCharsets.UTF_8), "signing-secret");
        assertThat(post("/webhooks/signed?token=signed-token", body).statusCode()).isEqualTo(401);
        assertThat(post("/webhooks/signed?token=signed-token", body, "X-Signature", "sha256=00ff").statusCode()).isEqualTo(401);
        assertThat(post("/webhooks/signed?token=signed-token", body + " ", "X-Signature", good).statusCode())
                .as("the signature covers the exact body").isEqualTo(401);
        assertThat(post("/webhooks/signed", body, "X-Signature", good).statusCode()).as("and the token is still needed").isEqualTo(401);
        HttpResponse<String> ok = post("/webhooks/signed?token=signed-token", body, "X-Signature", good);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void withoutAPublicBaseUrlTwilioSignsTheUrlWithTheRequestsOwnSchemeAndHost() throws Exception {
        String body = "MessageStatus=sent&MessageSid=SMdirect-1&To=%2B15558675310";
        Map<String, String> fields = Map.of("MessageStatus", "sent", "MessageSid", "SMdirect-1", "To", "+15558675310");
        String path = "/webhooks/twiliodirect?token=twiliodirect-token";
        String elsewhere = SignatureSchemesTest.twilioSignature("twilio-auth-token", "https://dlr.example.com" + path, fields);
        assertThat(post(path, body, "X-Twilio-Signature", elsewhere).statusCode()).isEqualTo(401);
        String own = SignatureSchemesTest.twilioSignature("twilio-auth-token", adapter.url(path), fields);
        HttpResponse<String> ok = post(path, body, "X-Twilio-Signature", own);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(adapter.get("/api/messages/twiliodirect/SMdirect-1").statusCode()).isEqualTo(200);
    }

    @Test
    void aSignedFormIsCheckedOverTheExactBytesSentAndStoredAsSentLessItsTokens() throws Exception {
        // Fields in an order no encoder of a parsed form would choose, with '+' and %20 for spaces,
        // a lower-case escape, an empty field, a repeated field and a token-named field (not the
        // credential: that is the query's): the signature covers these bytes, nothing re-encoded.
        String body = "To=%2b15558675310&ErrorMessage=Unreachable+destination%20handset&Empty=&MessageStatus=undelivered"
                + "&Tag=a&TOKEN=provider-secret&Tag=b&ErrorCode=30003&MessageSid=SMform-1&From=%2B15017122661";
        String good = SIGNED.sign(body.getBytes(StandardCharsets.UTF_8), "signing-secret");
        HttpResponse<String> ok = post("/webhooks/signedform?token=signedform-token", body, "X-Signature", good);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        String reordered = body.replace("To=%2b15558675310&", "") + "&To=%2b15558675310";
        assertThat(post("/webhooks/signedform?token=signedform-token", reordered, "X-Signature", good).statusCode())
                .as("the same fields in another order are other bytes").isEqualTo(401);
        String reencoded = body.replace("%2b", "%2B");
        assertThat(post("/webhooks/signedform?token=signedform-token", reencoded, "X-Signature", good).statusCode())
                .as("the same fields encoded otherwise are other bytes").isEqualTo(401);
        String tampered = body.replace("undelivered", "delivered");
        assertThat(post("/webhooks/signedform?token=signedform-token", tampered, "X-Signature", good).statusCode())
                .isEqualTo(401);

        // stored as received, less the token-named field
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var state = json.readTree(adapter.get("/api/messages/signedform/SMform-1").body());
        assertThat(state.get("status").asText()).isEqualTo("UNDELIVERED");
        assertThat(state.get("recipient").asText()).isEqualTo("+15558675310");
        String eventId = state.get("history").get(0).get("id").asText();
        HttpResponse<String> event = adapter.get("/api/messages/signedform/SMform-1/events/" + eventId);
        assertThat(json.readTree(event.body()).get("rawPayload").asText())
                .isEqualTo(body.replace("&TOKEN=provider-secret", ""));
    }

    /** One admin API route: how to call it, and what the right token gets. */
    record ApiCall(String method, String route, String path, String body, int answer) {
        HttpRequest.Builder request(RunningAdapter adapter) {
            return HttpRequest.newBuilder(URI.create(adapter.url(path))).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        }
    }

    /** Every route of routes/api.yaml as "METHOD /path/{param}". */
    static Set<String> apiRoutes() throws Exception {
        Set<String> routes = new TreeSet<>();
        Matcher route = Pattern.compile("uri: \"platform-http:(/api/[^\"]*)\"\\s+parameters:\\s+httpMethodRestrict: (\\w+)")
                .matcher(Files.readString(Path.of("routes/api.yaml")));
        while (route.find()) {
            routes.add(route.group(2) + " " + route.group(1));
        }
        return routes;
    }

    @Test
    void everyApiRouteNeedsTheBearerToken() throws Exception {
        // A dead letter to replay, so that a replay without the token would have something to do.
        HttpResponse<String> dead = post("/webhooks/open", "{\"eventId\": \"api-dl\", \"message\": {}}");
        assertThat(dead.body()).contains("dead-lettered");
        long deadLetterId = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(dead.body())
                .get("deadLetterId").asLong();
        List<ApiCall> calls = List.of(
                new ApiCall("GET", "/api/messages/{provider}/{messageId}", "/api/messages/open/sec-x", null, 404),
                new ApiCall("POST", "/api/messages", "/api/messages", "{\"provider\": \"zeckta\", \"messageId\": \"sec-reg\"}", 201),
                new ApiCall("GET", "/api/dead-letters", "/api/dead-letters", null, 200),
                new ApiCall("POST", "/api/dead-letters/{id}/replay", "/api/dead-letters/" + deadLetterId + "/replay", null, 200),
                new ApiCall("POST", "/api/dead-letters/replay", "/api/dead-letters/replay?provider=nobody", null, 200),
                new ApiCall("GET", "/api/deliveries", "/api/deliveries?status=failed", null, 200),
                new ApiCall("POST", "/api/deliveries/{id}/retry", "/api/deliveries/msg_unknown/retry", null, 404),
                new ApiCall("GET", "/api/deliveries/targets", "/api/deliveries/targets", null, 200),
                new ApiCall("GET", "/api/overview", "/api/overview", null, 200),
                new ApiCall("GET", "/api/openapi.json", "/api/openapi.json", null, 200),
                new ApiCall("POST", "/api/deliveries/retry", "/api/deliveries/retry?target=nowhere", null, 200),
                new ApiCall("GET", "/api/messages/{provider}/{messageId}/deliveries", "/api/messages/open/sec-x/deliveries",
                        null, 404),
                new ApiCall("GET", "/api/messages", "/api/messages?limit=5&provider=zeckta", null, 200),
                new ApiCall("GET", "/api/messages/{provider}/{messageId}/events/{eventId}", "/api/messages/open/sec-x/events/e-1",
                        null, 404),
                new ApiCall("GET", "/api/providers", "/api/providers", null, 200),
                new ApiCall("GET", "/api/providers/{provider}", "/api/providers/zeckta", null, 200));
        Set<String> tested = calls.stream().map(call -> call.method() + " " + call.route()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(tested).as("every route of routes/api.yaml is tested").isEqualTo(apiRoutes());

        for (ApiCall call : calls) {
            String what = call.method() + " " + call.path();
            for (HttpResponse<String> refused : List.of(
                    adapter.send(call.request(adapter)),
                    adapter.send(call.request(adapter).header("Authorization", "Bearer wrong")),
                    adapter.send(call.request(adapter).header("Authorization", "Bearer test-api-token-and-more")),
                    adapter.send(call.request(adapter).header("Authorization", basic("test-api-token"))),
                    adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(call.path() + (call.path().contains("?") ? "&" : "?")
                            + "token=test-api-token"))).method(call.method(), HttpRequest.BodyPublishers.noBody())))) {
                assertThat(refused.statusCode()).as(what + ": " + refused.body()).isEqualTo(401);
                assertThat(refused.headers().firstValue("WWW-Authenticate")).as(what).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
                assertThat(refused.body()).as(what).contains("unauthorized").doesNotContain("test-api-token");
            }
            HttpResponse<String> answered = adapter.send(call.request(adapter).header("Authorization", "Bearer test-api-token"));
            assertThat(answered.statusCode()).as(what + ": " + answered.body()).isEqualTo(call.answer());
        }
        // The refused calls did nothing: the message was registered once (by the right call), the
        // dead letter replayed once.
        assertThat(adapter.get("/api/messages/zeckta/sec-reg").statusCode()).isEqualTo(200);
        HttpResponse<String> again = adapter.call("POST", "/api/dead-letters/" + deadLetterId + "/replay", RunningAdapter.API_TOKEN);
        assertThat(again.body()).contains("\"replays\":2");
    }

    @Test
    void theGetCallbackOfAcmeNeedsItsTokenInTheQueryThePathOrBasicAuth() {
        String query = "msisdn=447700900000&messageId=sec-get-1&status=delivered&err-code=0";
        for (HttpResponse<String> refused : List.of(
                get("/webhooks/acme?" + query),
                get("/webhooks/acme?" + query + "&token=wrong"),
                get("/webhooks/acme/wrong?" + query),
                get("/webhooks/acme/test-cecula-token?" + query),
                get("/webhooks/acme?" + query, "Authorization", basic("wrong")),
                get("/webhooks/acme?" + query + "&token=test-cecula-token"))) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"dlr-adapter\"");
        }
        for (HttpResponse<String> accepted : List.of(
                get("/webhooks/acme?" + query + "&token=test-acme-token"),
                get("/webhooks/acme/test-acme-token?" + query),
                get("/webhooks/acme?" + query, "Authorization", basic("test-acme-token")))) {
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            assertThat(accepted.body()).contains("\"messageId\":\"sec-get-1\"").doesNotContain("test-acme-token");
        }
        // Stored once (the token is not part of the payload, so the three are one receipt).
        assertThat(adapter.get("/api/messages/acme/sec-get-1").body()).contains("\"status\":\"DELIVERED\"");
    }

    @Test
    void thePathTokenFormChecksTheTokenOfTheProviderInThePath() {
        String cecula = body("cecula", "path-1");
        // another provider's token, or the path form of an unknown provider
        assertThat(post("/webhooks/cecula/test-acme-token", cecula).statusCode()).isEqualTo(401);
        assertThat(post("/webhooks/nobody/test-cecula-token", cecula).statusCode()).isEqualTo(404);
        assertThat(post("/webhooks/open/anything", receipt("path-open")).statusCode()).as("auth none").isEqualTo(200);
        assertThat(post("/webhooks/walled/walled-token", receipt("path-wall")).statusCode()).as("allow-list").isEqualTo(403);
        HttpResponse<String> ok = post("/webhooks/cecula/test-cecula-token", cecula);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void onlyTheExactCredentialFormsAreCredentials() {
        String token = "test-cecula-token";
        String encoded = "test-c%65cula-token";   // the value may be percent-encoded, the name may not
        int n = 0;
        for (HttpResponse<String> refused : List.of(
                post("/webhooks/cecula?TOKEN=" + token, body("cecula", "form-" + n++)),
                post("/webhooks/cecula?Token=" + token, body("cecula", "form-" + n++)),
                post("/webhooks/cecula?tok%65n=" + token, body("cecula", "form-" + n++)),
                post("/webhooks/cecula?x=1;token=" + token, body("cecula", "form-" + n++)),
                post("/webhooks/cecula?token=" + token + "&token=" + token, body("cecula", "form-" + n++)),
                post("/webhooks/cecula?token%3D" + token, body("cecula", "form-" + n++)),
                post("/webhooks/cecula", body("cecula", "form-" + n++), "token", token),
                post("/webhooks/cecula", body("cecula", "form-" + n++), "Token", token),
                post("/webhooks/cecula/wrong", body("cecula", "form-" + n++), "token", token),
                post("/webhooks/cecula/wrong?token=" + token, body("cecula", "form-" + n++)),
                // a form field, which platform-http copies into the headers, is no credential
                post("/webhooks/acme", "MessageSid=sec-form-" + n++ + "&MessageStatus=sent&token=test-acme-token"),
                post("/webhooks/acme", "MessageSid=sec-form-" + n++ + "&MessageStatus=sent&Authorization="
                        + java.net.URLEncoder.encode(basic("test-acme-token"), StandardCharsets.UTF_8)))) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        }
        for (HttpResponse<String> accepted : List.of(
                post("/webhooks/cecula?token=" + token, body("cecula", "form-ok-1")),
                post("/webhooks/cecula?a=1&token=" + encoded + "&b=2", body("cecula", "form-ok-2")),
                post("/webhooks/cecula/" + token, body("cecula", "form-ok-3")),
                post("/webhooks/cecula/" + encoded, body("cecula", "form-ok-4")),
                post("/webhooks/cecula", body("cecula", "form-ok-5"), "Authorization", basic(token)))) {
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        }
        // The path form's provider comes from the path, whatever a query parameter or header says.
        HttpResponse<String> steered = post("/webhooks/cecula/" + token + "?provider=acme", body("cecula", "form-ok-6"), "provider", "acme");
        assertThat(steered.statusCode()).as(steered.body()).isEqualTo(200);
        assertThat(adapter.get("/api/messages/cecula/sec-form-ok-6").statusCode()).isEqualTo(200);
        assertThat(adapter.get("/api/messages/cecula/sec-form-0").statusCode()).as("refused ones are not stored").isEqualTo(404);
    }

    @Test
    void noTokenSpellingIsKeptInAStoredGetPayload() throws Exception {
        // Unmappable GET callbacks (no status), so their raw query is kept as a dead letter.
        String token = "test-acme-token";
        List<String> paths = List.of(
                "/webhooks/acme?messageId=strip-1&token=" + token + "&msisdn=447700900000",
                "/webhooks/acme?token=test-acme-t%6Fken&messageId=strip-2&TOKEN=" + token + "&tok%65n=" + token + "&ToKeN",
                "/webhooks/acme/" + token + "?messageId=strip-3&token=" + token + "&Token=" + token + "&T%4fKEN=" + token);
        for (String path : paths) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.body()).as(path).contains("dead-lettered");
        }
        String deadLetters = adapter.get("/api/dead-letters").body();
        for (String id : List.of("strip-1", "strip-2", "strip-3")) {
            assertThat(deadLetters).contains(id);
        }
        assertThat(deadLetters).doesNotContain(token).doesNotContainIgnoringCase("token=").doesNotContain("tok%65n")
                .doesNotContainIgnoringCase("T%4fKEN");
        assertThat(deadLetters).contains("messageId=strip-1&msisdn=447700900000");
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adapter.url(path))).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return adapter.send(request);
    }

    @Test
    void aClientThatTricklesItsBodyIsCutOff() throws Exception {
        URI uri = URI.create(adapter.url("/webhooks/open"));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", uri.getPort())) {
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write(("POST /webhooks/open HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"eventId\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            var in = socket.getInputStream();
            int read;
            while ((read = in.read()) >= 0) {
                // drain whatever comes; the server must end the connection
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(read).isEqualTo(-1);
            assertThat(seconds).as("closed after dlr.http.request-timeout (1s)").isLessThan(10);
        }
        // the server still serves others
        assertThat(post("/webhooks/open", receipt("after-slow")).statusCode()).isEqualTo(200);
    }

    @Test
    void managementServicesAreNotOnThePublicPort() {
        for (String path : List.of("/observe/health", "/observe/metrics", "/observe/jolokia", "/observe/info",
                "/q/dev", "/q/health", "/observe/upload", "/observe/send", "/q/jolokia")) {
            for (String method : List.of("GET", "POST")) {
                HttpResponse<String> answer = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(path)))
                        .method(method, HttpRequest.BodyPublishers.ofString("{}")));
                assertThat(answer.statusCode()).as(method + " " + path).isEqualTo(404);
            }
        }
    }

    @Test
    void perClientRateLimitAnswers429WithRetryAfter() throws Exception {
        Path other = Files.createDirectories(extra.resolve("rate"));
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(other));
        settings.put("dlr.rate-limit.client.per-second", "1");
        settings.put("dlr.rate-limit.client.burst", "3");
        try (RunningAdapter limited = RunningAdapter.start(settings)) {
            List<Integer> codes = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 6; i++) {
                last = limited.post(limited.webhook("zeckta"), receipt("rate-" + i));
                codes.add(last.statusCode());
            }
            assertThat(codes.subList(0, 3)).containsOnly(200);
            assertThat(codes).contains(429);
            assertThat(last.statusCode()).isEqualTo(429);
            assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
            assertThat(last.body()).contains("too-many-requests");
        }
    }

    @Test
    void perProviderRateLimitAnswers429WithRetryAfterAfterAuthenticationAndOnlyForThatProvider() throws Exception {
        Path other = Files.createDirectories(extra.resolve("provider-rate"));
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(other));
        settings.put("dlr.rate-limit.provider.per-second", "1");
        settings.put("dlr.rate-limit.provider.burst", "3");
        try (RunningAdapter limited = RunningAdapter.start(settings)) {
            // Refused callers do not use up the provider's bucket: it is taken after authentication.
            for (int i = 0; i < 5; i++) {
                assertThat(limited.post("/webhooks/zeckta?token=wrong", receipt("prate-x" + i)).statusCode()).isEqualTo(401);
            }
            List<Integer> codes = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 6; i++) {
                last = limited.post(limited.webhook("zeckta"), receipt("prate-" + i));
                codes.add(last.statusCode());
            }
            assertThat(codes.subList(0, 3)).containsOnly(200);
            assertThat(last.statusCode()).as(codes.toString()).isEqualTo(429);
            assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
            assertThat(last.body()).contains("too-many-requests");
            // another provider has its own bucket
            assertThat(limited.post(limited.webhook("cecula"), body("cecula", "prate-c")).statusCode()).isEqualTo(200);
            // and the limited one is served again once its bucket refills
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    limited.post(limited.webhook("zeckta"), receipt("prate-later")).statusCode() == 200);
        }
    }
}
