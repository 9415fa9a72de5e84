package com.dlradapter.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Scheme {@code hmac}: the provider sends, in {@code header}, the HMAC of the exact body bytes
 * received under the shared secret, encoded as hex or base64, optionally after a prefix such as
 * {@code sha256=}.
 */
public record HmacSignature(String header, String algorithm, String encoding, String prefix) implements SignatureScheme {

    public HmacSignature {
        encoding = encoding.toLowerCase();
        prefix = prefix == null ? "" : prefix;
        if (!encoding.equals("hex") && !encoding.equals("base64")) {
            throw new IllegalArgumentException("signature encoding must be hex or base64, not '" + encoding + "'");
        }
        SignatureScheme.mac(algorithm, new byte[] {1});   // an unknown algorithm fails where it is declared
    }

    @Override
    public String name() {
        return "hmac";
    }

    @Override
    public String carrier() {
        return "header " + header;
    }

    @Override
    public String refusal(SignedRequest request, String secret, Instant now) {
        return verify(request.body(), request.header(header), secret) ? null : "a valid signature is required in " + header;
    }

    boolean verify(byte[] body, String given, String secret) {
        if (given == null) {
            return false;
        }
        String value = given.trim();
        if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        value = value.substring(prefix.length()).trim();
        byte[] decoded;
        try {
            decoded = encoding.equals("hex") ? HexFormat.of().parseHex(value) : Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(body, secret), decoded);
    }

    /** The signature a provider would send for {@code body} (tests, documentation). */
    public String sign(byte[] body, String secret) {
        byte[] mac = mac(body, secret);
        return prefix + (encoding.equals("hex") ? HexFormat.of().formatHex(mac) : Base64.getEncoder().encodeToString(mac));
    }

    private byte[] mac(byte[] body, String secret) {
        return SignatureScheme.mac(algorithm, secret.getBytes(StandardCharsets.UTF_8)).doFinal(body);
    }
}
