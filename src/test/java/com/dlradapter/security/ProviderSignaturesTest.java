package com.dlradapter.security;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.vonage.client.auth.hashutils.HashUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The signature schemes over real HTTP, each declared by a test provider's {@code signature:}
 * block and signed by the provider's own library: a right signature is stored, a wrong, missing or
 * stale one is 401 and stores nothing. Twilio's URL is the public one ({@code dlr.http.public-base-url},
 * as behind a proxy), forms are verified over the exact bytes sent, a declared scheme without a
 * secret refuses every call and the start-up summary says so, and a reloaded block applies at once.
 */
class ProviderSignaturesTest {

    static final String PUBLIC = "https://dlr.example.com";
    static final String TWILIO_SECRET = "twilio-auth-token";
    static final String VONAGE_SECRET = "vonage-signature-secret";
    static final String WHSEC = "whsec_" + Base64.getEncoder().encodeToString("thirty-two bytes of webhook key!".getBytes(StandardCharsets.UTF_8));
    static final String HMAC_SECRET = "acme-hmac-secret";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    @TempDir
    static Path folders;
    static Path mappings;
    static RunningAdapter adapter;
    static final List<String> logged = new CopyOnWriteArrayList<>();
    static AbstractAppender capture;

    @BeforeAll
    static void start() throws Exception {
        Path routes = ShippedFiles.copyRoutes(folders.resolve("routes"));
        mappings = ShippedFiles.copyMappings(folders.resolve("mappings"));
        String acme = Files.readString(Path.of("mappings/acme.yaml"));      // form: Twilio- and Vonage-style callbacks
        String zeckta = Files.readString(Path.of("mappings/zeckta.yaml"));  // JSON
        provider(routes, "sigtwilio", acme.replace("provider: acme", "provider: sigtwilio"), "scheme: twilio");
        provider(routes, "sigvonage", acme.replace("provider: acme", "provider: sigvonage"),
                "scheme: vonage\n  algorithm: sha256\n  tolerance: 5m");
        provider(routes, "sigsw", zeckta.replace("provider: zeckta", "provider: sigsw"), "scheme: standard-webhooks");
        provider(routes, "sighmac", acme.replace("provider: acme", "provider: sighmac"),
                "scheme: hmac\n  header: X-Acme-Signature\n  prefix: sha256=");
        provider(routes, "signosecret", zeckta.replace("provider: zeckta", "provider: signosecret"), "scheme: standard-webhooks");

        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        settings.put("dlr.reload", "true");
        settings.put("dlr.reload.interval", "200ms");
        settings.put("dlr.http.public-base-url", PUBLIC + "/");
        settings.put("dlr.rate-limit.failed-auth.burst", "1000");
        for (String id : List.of("sigtwilio", "sigvonage", "sigsw", "sighmac", "signosecret")) {
            settings.put("dlr.providers." + id + ".token", id + "-token");
        }
        settings.put("dlr.providers.sigtwilio.signature.secret", TWILIO_SECRET);
        settings.put("dlr.providers.sigvonage.signature.secret", VONAGE_SECRET);
        Path whsecFile = folders.resolve("sigsw-secret");
        Files.writeString(whsecFile, WHSEC + "\n");
        settings.put("dlr.providers.sigsw.signature.secret-file", whsecFile.toString());
        settings.put("dlr.providers.sighmac.signature.secret", HMAC_SECRET);

        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        capture = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        logs.getConfiguration().getRootLogger().addAppender(capture, null, null);
        logs.updateLoggers();
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        try {
            if (adapter != null) {
                adapter.close();
            }
        } finally {
            LoggerContext logs = (LoggerContext) LogManager.getContext(false);
            logs.getConfiguration().getRootLogger().removeAppender(capture.getName());
            logs.updateLoggers();
            capture.stop();
        }
    }

    static void provider(Path routes, String id, String mapping, String block) throws IOException {
        Files.writeString(mappings.resolve(id + ".yaml"), mapping + "\nsignature:\n  " + block + "\n");
        Files.writeString(routes.resolve(id + ".yaml"), ShippedFiles.webhookRoute(id, "methods", "GET,POST"));
    }

    static HttpResponse<String> send(String method, String path, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adapter.url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return adapter.send(request);
    }

    static HttpResponse<String> form(String path, String body, String... headers) {
        return send("POST", path, "application/x-www-form-urlencoded", body, headers);
    }

    static void notStored(String provider, String messageId) {
        assertThat(adapter.get("/api/messages/" + provider + "/" + messageId).statusCode())
                .as(provider + " " + messageId + " is not stored").isEqualTo(404);
    }

    static void assertRefused(HttpResponse<String> response, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.body()).contains(text);
    }

    @Test
    void twilioIsVerifiedOverThePublicUrlAndTheSortedFieldsOfTheExactFormSent() throws Exception {
        // Twilio's own order, not sorted; encodings a re-encoder would not choose ('%2b', '+' and %20)
        String body = "SmsSid=SMtw-1&MessageStatus=delivered&To=%2b15558675310&From=%2B15017122661"
                + "&ErrorMessage=none+at%20all&MessageSid=SMtw-1&AccountSid=AC1&ApiVersion=2010-04-01";
        Map<String, String> fields = new LinkedHashMap<>();
        SignedRequest.fields(body).forEach(field -> fields.put(field.getKey(), field.getValue()));
        String signature = SignatureSchemesTest.twilioSignature(TWILIO_SECRET,
                PUBLIC + "/webhooks/sigtwilio?token=sigtwilio-token", fields);

        String ownUrl = SignatureSchemesTest.twilioSignature(TWILIO_SECRET,
                adapter.url("/webhooks/sigtwilio?token=sigtwilio-token"), fields);
        assertRefused(form("/webhooks/sigtwilio?token=sigtwilio-token", body, "X-Twilio-Signature", ownUrl),
                "a valid signature is required in X-Twilio-Signature");
        assertRefused(form("/webhooks/sigtwilio?token=sigtwilio-token", body), "X-Twilio-Signature");
        assertRefused(form("/webhooks/sigtwilio?token=sigtwilio-token", body.replace("delivered", "failed"),
                "X-Twilio-Signature", signature), "X-Twilio-Signature");
        notStored("sigtwilio", "SMtw-1");

        HttpResponse<String> ok = form("/webhooks/sigtwilio?token=sigtwilio-token", body, "X-Twilio-Signature", signature);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode receipt = adapter.message("sigtwilio", "SMtw-1");
        assertThat(receipt.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(receipt.get("recipient").asText()).isEqualTo("+15558675310");

        // the path-token form: the URL Twilio was given, and signed, has the token as its last segment
        String pathBody = body.replace("SMtw-1", "SMtw-2");
        Map<String, String> pathFields = new LinkedHashMap<>(fields);
        pathFields.put("SmsSid", "SMtw-2");
        pathFields.put("MessageSid", "SMtw-2");
        String pathSignature = SignatureSchemesTest.twilioSignature(TWILIO_SECRET, PUBLIC + "/webhooks/sigtwilio/sigtwilio-token",
                pathFields);
        HttpResponse<String> pathOk = form("/webhooks/sigtwilio/sigtwilio-token", pathBody, "X-Twilio-Signature", pathSignature);
        assertThat(pathOk.statusCode()).as(pathOk.body()).isEqualTo(200);
        assertThat(adapter.message("sigtwilio", "SMtw-2").get("status").asText()).isEqualTo("DELIVERED");
    }

    @Test
    void vonageIsVerifiedOverItsSortedParametersInAGetQueryOrAFormWithinTheTolerance() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("msisdn", "447700900000");
        params.put("to", "AcmeInc");
        params.put("network-code", "23410");
        params.put("messageId", "0A0000000VN1");
        params.put("price", "0.03330000");
        params.put("status", "delivered");
        params.put("scts", "2001011400");
        params.put("err-code", "0");
        params.put("message-timestamp", "2020-01-01 12:00:00");
        long now = Instant.now().getEpochSecond();
        String query = SignatureSchemesTest.form(SignatureSchemesTest.vonageSigned(params, VONAGE_SECRET, now,
                HashUtil.HashType.HMAC_SHA256));

        assertRefused(send("GET", "/webhooks/sigvonage?token=sigvonage-token&" + query.replace("delivered", "expired"), null, null),
                "a valid signature is required in parameter sig");
        String stale = SignatureSchemesTest.form(SignatureSchemesTest.vonageSigned(params, VONAGE_SECRET, now - 600,
                HashUtil.HashType.HMAC_SHA256));
        assertRefused(send("GET", "/webhooks/sigvonage?token=sigvonage-token&" + stale, null, null),
                "the signed timestamp is not within 300 s");
        String wrongSecret = SignatureSchemesTest.form(SignatureSchemesTest.vonageSigned(params, "not-the-secret", now,
                HashUtil.HashType.HMAC_SHA256));
        assertRefused(send("GET", "/webhooks/sigvonage?token=sigvonage-token&" + wrongSecret, null, null), "parameter sig");
        notStored("sigvonage", "0A0000000VN1");

        HttpResponse<String> ok = send("GET", "/webhooks/sigvonage?token=sigvonage-token&" + query, null, null);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(adapter.message("sigvonage", "0A0000000VN1").get("status").asText()).isEqualTo("DELIVERED");

        // the same parameters as a form POST, in another order, the token in the path
        params.put("messageId", "0A0000000VN2");
        Map<String, String> signed = SignatureSchemesTest.vonageSigned(params, VONAGE_SECRET, now, HashUtil.HashType.HMAC_SHA256);
        Map<String, String> reversed = new LinkedHashMap<>();
        List<String> names = new java.util.ArrayList<>(signed.keySet());
        java.util.Collections.reverse(names);
        names.forEach(name -> reversed.put(name, signed.get(name)));
        HttpResponse<String> posted = form("/webhooks/sigvonage/sigvonage-token", SignatureSchemesTest.form(reversed));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        assertThat(adapter.message("sigvonage", "0A0000000VN2").get("status").asText()).isEqualTo("DELIVERED");
    }

    static String zeckta(String event, String messageId) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}""".formatted(event, messageId);
    }

    @Test
    void standardWebhooksAreVerifiedWithTheWhsecKeyAndTheirTimestamp() throws Exception {
        String body = zeckta("sw-e1", "sw-m1");
        long now = Instant.now().getEpochSecond();
        Webhook signer = new Webhook(WHSEC);
        String path = "/webhooks/sigsw?token=sigsw-token";
        assertRefused(send("POST", path, "application/json", body, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now)),
                "webhook-signature");
        assertRefused(send("POST", path, "application/json", body, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now - 600),
                "webhook-signature", signer.sign("msg_1", now - 600, body)), "the signed webhook-timestamp is not within 300 s");
        assertRefused(send("POST", path, "application/json", body, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", new Webhook("whsec_" + Base64.getEncoder().encodeToString(new byte[32])).sign("msg_1", now, body)),
                "webhook-signature");
        notStored("sigsw", "sw-m1");

        HttpResponse<String> ok = send("POST", path, "application/json", body, "webhook-id", "msg_1",
                "webhook-timestamp", Long.toString(now), "webhook-signature", signer.sign("msg_1", now, body));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(adapter.message("sigsw", "sw-m1").get("status").asText()).isEqualTo("DELIVERED");
    }

    @Test
    void aDeclaredHmacCoversTheExactFormBytesAndAReloadedBlockAppliesAtOnce() throws Exception {
        HmacSignature hmac = new HmacSignature("X-Acme-Signature", "HmacSHA256", "hex", "sha256=");
        String body = "MessageStatus=sent&To=%2b15558675310&MessageSid=SMhm-1&From=%2B15017122661";
        String signature = hmac.sign(body.getBytes(StandardCharsets.UTF_8), HMAC_SECRET);
        String reordered = "MessageSid=SMhm-1&MessageStatus=sent&To=%2b15558675310&From=%2B15017122661";
        assertRefused(form("/webhooks/sighmac?token=sighmac-token", reordered, "X-Acme-Signature", signature), "X-Acme-Signature");
        notStored("sighmac", "SMhm-1");
        HttpResponse<String> ok = form("/webhooks/sighmac?token=sighmac-token", body, "X-Acme-Signature", signature);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(adapter.message("sighmac", "SMhm-1").get("status").asText()).isEqualTo("SENT");

        // the mapping changes its block: the next call is checked the new way
        Path file = mappings.resolve("sighmac.yaml");
        Files.writeString(file, Files.readString(file).replace("header: X-Acme-Signature", "header: X-Signature-2"));
        String next = body.replace("SMhm-1", "SMhm-2");
        String nextSignature = hmac.sign(next.getBytes(StandardCharsets.UTF_8), HMAC_SECRET);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                form("/webhooks/sighmac?token=sighmac-token", next, "X-Signature-2", nextSignature).statusCode() == 200);
        assertRefused(form("/webhooks/sighmac?token=sighmac-token", body.replace("SMhm-1", "SMhm-3"), "X-Acme-Signature",
                hmac.sign(body.replace("SMhm-1", "SMhm-3").getBytes(StandardCharsets.UTF_8), HMAC_SECRET)), "X-Signature-2");
        notStored("sighmac", "SMhm-3");
    }

    @Test
    void aDeclaredSchemeWithoutASecretRefusesEveryCallNamingTheSettingAndTheSummarySaysSo() throws Exception {
        String body = zeckta("ns-e1", "ns-m1");
        long now = Instant.now().getEpochSecond();
        assertRefused(send("POST", "/webhooks/signosecret?token=signosecret-token", "application/json", body,
                        "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                        "webhook-signature", new Webhook(WHSEC).sign("msg_1", now, body)),
                "no signature secret is configured for signosecret (dlr.providers.signosecret.signature.secret)");
        notStored("signosecret", "ns-m1");
        assertThat(logged).anyMatch(line -> line.contains("dlr-adapter is up")
                && line.contains("signosecret: webhook /webhooks/signosecret")
                && line.contains("signature standard-webhooks (headers webhook-id, webhook-timestamp, webhook-signature), NO SECRET")
                && line.contains("sigtwilio: webhook /webhooks/sigtwilio")
                && line.contains("signature twilio (header X-Twilio-Signature)"));
    }
}
