package com.dlradapter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** Credential checks that take the same time whatever the guess, and secrets kept out of text. */
public final class Secrets {

    private Secrets() {
    }

    public static boolean constantTimeEquals(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        // Compare digests so that neither content nor length leaks through timing.
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    /** The password of an HTTP Basic {@code Authorization} header, or null. */
    public static String basicPassword(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The token of an HTTP {@code Authorization: Bearer} header, or null. */
    public static String bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /**
     * {@code text} with the password of every URL's user-info replaced by {@code ****}
     * ({@code https://user:****@host/...}); the same instance when there is none, cheaply.
     */
    public static String maskUserInfo(String text) {
        if (text == null) {
            return null;
        }
        int scheme = text.indexOf("://");
        if (scheme < 0) {
            return text;
        }
        StringBuilder masked = null;
        int copied = 0;
        while (scheme >= 0) {
            int start = scheme + 3;
            int end = start;
            while (end < text.length() && !endsAuthority(text.charAt(end))) {
                end++;
            }
            int at = text.lastIndexOf('@', end - 1);
            if (at >= start) {
                int colon = text.indexOf(':', start);
                if (colon >= 0 && colon < at && !text.startsWith("****", colon + 1)) {
                    if (masked == null) {
                        masked = new StringBuilder(text.length());
                    }
                    masked.append(text, copied, colon + 1).append("****");
                    copied = at;
                }
            }
            scheme = text.indexOf("://", Math.max(end, start));
        }
        return masked == null ? text : masked.append(text, copied, text.length()).toString();
    }

    private static boolean endsAuthority(char c) {
        // not ',', ';' or ')': they may be part of a password; masking too much is the safe side
        return c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>';
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
