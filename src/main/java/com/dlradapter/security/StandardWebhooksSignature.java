package com.dlradapter.security;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Scheme {@code standard-webhooks} (https://www.standardwebhooks.com): headers {@code webhook-id},
 * {@code webhook-timestamp} (Unix seconds, within {@code tolerance} of the adapter's clock) and
 * {@code webhook-signature}, a space-separated list of {@code v1,<base64>}, any one of which may
 * match: HMAC-SHA256 over {@code id.timestamp.body} (the exact body bytes) under the secret's key,
 * {@code whsec_<base64>} (the prefix is optional).
 */
public record StandardWebhooksSignature(Duration tolerance) implements SignatureScheme {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";
    private static final String SECRET_PREFIX = "whsec_";

    @Override
    public String name() {
        return "standard-webhooks";
    }

    @Override
    public String header() {
        return SIGNATURE;
    }

    @Override
    public String carrier() {
        return "headers " + ID + ", " + TIMESTAMP + ", " + SIGNATURE;
    }

    @Override
    public String refusal(SignedRequest request, String secret, Instant now) {
        String id = request.header(ID);
        String timestamp = request.header(TIMESTAMP);
        String signatures = request.header(SIGNATURE);
        if (id == null || timestamp == null || signatures == null) {
            return "a valid signature is required in " + SIGNATURE + " (with " + ID + " and " + TIMESTAMP + ")";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return TIMESTAMP + " is not Unix seconds";
        }
        if (!SignatureScheme.withinTolerance(seconds, now, tolerance)) {
            return "the signed " + TIMESTAMP + " is not within " + tolerance.toSeconds() + " s of the adapter's clock";
        }
        byte[] key;
        try {
            key = key(secret);
        } catch (IllegalArgumentException e) {
            return "the signature secret is not a whsec_ base64 key";
        }
        Mac mac = SignatureScheme.mac("HmacSHA256", key);
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(request.body());   // the body as received, not copied behind the prefix
        for (String signature : signatures.trim().split(" +")) {
            int comma = signature.indexOf(',');
            if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
                continue;
            }
            try {
                if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(comma + 1)))) {
                    return null;
                }
            } catch (IllegalArgumentException e) {
                // not base64: not a match, try the next one
            }
        }
        return "a valid signature is required in " + SIGNATURE;
    }

    @Override
    public String secretProblem(String secret) {
        try {
            key(secret);
            return null;
        } catch (IllegalArgumentException e) {
            return "the signature secret is not a whsec_<base64> key";
        }
    }

    /** The HMAC key of a {@code whsec_<base64>} secret. */
    static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key = Base64.getDecoder().decode(encoded.trim());
        if (key.length == 0) {
            throw new IllegalArgumentException("empty key");
        }
        return key;
    }
}
