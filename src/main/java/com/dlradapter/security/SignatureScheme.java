package com.dlradapter.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a provider signs its callbacks: one scheme per provider, declared in the {@code signature:}
 * block of its mapping file (or, for {@code hmac}, by the {@code dlr.providers.<id>.signature.*}
 * settings). The secret is not part of it: it is a setting, given to {@link #refusal} per request.
 */
public sealed interface SignatureScheme permits HmacSignature, TwilioSignature, VonageSignature, StandardWebhooksSignature {

    /** How long a signed timestamp may be off the adapter's clock, either way, unless the block says otherwise. */
    Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** Null when {@code request} carries a valid signature under {@code secret} at {@code now}; else why not (the 401's text). */
    String refusal(SignedRequest request, String secret, Instant now);

    /** The scheme's name in a mapping file: hmac, twilio, vonage or standard-webhooks. */
    String name();

    /** Where the signature travels, e.g. {@code header X-Twilio-Signature} or {@code parameter sig}. */
    String carrier();

    /**
     * Why {@code secret} cannot be this scheme's key (checked when the start-up summary is made, so
     * a malformed secret is told there, not only in each call's 401), or null when it can.
     */
    default String secretProblem(String secret) {
        return null;
    }

    /** The request header carrying the signature; null when it travels in a parameter. */
    default String header() {
        return null;
    }

    /**
     * The scheme a mapping's {@code signature:} block declares: {@code scheme} and that scheme's own
     * keys, nothing else. An {@link IllegalArgumentException} names the key that is wrong.
     */
    static SignatureScheme of(Map<String, String> block) {
        String scheme = block.get("scheme");
        if (scheme == null || scheme.isBlank()) {
            throw new IllegalArgumentException("'scheme' is required (hmac, twilio, vonage or standard-webhooks)");
        }
        Set<String> keys = switch (scheme) {
            case "hmac" -> Set.of("scheme", "header", "algorithm", "encoding", "prefix");
            case "twilio" -> Set.of("scheme", "header");
            case "vonage" -> Set.of("scheme", "parameter", "algorithm", "tolerance");
            case "standard-webhooks" -> Set.of("scheme", "tolerance");
            default -> throw new IllegalArgumentException("scheme '" + scheme
                    + "' is not hmac, twilio, vonage or standard-webhooks");
        };
        for (String key : block.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("key '" + key + "' does not belong to scheme " + scheme
                        + " (its keys: " + String.join(", ", new TreeSet<>(keys)) + ")");
            }
        }
        return switch (scheme) {
            case "hmac" -> {
                String header = block.get("header");
                if (header == null || header.isBlank()) {
                    throw new IllegalArgumentException("scheme hmac: 'header' is required (the request header carrying the MAC)");
                }
                yield new HmacSignature(header.trim(), block.getOrDefault("algorithm", "HmacSHA256"),
                        block.getOrDefault("encoding", "hex"), block.getOrDefault("prefix", ""));
            }
            case "twilio" -> new TwilioSignature(block.getOrDefault("header", TwilioSignature.HEADER));
            case "vonage" -> new VonageSignature(block.getOrDefault("parameter", VonageSignature.PARAMETER),
                    VonageSignature.Algorithm.byName(block.getOrDefault("algorithm", "md5hash")),
                    tolerance(block.get("tolerance")));
            default -> new StandardWebhooksSignature(tolerance(block.get("tolerance")));
        };
    }

    /** {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT5M}); absent: {@link #DEFAULT_TOLERANCE}. */
    private static Duration tolerance(String text) {
        if (text == null) {
            return DEFAULT_TOLERANCE;
        }
        String value = text.trim().toLowerCase();
        try {
            Duration tolerance;
            if (value.startsWith("p")) {
                tolerance = Duration.parse(value.toUpperCase());
            } else {
                int split = 0;
                while (split < value.length() && Character.isDigit(value.charAt(split))) {
                    split++;
                }
                long amount = Long.parseLong(value.substring(0, split));
                tolerance = switch (value.substring(split).trim()) {
                    case "s", "" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> throw new IllegalArgumentException(value);
                };
            }
            if (tolerance.isNegative() || tolerance.isZero()) {
                throw new IllegalArgumentException(value);
            }
            return tolerance;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'tolerance': '" + text + "' is not a duration such as 30s, 5m or 1h");
        }
    }

    /** Whether {@code seconds} (Unix time) is within {@code tolerance} of {@code now}, either way. */
    static boolean withinTolerance(long seconds, Instant now, Duration tolerance) {
        return Math.abs(now.getEpochSecond() - seconds) <= tolerance.toSeconds();
    }

    /** A MAC under {@code key}; an unknown algorithm is an {@link IllegalArgumentException}. */
    static Mac mac(String algorithm, byte[] key) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("signature algorithm '" + algorithm + "' is not available: " + e.getMessage(), e);
        }
    }
}
