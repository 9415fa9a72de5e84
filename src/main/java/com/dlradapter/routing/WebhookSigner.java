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
    /** One keyed MAC per secret, cloned for each signature (cheaper than a provider look-up and init each time). */
    private final List<Mac> keys;

    public WebhookSigner(String setting, List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("setting " + setting + " is required: a whsec_ base64 secret");
        }
        List<Mac> parsed = new ArrayList<>();
        for (String secret : secrets) {
            if (!secret.startsWith(PREFIX)) {
                throw new IllegalArgumentException("setting " + setting + ": each secret must start with whsec_");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting " + setting + ": a secret is not valid base64 after whsec_");
            }
            parsed.add(mac(setting, key));
        }
        this.keys = List.copyOf(parsed);
    }

    private static Mac mac(String setting, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("setting " + setting + ": a secret cannot key HmacSHA256: " + e.getMessage(), e);
        }
    }

    /** The {@code webhook-signature} header value. */
    public String sign(String id, long timestamp, String body) {
        byte[] content = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
        List<String> signatures = new ArrayList<>();
        for (Mac keyed : keys) {
            try {
                Mac mac = (Mac) keyed.clone();
                signatures.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal(content)));
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
            }
        }
        return String.join(" ", signatures);
    }
}
