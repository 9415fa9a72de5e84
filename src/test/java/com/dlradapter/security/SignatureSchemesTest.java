package com.dlradapter.security;

import com.standardwebhooks.Webhook;
import com.twilio.security.RequestValidator;
import com.vonage.client.auth.RequestSigning;
import com.vonage.client.auth.hashutils.HashUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each signature scheme against signatures computed by the provider's own library: Twilio's
 * RequestValidator, Vonage's RequestSigning, the Standard Webhooks reference library.
 */
class SignatureSchemesTest {

    static final String SECRET = "12345-auth-token";
    static final Instant NOW = Instant.now();

    static SignedRequest request(String method, String base, String target, String contentType, String body,
                                 Map<String, String> headers) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return new SignedRequest(method, base, target, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                byName::get);
    }

    // --- twilio ---------------------------------------------------------------------------------

    /** The signature Twilio sends: RequestValidator's own computation (private in twilio-java 10). */
    static String twilioSignature(String secret, String url, Map<String, String> params) throws Exception {
        Method sign = RequestValidator.class.getDeclaredMethod("getValidationSignature", String.class, Map.class);
        sign.setAccessible(true);
        String signature = (String) sign.invoke(new RequestValidator(secret), url, params);
        assertThat(new RequestValidator(secret).validate(url, params, signature)).as("Twilio's validator agrees").isTrue();
        return signature;
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    @Test
    void twilioSignsTheUrlThenTheSortedPostFieldsOfAFormSentInAnyOrder() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();   // Twilio's own order is not sorted
        fields.put("MessageStatus", "delivered");
        fields.put("To", "+15558675310");
        fields.put("MessageSid", "SM1a2b3c");
        fields.put("ErrorCode", "");
        fields.put("AccountSid", "AC123");
        fields.put("Body", "a b&c=d é");
        String url = "https://dlr.example.com/webhooks/twilio/tok3n?x=1&y=%2F";
        String signature = twilioSignature(SECRET, url, fields);
        TwilioSignature twilio = (TwilioSignature) SignatureScheme.of(Map.of("scheme", "twilio"));

        SignedRequest good = request("POST", "https://dlr.example.com", "/webhooks/twilio/tok3n?x=1&y=%2F",
                "application/x-www-form-urlencoded; charset=utf-8", form(fields), Map.of("X-Twilio-Signature", signature));
        assertThat(twilio.refusal(good, SECRET, NOW)).isNull();
        assertThat(twilio.refusal(good, "another-token", NOW)).isEqualTo("a valid signature is required in X-Twilio-Signature");

        SignedRequest otherHost = request("POST", "https://evil.example.com", "/webhooks/twilio/tok3n?x=1&y=%2F",
                "application/x-www-form-urlencoded", form(fields), Map.of("X-Twilio-Signature", signature));
        assertThat(twilio.refusal(otherHost, SECRET, NOW)).as("the URL is signed").isNotNull();
        SignedRequest tampered = request("POST", "https://dlr.example.com", "/webhooks/twilio/tok3n?x=1&y=%2F",
                "application/x-www-form-urlencoded", form(fields).replace("delivered", "failed"), Map.of("X-Twilio-Signature", signature));
        assertThat(twilio.refusal(tampered, SECRET, NOW)).isNotNull();
        SignedRequest missing = request("POST", "https://dlr.example.com", "/webhooks/twilio/tok3n?x=1&y=%2F",
                "application/x-www-form-urlencoded", form(fields), Map.of());
        assertThat(twilio.refusal(missing, SECRET, NOW)).isNotNull();
    }

    @Test
    void twilioAcceptsTheUrlWithOrWithoutItsDefaultPortAsItsValidatorDoes() throws Exception {
        Map<String, String> fields = Map.of("MessageSid", "SM1", "MessageStatus", "sent");
        String withPort = twilioSignature(SECRET, "https://dlr.example.com:443/webhooks/twilio", fields);
        SignedRequest request = request("POST", "https://dlr.example.com", "/webhooks/twilio",
                "application/x-www-form-urlencoded", form(fields), Map.of("X-Twilio-Signature", withPort));
        assertThat(new TwilioSignature("X-Twilio-Signature").refusal(request, SECRET, NOW)).isNull();
        assertThat(TwilioSignature.baseVariants("http://127.0.0.1:8080"))
                .containsExactly("http://127.0.0.1:8080", "http://127.0.0.1");
    }

    @Test
    void twilioSignsAGetByItsUrlAndAJsonBodyThroughBodySha256() throws Exception {
        String getUrl = "https://dlr.example.com/webhooks/twilio?MessageSid=SM9&MessageStatus=sent";
        String signature = twilioSignature(SECRET, getUrl, Map.of());
        TwilioSignature twilio = new TwilioSignature("X-Twilio-Signature");
        assertThat(twilio.refusal(request("GET", "https://dlr.example.com", "/webhooks/twilio?MessageSid=SM9&MessageStatus=sent",
                null, "MessageSid=SM9&MessageStatus=sent", Map.of("X-Twilio-Signature", signature)), SECRET, NOW)).isNull();

        String json = "{\"MessageSid\":\"SM9\",\"MessageStatus\":\"sent\"}";
        String hash = org.apache.commons.codec.digest.DigestUtils.sha256Hex(json);
        String jsonUrl = "https://dlr.example.com/webhooks/twilio?bodySHA256=" + hash;
        String jsonSignature = twilioSignature(SECRET, jsonUrl, Map.of());
        assertThat(new RequestValidator(SECRET).validate(jsonUrl, json, jsonSignature)).isTrue();
        assertThat(twilio.refusal(request("POST", "https://dlr.example.com", "/webhooks/twilio?bodySHA256=" + hash,
                "application/json", json, Map.of("X-Twilio-Signature", jsonSignature)), SECRET, NOW)).isNull();
        assertThat(twilio.refusal(request("POST", "https://dlr.example.com", "/webhooks/twilio?bodySHA256=" + hash,
                "application/json", json.replace("sent", "failed"), Map.of("X-Twilio-Signature", jsonSignature)), SECRET, NOW))
                .contains("bodySHA256");
    }

    // --- vonage ---------------------------------------------------------------------------------

    /** Vonage's signed parameters (timestamp and sig) for {@code params} at {@code seconds}, by its own RequestSigning. */
    @SuppressWarnings("unchecked")
    static Map<String, String> vonageSigned(Map<String, String> params, String secret, long seconds, HashUtil.HashType type)
            throws Exception {
        Method sign = RequestSigning.class.getDeclaredMethod("constructSignatureForRequestParameters",
                Map.class, String.class, long.class, HashUtil.HashType.class);
        sign.setAccessible(true);
        Map<String, String> signed = new LinkedHashMap<>(params);
        signed.putAll((Map<String, String>) sign.invoke(null, params, secret, seconds, type));
        return signed;
    }

    @ParameterizedTest
    @CsvSource({"md5hash, MD5", "md5, HMAC_MD5", "sha1, HMAC_SHA1", "sha256, HMAC_SHA256", "sha512, HMAC_SHA512"})
    void vonageSignsTheSortedParametersWithEachOfItsAlgorithms(String algorithm, HashUtil.HashType type) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("status", "delivered");
        params.put("msisdn", "447700900000");
        params.put("messageId", "0A0000000123ABCD1");
        params.put("message-timestamp", "2020-01-01 12:00:00");
        params.put("client-ref", "order=42&x");   // '=' and '&' become '_' in the signed text
        params.put("err-code", "0");
        params.put("price", "");                  // blank values are not signed
        Map<String, String> signed = vonageSigned(params, SECRET, NOW.getEpochSecond(), type);
        SignatureScheme vonage = SignatureScheme.of(Map.of("scheme", "vonage", "algorithm", algorithm));

        SignedRequest get = request("GET", "https://dlr.example.com", "/webhooks/vonage?" + form(signed), null, "", Map.of());
        assertThat(vonage.refusal(get, SECRET, NOW)).isNull();
        SignedRequest upperCase = request("GET", "https://dlr.example.com", "/webhooks/vonage?"
                + form(signed).replace(signed.get("sig"), signed.get("sig").toUpperCase()), null, "", Map.of());
        assertThat(vonage.refusal(upperCase, SECRET, NOW)).as("hex in any case").isNull();
        SignedRequest formPost = request("POST", "https://dlr.example.com", "/webhooks/vonage/tok3n",
                "application/x-www-form-urlencoded", form(signed), Map.of());
        assertThat(vonage.refusal(formPost, SECRET, NOW)).isNull();
        SignedRequest withToken = request("GET", "https://dlr.example.com", "/webhooks/vonage?token=t0k&" + form(signed), null, "",
                Map.of());
        assertThat(vonage.refusal(withToken, SECRET, NOW)).as("the adapter's own token, if Vonage did not sign it").isNull();
        assertThat(vonage.refusal(get, "other-secret", NOW)).isEqualTo("a valid signature is required in parameter sig");
        SignedRequest tampered = request("GET", "https://dlr.example.com", "/webhooks/vonage?"
                + form(signed).replace("delivered", "failed"), null, "", Map.of());
        assertThat(vonage.refusal(tampered, SECRET, NOW)).isNotNull();
    }

    @Test
    void vonageReadsAJsonBodysTopLevelFieldsAndChecksItsTimestamp() throws Exception {
        Map<String, String> params = new TreeMap<>(Map.of("msisdn", "447700900000", "messageId", "0A01", "status", "expired",
                "api-key", "abcd1234"));
        Map<String, String> signed = vonageSigned(params, SECRET, NOW.getEpochSecond(), HashUtil.HashType.HMAC_SHA256);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(signed);
        SignatureScheme vonage = SignatureScheme.of(Map.of("scheme", "vonage", "algorithm", "sha256", "tolerance", "2m"));
        SignedRequest post = request("POST", "https://dlr.example.com", "/webhooks/vonage?token=t0k", "application/json", json, Map.of());
        assertThat(vonage.refusal(post, SECRET, NOW)).as("a JSON body's fields are what is signed, not the query").isNull();
        assertThat(vonage.refusal(post, SECRET, NOW.plus(Duration.ofMinutes(3)))).contains("timestamp");
        assertThat(vonage.refusal(post, SECRET, NOW.minus(Duration.ofMinutes(3)))).contains("timestamp");
        assertThat(vonage.refusal(post, SECRET, NOW.plus(Duration.ofMinutes(1)))).isNull();
        signed.remove("timestamp");
        SignedRequest noTimestamp = request("POST", "https://dlr.example.com", "/webhooks/vonage", "application/json",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(signed), Map.of());
        assertThat(vonage.refusal(noTimestamp, SECRET, NOW)).contains("timestamp");

        // Vonage's own verifier (md5hash) agrees with ours on a JSON body
        Map<String, String> md5 = vonageSigned(params, SECRET, NOW.getEpochSecond(), HashUtil.HashType.MD5);
        String md5Json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(md5);
        assertThat(RequestSigning.verifyRequestSignature(new ByteArrayInputStream(md5Json.getBytes(StandardCharsets.UTF_8)),
                "application/json", Map.of(), SECRET)).isTrue();
        assertThat(SignatureScheme.of(Map.of("scheme", "vonage")).refusal(request("POST", "https://x", "/webhooks/vonage",
                "application/json", md5Json, Map.of()), SECRET, NOW)).isNull();
    }

    // --- standard webhooks ----------------------------------------------------------------------

    @Test
    void standardWebhooksAsSignedByTheReferenceLibrary() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("a 32-byte key for the test suite".getBytes(StandardCharsets.UTF_8));
        String body = "{\"type\":\"message.delivered\",\"data\":{\"id\":\"m-1\"}}";
        long timestamp = NOW.getEpochSecond();
        String signature = new Webhook(secret).sign("msg_1", timestamp, body);
        SignatureScheme scheme = SignatureScheme.of(Map.of("scheme", "standard-webhooks"));
        Map<String, String> headers = Map.of("webhook-id", "msg_1", "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", "v1,bm90IHRoaXMgb25l " + signature);   // a rotated-out signature first
        assertThat(scheme.refusal(request("POST", "https://x", "/webhooks/sw", "application/json", body, headers), secret, NOW)).isNull();
        assertThat(scheme.refusal(request("POST", "https://x", "/webhooks/sw", "application/json", body + " ", headers), secret, NOW))
                .isEqualTo("a valid signature is required in webhook-signature");
        assertThat(scheme.refusal(request("POST", "https://x", "/webhooks/sw", "application/json", body,
                Map.of("webhook-id", "msg_2", "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signature)),
                secret, NOW)).as("the id is signed").isNotNull();
        assertThat(scheme.refusal(request("POST", "https://x", "/webhooks/sw", "application/json", body, headers), secret,
                NOW.plus(Duration.ofMinutes(6)))).contains("webhook-timestamp");
        assertThat(scheme.refusal(request("POST", "https://x", "/webhooks/sw", "application/json", body,
                Map.of("webhook-signature", signature)), secret, NOW)).contains("webhook-id");
        assertThat(scheme.refusal(request("POST", "https://x", "/webhooks/sw", "application/json", body, headers), "whsec_%%%", NOW))
                .contains("whsec_");
    }

    // --- hmac and the block -----------------------------------------------------------------------

    @Test
    void hmacSignsTheExactBody() {
        HmacSignature hmac = (HmacSignature) SignatureScheme.of(Map.of("scheme", "hmac", "header", "X-Signature",
                "encoding", "base64", "algorithm", "HmacSHA512", "prefix", "sha512="));
        String body = "b=2&a=1";
        String signature = hmac.sign(body.getBytes(StandardCharsets.UTF_8), SECRET);
        assertThat(hmac.refusal(request("POST", "https://x", "/webhooks/h", "application/x-www-form-urlencoded", body,
                Map.of("x-signature", signature)), SECRET, NOW)).isNull();
        assertThat(hmac.refusal(request("POST", "https://x", "/webhooks/h", "application/x-www-form-urlencoded", "a=1&b=2",
                Map.of("x-signature", signature)), SECRET, NOW)).isEqualTo("a valid signature is required in X-Signature");
    }

    @Test
    void aWrongBlockNamesWhatIsWrong() {
        assertThatThrownBy(() -> SignatureScheme.of(Map.of("header", "X"))).hasMessageContaining("'scheme' is required");
        assertThatThrownBy(() -> SignatureScheme.of(Map.of("scheme", "stripe"))).hasMessageContaining("scheme 'stripe' is not");
        assertThatThrownBy(() -> SignatureScheme.of(Map.of("scheme", "twilio", "tolerance", "5m")))
                .hasMessageContaining("key 'tolerance' does not belong to scheme twilio");
        assertThatThrownBy(() -> SignatureScheme.of(Map.of("scheme", "hmac"))).hasMessageContaining("'header' is required");
        assertThatThrownBy(() -> SignatureScheme.of(Map.of("scheme", "hmac", "header", "X", "algorithm", "HmacNope")))
                .hasMessageContaining("HmacNope");
        assertThatThrownBy(() -> SignatureScheme.of(Map.of("scheme", "vonage", "algorithm", "sha384")))
                .hasMessageContaining("'algorithm': 'sha384' is not md5hash, md5, sha1, sha256 or sha512");
        assertThatThrownBy(() -> SignatureScheme.of(Map.of("scheme", "standard-webhooks", "tolerance", "soon")))
                .hasMessageContaining("'tolerance': 'soon'");
        assertThat(SignatureScheme.of(Map.of("scheme", "standard-webhooks", "tolerance", "90s")))
                .isEqualTo(new StandardWebhooksSignature(Duration.ofSeconds(90)));
        assertThat(SignatureScheme.of(Map.of("scheme", "vonage")))
                .isEqualTo(new VonageSignature("sig", VonageSignature.Algorithm.MD5HASH, Duration.ofMinutes(5)));
    }
}
