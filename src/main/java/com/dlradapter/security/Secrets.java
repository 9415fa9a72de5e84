package com.dlradapter.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Credential checks that take the same time whatever the guess, and secrets kept out of text. */
public final class Secrets {

    /**
     * {@code user:password@host[:port]} without a scheme, as a token of its own: after the start of
     * the text, a space or an opening quote, bracket or separator, and before the end, a space, a
     * path or a closing one. The host is a DNS name or an IP literal.
     */
    private static final Pattern BARE_USER_INFO = Pattern.compile(
            "(?<=^|[\\s\"'(<\\[=,;])([^\\s:@/\"'<>()\\[\\]]+):([^\\s@/\"'<>]+)@"
                    + "((?:[A-Za-z0-9-]+\\.)*[A-Za-z0-9-]+|\\[[0-9A-Fa-f:.]+\\])(?::\\d{1,5})?(?=$|[\\s/?#\"'>),;\\]])");

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

    /**
     * {@code text} with the password of a bare user-info ({@code alice:s3cret@127.0.0.1:9}, no
     * scheme, as HttpClient 5 quotes an URI's authority in its exceptions) replaced by {@code ****};
     * the same instance when there is none. Meant for exception texts: in ordinary text a
     * {@code word:word@host} is rarely a password, so log messages get only {@link #maskUserInfo}.
     */
    public static String maskBareUserInfo(String text) {
        if (text == null || text.indexOf('@') < 0 || text.indexOf(':') < 0) {
            return text;
        }
        Matcher bare = BARE_USER_INFO.matcher(text);
        StringBuilder masked = null;
        int copied = 0;
        while (bare.find()) {
            if (bare.group(2).equals("****")) {
                continue;
            }
            if (masked == null) {
                masked = new StringBuilder(text.length());
            }
            masked.append(text, copied, bare.start(2)).append("****");
            copied = bare.end(2);
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
