package com.dlradapter.routing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks signatures: {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
 * where the key is the base64 part of a {@code whsec_} secret. While a secret rotates the target is
 * configured with several secrets and the header carries one signature per secret, space-separated.
 */
public final class WebhookSigner {

    private static final String PREFIX = "whsec_";
    private final List<byte[]> keys;

    public WebhookSigner(String setting, List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("setting " + setting + " is required: a whsec_ base64 secret");
        }
        List<byte[]> parsed = new ArrayList<>();
        for (String secret : secrets) {
            if (!secret.startsWith(PREFIX)) {
                throw new IllegalArgumentException("setting " + setting + ": each secret must start with whsec_");
            }
            try {
                parsed.add(Base64.getDecoder().decode(secret.substring(PREFIX.length())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting " + setting + ": a secret is not valid base64 after whsec_");
            }
        }
        this.keys = List.copyOf(parsed);
    }

    /** The {@code webhook-signature} header value. */
    public String sign(String id, long timestamp, String body) {
        byte[] content = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        List<String> signatures = new ArrayList<>();
        for (byte[] key : keys) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                signatures.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal(content)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        }
        return String.join(" ", signatures);
    }
}
