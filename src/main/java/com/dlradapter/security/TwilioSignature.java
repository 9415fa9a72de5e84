package com.dlradapter.security;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scheme {@code twilio}: header {@code X-Twilio-Signature} = base64(HMAC-SHA1(secret, URL + each
 * POST field's name and value, sorted by name)). The URL is the one the provider called
 * (the request's base URL and target: behind a proxy, {@code dlr.http.public-base-url} + path + query as
 * received). As Twilio's own validator does, the URL is also tried without its port and with the
 * scheme's default port, since Twilio is not consistent about it. A GET is signed over its URL
 * alone; a POST whose body is not a form (JSON) over its URL, which carries the body's SHA-256 in
 * its {@code bodySHA256} query parameter.
 */
public record TwilioSignature(String header) implements SignatureScheme {

    static final String HEADER = "X-Twilio-Signature";
    private static final String BODY_HASH = "bodySHA256";

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public String carrier() {
        return "header " + header;
    }

    @Override
    public String refusal(SignedRequest request, String secret, Instant now) {
        String given = request.header(header);
        String refused = "a valid signature is required in " + header;
        if (given == null) {
            return refused;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(given.trim());
        } catch (IllegalArgumentException e) {
            return refused;
        }
        StringBuilder fields = new StringBuilder();
        try {
            if (!"GET".equals(request.method()) && !request.isForm()) {
                String bodyHash = bodyHash(request);
                if (bodyHash == null) {
                    return refused + " (a body that is not a form is signed through the URL's " + BODY_HASH + " parameter)";
                }
                byte[] actual = sha256(request.body());
                if (!MessageDigest.isEqual(HexFormat.of().formatHex(actual).getBytes(StandardCharsets.US_ASCII),
                        bodyHash.toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
                    return refused + " (the body does not match " + BODY_HASH + ")";
                }
            }
            List<Map.Entry<String, String>> sorted = new ArrayList<>(request.formFields());
            sorted.sort(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
            sorted.forEach(field -> fields.append(field.getKey()).append(field.getValue()));
        } catch (IllegalArgumentException e) {
            return refused + " (the body is not a valid form)";
        }
        Mac mac = SignatureScheme.mac("HmacSHA1", secret.getBytes(StandardCharsets.UTF_8));   // doFinal resets it for the next variant
        for (String base : baseVariants(request.baseUrl())) {
            byte[] expected = mac.doFinal((base + request.target() + fields).getBytes(StandardCharsets.UTF_8));
            if (MessageDigest.isEqual(expected, decoded)) {
                return null;
            }
        }
        return refused;
    }

    private static String bodyHash(SignedRequest request) {
        for (Map.Entry<String, String> field : request.queryFields()) {
            if (field.getKey().equals(BODY_HASH)) {
                return field.getValue();
            }
        }
        return null;
    }

    /** The base as given, without its port, and with the scheme's default port (the variants Twilio's validator accepts). */
    static Set<String> baseVariants(String base) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(base);
        int schemeEnd = base.indexOf("://");
        if (schemeEnd < 0) {
            return variants;
        }
        int hostStart = schemeEnd + 3;
        int authorityEnd = base.indexOf('/', hostStart);
        authorityEnd = authorityEnd < 0 ? base.length() : authorityEnd;
        String authority = base.substring(hostStart, authorityEnd);
        int colon = authority.lastIndexOf(':');
        boolean hasPort = colon >= 0 && colon > authority.lastIndexOf(']');
        String host = hasPort ? authority.substring(0, colon) : authority;
        String scheme = base.substring(0, schemeEnd).toLowerCase();
        String head = base.substring(0, hostStart);
        String tail = base.substring(authorityEnd);
        variants.add(head + host + tail);
        if (!hasPort && (scheme.equals("https") || scheme.equals("http"))) {
            variants.add(head + host + (scheme.equals("https") ? ":443" : ":80") + tail);
        }
        return variants;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
