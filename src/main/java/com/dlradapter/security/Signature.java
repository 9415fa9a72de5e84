package com.dlradapter.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * HMAC verification of a signed callback: the provider sends, in {@code header}, the HMAC of the
 * raw request body under a shared secret, encoded as hex or base64, optionally after a prefix
 * such as {@code sha256=}.
 */
public final class Signature {

    private final String header;
    private final String algorithm;
    private final String encoding;
    private final String prefix;
    private final byte[] secret;

    public Signature(String header, String algorithm, String encoding, String prefix, String secret) {
        this.header = header;
        this.algorithm = algorithm;
        this.encoding = encoding.toLowerCase();
        this.prefix = prefix == null ? "" : prefix;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        if (!this.encoding.equals("hex") && !this.encoding.equals("base64")) {
            throw new IllegalArgumentException("signature encoding must be hex or base64, not '" + encoding + "'");
        }
        mac();   // fail at start on an unknown algorithm
    }

    public String header() {
        return header;
    }

    public boolean verify(byte[] body, String given) {
        if (given == null) {
            return false;
        }
        String value = given.trim();
        if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        value = value.substring(prefix.length()).trim();
        byte[] expected = mac().doFinal(body == null ? new byte[0] : body);
        byte[] decoded;
        try {
            decoded = encoding.equals("hex") ? HexFormat.of().parseHex(value) : Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, decoded);
    }

    /** The signature a provider would send for {@code body} (tests, documentation). */
    public String sign(byte[] body) {
        byte[] mac = mac().doFinal(body);
        return prefix + (encoding.equals("hex") ? HexFormat.of().formatHex(mac) : Base64.getEncoder().encodeToString(mac));
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("signature algorithm '" + algorithm + "' is not available: " + e.getMessage(), e);
        }
    }
}
