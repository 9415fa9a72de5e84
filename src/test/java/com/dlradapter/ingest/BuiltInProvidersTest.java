package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.WebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.security.RequestValidator;
import com.vonage.client.auth.RequestSigning;
import com.vonage.client.auth.hashutils.HashUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The built-in providers Twilio, Vonage and Infobip end to end, as each one calls: the webhook
 * signed the way the provider signs (Twilio's RequestValidator, Vonage's RequestSigning; Infobip
 * authenticated by the token as its BASIC security's password), the signature checked (a wrong or
 * stale one is 401 and stores nothing), the canonical receipt stored (the message and its history
 * by the query API) and routed (the outbound envelope).
 */
class BuiltInProvidersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";
    /** What Twilio signs with: the account's Auth Token. */
    private static final String TWILIO_AUTH_TOKEN = "twilio-auth-token-0123456789abcdef";
    /** What Vonage signs with: the account's signature secret. */
    private static final String VONAGE_SECRET = "vonage-signature-secret-0123456789";
    /** The public address the providers call, in front of the adapter (a proxy): what Twilio signs. */
    private static final String PUBLIC_BASE = "https://dlr.example.com";
    private static final String OUTBOUND_SECRET = "whsec_" + Base64.getEncoder().encodeToString("built-in-providers-secret".getBytes());

    @TempDir
    static Path data;
    static WebhookReceiver erp;
    static RunningAdapter adapter;

    @BeforeAll
    static void start() {
        erp = WebhookReceiver.started(OUTBOUND_SECRET);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.providers.twilio.signature.secret", TWILIO_AUTH_TOKEN);
        settings.put("dlr.providers.vonage.signature.secret", VONAGE_SECRET);
        settings.put("dlr.http.public-base-url", PUBLIC_BASE);
        RunningAdapter.fastDelivery(settings);
        settings.put("dlr.outbound.targets", "erp");
        settings.put("dlr.outbound.erp.url", erp.url("/erp"));
        settings.put("dlr.outbound.erp.secret", OUTBOUND_SECRET);
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        if (adapter != null) {
            adapter.close();
        }
        erp.close();
    }

    // --- Twilio -----------------------------------------------------------------------------------

    @Test
    void twilioStatusCallbacksSignedByTwilioAreStoredWithTheErrorDescribed() throws Exception {
        String sid = "SM" + "e2e0".repeat(8);
        String path = "/webhooks/twilio?token=test-twilio-token";
        for (String status : List.of("queued", "sent", "undelivered")) {
            Map<String, String> fields = twilioCallback(sid, status);
            if (status.equals("undelivered")) {
                fields.put("ErrorCode", "30003");
            }
            HttpResponse<String> answer = postTwilio(path, fields, twilioSignature(PUBLIC_BASE + path, fields));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"result\":\"stored\"");
        }
        JsonNode message = adapter.message("twilio", sid);
        assertThat(message.get("status").asText()).isEqualTo("UNDELIVERED");
        assertThat(message.get("final").asBoolean()).isTrue();
        assertThat(message.get("recipient").asText()).isEqualTo("+15558675310");
        assertThat(message.get("sender").asText()).isEqualTo("+15017122661");
        assertThat(message.get("history")).hasSize(3);
        JsonNode undelivered = message.get("history").get(2);
        assertThat(undelivered.get("providerStatus").asText()).isEqualTo("undelivered");
        assertThat(undelivered.get("reason").get("code").asText()).isEqualTo("30003");
        assertThat(undelivered.get("reason").get("description").asText()).isEqualTo("Unreachable destination handset");
        assertThat(message.get("history").get(1).get("reason").isNull()).as("no reason on sent").isTrue();

        JsonNode envelope = outbound("twilio", sid, "undelivered");
        assertThat(envelope.get("status").asText()).isEqualTo("UNDELIVERED");
        assertThat(envelope.get("reason").get("description").asText()).isEqualTo("Unreachable destination handset");
    }

    @Test
    void twilioCallbacksWithAWrongSignatureOrURLAreRefused() throws Exception {
        String sid = "SM" + "bad0".repeat(8);
        String path = "/webhooks/twilio?token=test-twilio-token";
        Map<String, String> fields = twilioCallback(sid, "delivered");
        String signature = twilioSignature(PUBLIC_BASE + path, fields);

        Map<String, String> tampered = new LinkedHashMap<>(fields);
        tampered.put("MessageStatus", "failed");
        assertThat(postTwilio(path, tampered, signature).statusCode()).as("a field changed").isEqualTo(401);
        String otherHost = twilioSignature("https://evil.example.com" + path, fields);
        assertThat(postTwilio(path, fields, otherHost).statusCode()).as("signed for another URL").isEqualTo(401);
        HttpResponse<String> unsigned = adapter.post(path, form(fields), FORM);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("X-Twilio-Signature");
        assertThat(adapter.get("/api/messages/twilio/" + sid).statusCode()).as("nothing stored").isEqualTo(404);
        // the right signature, after all that
        assertThat(postTwilio(path, fields, signature).statusCode()).isEqualTo(200);
        assertThat(adapter.message("twilio", sid).get("status").asText()).isEqualTo("DELIVERED");
    }

    // --- Vonage -----------------------------------------------------------------------------------

    @Test
    void vonageReceiptsSignedByVonageAsAGetOrAJsonPostAreStoredWithTheSendersReference() throws Exception {
        String messageId = "0A00000E2E000001";
        // buffered, as a signed GET to the path-token URL
        Map<String, String> buffered = vonageReceipt(messageId, "buffered", "0");
        Map<String, String> signedGet = vonageSigned(buffered, Instant.now().getEpochSecond());
        HttpResponse<String> get = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(
                "/webhooks/vonage/test-vonage-token?" + form(signedGet)))).GET());
        assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
        // delivered, as a signed JSON POST with the query-token URL
        Map<String, String> delivered = vonageReceipt(messageId, "delivered", "0");
        delivered.put("message-timestamp", "2020-01-01 12:00:05");
        String json = JSON.writeValueAsString(vonageSigned(delivered, Instant.now().getEpochSecond()));
        HttpResponse<String> post = adapter.post(adapter.webhook("vonage"), json);
        assertThat(post.statusCode()).as(post.body()).isEqualTo(200);

        JsonNode message = adapter.message("vonage", messageId);
        assertThat(message.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(message.get("clientRef").asText()).isEqualTo("order-4711");
        assertThat(message.get("recipient").asText()).isEqualTo("+447700900000");
        assertThat(message.get("history")).hasSize(2);
        JsonNode last = message.get("history").get(1);
        assertThat(last.get("reason").isNull()).as("err-code 0 on delivered is no reason").isTrue();
        assertThat(last.get("cost").get("amount").decimalValue()).isEqualByComparingTo("0.0333");
        assertThat(last.get("occurredAt").asText()).isEqualTo("2020-01-01T12:00:05Z");
        assertThat(JSON.readTree(adapter.get("/api/messages?clientRef=order-4711&provider=vonage").body()).get("messages"))
                .hasSize(1);

        JsonNode envelope = outbound("vonage", messageId, "delivered");
        assertThat(envelope.get("clientRef").asText()).isEqualTo("order-4711");
    }

    @Test
    void vonageReceiptsWithAWrongOrStaleSignatureAreRefused() throws Exception {
        String messageId = "0A00000E2E000002";
        Map<String, String> failed = vonageReceipt(messageId, "failed", "3");
        Map<String, String> stale = vonageSigned(failed, Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond());
        HttpResponse<String> late = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(
                "/webhooks/vonage/test-vonage-token?" + form(stale)))).GET());
        assertThat(late.statusCode()).isEqualTo(401);
        assertThat(late.body()).contains("timestamp");
        Map<String, String> signed = vonageSigned(failed, Instant.now().getEpochSecond());
        String tampered = form(signed).replace("err-code=3", "err-code=4");
        assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/vonage/test-vonage-token?" + tampered)))
                .GET()).statusCode()).isEqualTo(401);
        assertThat(adapter.get("/api/messages/vonage/" + messageId).statusCode()).as("nothing stored").isEqualTo(404);

        HttpResponse<String> good = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(
                "/webhooks/vonage/test-vonage-token?" + form(signed)))).GET());
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        JsonNode reason = adapter.message("vonage", messageId).get("history").get(0).get("reason");
        assertThat(reason.get("code").asText()).isEqualTo("3");
        assertThat(reason.get("description").asText()).isEqualTo("Absent Subscriber - Permanent");
    }

    // --- Infobip ----------------------------------------------------------------------------------

    @Test
    void infobipReportsAreStoredOnePerItemWithTheirTotalCost() throws Exception {
        String body = """
                {"results": [
                  {"bulkId": "BULK-E2E", "messageId": "IB-E2E-1", "to": "41793026727",
                   "sentAt": "2019-11-09T16:00:00.000+0000", "doneAt": "2019-11-09T16:00:03.000+0000", "smsCount": 2,
                   "mccMnc": "22801", "callbackData": "order-9001", "price": {"pricePerMessage": 0.0065, "currency": "EUR"},
                   "status": {"groupId": 3, "groupName": "DELIVERED", "id": 5, "name": "DELIVERED_TO_HANDSET",
                              "description": "Message delivered to handset"},
                   "error": {"groupId": 0, "groupName": "OK", "id": 0, "name": "NO_ERROR", "description": "No Error",
                             "permanent": false}},
                  {"bulkId": "BULK-E2E", "messageId": "IB-E2E-2", "to": "41793026728",
                   "sentAt": "2019-11-09T16:00:00.000+0000", "doneAt": "2019-11-09T16:05:00.000+0000", "smsCount": 1,
                   "price": {"pricePerMessage": 0.0065, "currency": "EUR"},
                   "status": {"groupId": 2, "groupName": "UNDELIVERABLE", "id": 9, "name": "UNDELIVERABLE_NOT_DELIVERED",
                              "description": "Message sent not delivered"},
                   "error": {"groupId": 1, "groupName": "HANDSET_ERRORS", "id": 1, "name": "EC_UNKNOWN_SUBSCRIBER",
                             "description": "Unknown Subscriber", "permanent": true}},
                  {"bulkId": "BULK-E2E", "messageId": "IB-E2E-3", "to": "41793026729",
                   "status": {"groupId": 9, "groupName": "TELEPORTED"}}
                ]}""";
        // Infobip's BASIC security: any user name, the adapter's token as the password
        String basic = Base64.getEncoder().encodeToString("infobip:test-infobip-token".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/infobip")))
                .header("Content-Type", "application/json").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode answered = JSON.readTree(answer.body());
        assertThat(answered.get("counts").get("receipts").asInt()).isEqualTo(2);
        assertThat(answered.get("counts").get("deadLettered").asInt()).isEqualTo(1);
        assertThat(answered.get("deadLettered").get(0).get("item").asInt()).isEqualTo(2);
        assertThat(answered.get("deadLettered").get(0).get("reason").asText()).contains("TELEPORTED");

        JsonNode delivered = adapter.message("infobip", "IB-E2E-1");
        assertThat(delivered.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(delivered.get("batchId").asText()).isEqualTo("BULK-E2E");
        assertThat(delivered.get("clientRef").asText()).isEqualTo("order-9001");
        JsonNode event = delivered.get("history").get(0);
        assertThat(event.get("reason").isNull()).as("NO_ERROR on delivered is no reason").isTrue();
        assertThat(event.get("cost").get("amount").decimalValue()).as("0.0065 x 2 parts").isEqualByComparingTo("0.013");
        assertThat(event.get("cost").get("currency").asText()).isEqualTo("EUR");
        assertThat(event.get("segments").asInt()).isEqualTo(2);
        assertThat(event.get("occurredAt").asText()).isEqualTo("2019-11-09T16:00:03Z");
        JsonNode undelivered = adapter.message("infobip", "IB-E2E-2");
        assertThat(undelivered.get("status").asText()).isEqualTo("UNDELIVERED");
        assertThat(undelivered.get("history").get(0).get("reason").get("code").asText()).isEqualTo("EC_UNKNOWN_SUBSCRIBER");
        assertThat(adapter.get("/api/messages/infobip/IB-E2E-3").statusCode()).as("the bad item alone is a dead letter")
                .isEqualTo(404);

        assertThat(outbound("infobip", "IB-E2E-1", "DELIVERED").get("clientRef").asText()).isEqualTo("order-9001");

        HttpResponse<String> noToken = adapter.post("/webhooks/infobip", body);
        assertThat(noToken.statusCode()).isEqualTo(401);
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static Map<String, String> twilioCallback(String sid, String status) {
        Map<String, String> fields = new LinkedHashMap<>();   // Twilio's own order, not sorted
        fields.put("SmsSid", sid);
        fields.put("SmsStatus", status);
        fields.put("MessageStatus", status);
        fields.put("To", "+15558675310");
        fields.put("MessageSid", sid);
        fields.put("AccountSid", "AC5ef872f6da5a21de157d80997a64bd33");
        fields.put("From", "+15017122661");
        fields.put("ApiVersion", "2010-04-01");
        return fields;
    }

    /** X-Twilio-Signature as Twilio computes it: RequestValidator's own computation (private in twilio-java 10). */
    private static String twilioSignature(String url, Map<String, String> fields) throws Exception {
        Method sign = RequestValidator.class.getDeclaredMethod("getValidationSignature", String.class, Map.class);
        sign.setAccessible(true);
        String signature = (String) sign.invoke(new RequestValidator(TWILIO_AUTH_TOKEN), url, fields);
        assertThat(new RequestValidator(TWILIO_AUTH_TOKEN).validate(url, fields, signature)).as("Twilio's validator agrees")
                .isTrue();
        return signature;
    }

    private static HttpResponse<String> postTwilio(String path, Map<String, String> fields, String signature) {
        return adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(path)))
                .header("Content-Type", FORM).header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    private static Map<String, String> vonageReceipt(String messageId, String status, String errCode) {
        Map<String, String> receipt = new LinkedHashMap<>();
        receipt.put("msisdn", "447700900000");
        receipt.put("to", "AcmeInc");
        receipt.put("network-code", "23410");
        receipt.put("messageId", messageId);
        receipt.put("price", "0.03330000");
        receipt.put("status", status);
        receipt.put("scts", "2001011200");
        receipt.put("err-code", errCode);
        receipt.put("api-key", "abcd1234");
        receipt.put("client-ref", "order-4711");
        receipt.put("message-timestamp", "2020-01-01 12:00:00");
        return receipt;
    }

    /** The receipt with Vonage's timestamp and sig (HMAC-SHA256, as mappings/vonage.yaml declares), by its RequestSigning. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> vonageSigned(Map<String, String> params, long seconds) throws Exception {
        Method sign = RequestSigning.class.getDeclaredMethod("constructSignatureForRequestParameters",
                Map.class, String.class, long.class, HashUtil.HashType.class);
        sign.setAccessible(true);
        Map<String, String> signed = new LinkedHashMap<>(params);
        signed.putAll((Map<String, String>) sign.invoke(null, params, VONAGE_SECRET, seconds, HashUtil.HashType.HMAC_SHA256));
        return signed;
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** The outbound envelope's data for one receipt of a message, once it has been delivered to the ERP. */
    private static JsonNode outbound(String provider, String messageId, String providerStatus) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> erp.received("/erp").stream()
                .map(received -> {
                    try {
                        return JSON.readTree(received.body()).get("data");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(data -> data.get("provider").asText().equals(provider) && data.get("messageId").asText().equals(messageId)
                        && data.get("providerStatus").asText().equals(providerStatus))
                .findFirst().orElse(null), java.util.Objects::nonNull);
    }
}
