package com.dlradapter.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scheme {@code vonage}: the request carries its signature in a parameter ({@code sig}) and a
 * {@code timestamp} (Unix seconds) that must be within {@code tolerance} of the adapter's clock.
 * The signed text is every other parameter with a value (the query's and a form body's, or a JSON
 * body's top-level fields), sorted by name, as {@code &name=value} with {@code &} and {@code =}
 * in names and values replaced by {@code _}; {@code md5hash} signs it as md5(text + secret), the
 * others as HMAC(secret, text); hex, compared ignoring case.
 */
public record VonageSignature(String parameter, Algorithm algorithm, Duration tolerance) implements SignatureScheme {

    static final String PARAMETER = "sig";
    private static final String TIMESTAMP = "timestamp";
    /** The adapter's own credential; covered by the signature or not, depending on how the callback URL was set up. */
    private static final String TOKEN = "token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The digests Vonage offers for signed messages. */
    public enum Algorithm {
        MD5HASH("md5hash", null), MD5("md5", "HmacMD5"), SHA1("sha1", "HmacSHA1"),
        SHA256("sha256", "HmacSHA256"), SHA512("sha512", "HmacSHA512");

        private final String text;
        private final String mac;

        Algorithm(String text, String mac) {
            this.text = text;
            this.mac = mac;
        }

        static Algorithm byName(String name) {
            for (Algorithm algorithm : values()) {
                if (algorithm.text.equalsIgnoreCase(name.trim())) {
                    return algorithm;
                }
            }
            throw new IllegalArgumentException("'algorithm': '" + name + "' is not md5hash, md5, sha1, sha256 or sha512");
        }

        String sign(String text, String secret) {
            if (mac == null) {
                try {
                    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                            .digest((text + secret).getBytes(StandardCharsets.UTF_8)));
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("MD5 is part of every JRE", e);
                }
            }
            return HexFormat.of().formatHex(SignatureScheme.mac(mac, secret.getBytes(StandardCharsets.UTF_8))
                    .doFinal(text.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Override
    public String name() {
        return "vonage";
    }

    @Override
    public String carrier() {
        return "parameter " + parameter;
    }

    @Override
    public String refusal(SignedRequest request, String secret, Instant now) {
        Map<String, String> params;
        try {
            params = parameters(request);
        } catch (IllegalArgumentException e) {
            return "a valid signature is required in parameter " + parameter + " (" + e.getMessage() + ")";
        }
        String given = params.remove(parameter);
        if (given == null) {
            return "a valid signature is required in parameter " + parameter;
        }
        String timestamp = params.get(TIMESTAMP);
        long seconds;
        try {
            seconds = Long.parseLong(timestamp == null ? "" : timestamp.trim());
        } catch (NumberFormatException e) {
            return "a signed request needs a parameter " + TIMESTAMP + " (Unix seconds)";
        }
        if (!SignatureScheme.withinTolerance(seconds, now, tolerance)) {
            return "the signed " + TIMESTAMP + " is not within " + tolerance.toSeconds() + " s of the adapter's clock";
        }
        byte[] expected = given.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        if (matches(params, secret, expected)) {
            return null;
        }
        if (params.remove(TOKEN) != null && matches(params, secret, expected)) {
            return null;
        }
        return "a valid signature is required in parameter " + parameter;
    }

    private boolean matches(Map<String, String> params, String secret, byte[] given) {
        StringBuilder text = new StringBuilder();
        params.forEach((name, value) -> text.append('&').append(clean(name)).append('=').append(clean(value)));
        return MessageDigest.isEqual(algorithm.sign(text.toString(), secret).getBytes(StandardCharsets.UTF_8), given);
    }

    /** The parameters by name (the first of a repeated one), blank values left out, as Vonage's own libraries read them. */
    private static Map<String, String> parameters(SignedRequest request) {
        Map<String, String> params = new TreeMap<>();
        if (request.isJson()) {
            JsonNode body;
            try {
                body = JSON.readTree(request.body());
            } catch (IOException e) {
                throw new IllegalArgumentException("the body is not JSON");
            }
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("the body is not a JSON object");
            }
            body.fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (!value.isNull()) {
                    put(params, field.getKey(), value.isValueNode() ? value.asText() : value.toString());
                }
            });
            return params;
        }
        try {
            for (List<Map.Entry<String, String>> fields : List.of(request.queryFields(), request.formFields())) {
                fields.forEach(field -> put(params, field.getKey(), field.getValue()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the parameters are not validly encoded");
        }
        return params;
    }

    private static void put(Map<String, String> params, String name, String value) {
        if (!value.trim().isEmpty()) {
            params.putIfAbsent(name, value);
        }
    }

    private static String clean(String text) {
        return text.replace('&', '_').replace('=', '_');
    }
}
