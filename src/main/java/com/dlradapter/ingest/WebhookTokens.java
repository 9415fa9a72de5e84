package com.dlradapter.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a webhook's credential may be written, read exactly: the query parameter named exactly
 * {@code token} and the last path segment; and every query parameter that names a token in any
 * case or encoding, left out of a GET callback's payload (and a form field so named, out of a
 * form POST's).
 */
final class WebhookTokens {

    private static final String TOKEN = "token";
    private static final String WEBHOOKS = "/webhooks/";

    private WebhookTokens() {
    }

    /** Provider and token of {@code /webhooks/{provider}/{token}} (percent-decoded), or null for another path. */
    record PathToken(String provider, String token) {
    }

    static PathToken pathToken(String path) {
        if (path != null && path.startsWith(WEBHOOKS)) {
            int slash = path.indexOf('/', WEBHOOKS.length());
            if (slash > WEBHOOKS.length() && path.indexOf('/', slash + 1) < 0) {
                return new PathToken(decodePathSegment(path.substring(WEBHOOKS.length(), slash)),
                        decodePathSegment(path.substring(slash + 1)));
            }
        }
        return null;
    }

    /**
     * The value of the one query parameter named exactly {@code token} (percent-decoded), null if
     * there is none, or an empty string, which matches no token, if there are several or it does
     * not decode.
     */
    static String queryToken(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        String found = null;
        int from = 0;
        int length = rawQuery.length();
        while (from <= length) {
            int amp = rawQuery.indexOf('&', from);
            int end = amp < 0 ? length : amp;
            if (end - from >= TOKEN.length() && rawQuery.startsWith(TOKEN, from)
                    && (end - from == TOKEN.length() || rawQuery.charAt(from + TOKEN.length()) == '=')) {
                if (found != null) {
                    return "";   // given twice: ambiguous
                }
                found = end - from == TOKEN.length() ? "" : decodeQueryValue(rawQuery.substring(from + TOKEN.length() + 1, end));
            }
            from = end + 1;
        }
        return found;
    }

    /**
     * The raw query (or form body: the same syntax) without any parameter that names a token in any case or encoding
     * ({@code token}, {@code TOKEN}, {@code tok%65n}): only the exact {@code token} is a credential,
     * but a provider's secret sent under another spelling is not kept in a payload either.
     */
    static String withoutTokens(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringBuilder kept = null;
        int from = 0;
        int length = query.length();
        while (from <= length) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? length : amp;
            boolean token = namesToken(query, from, end);
            if (token && kept == null) {
                kept = new StringBuilder(query.length()).append(query, 0, Math.max(0, from - 1));
            } else if (!token && kept != null && end > from) {
                if (kept.length() > 0) {
                    kept.append('&');
                }
                kept.append(query, from, end);
            }
            from = end + 1;
        }
        return kept == null ? query : kept.toString();
    }

    /** Whether the parameter in {@code query[from, end)} is named "token" in any case, percent-encoded or not. */
    private static boolean namesToken(String query, int from, int end) {
        int equals = query.indexOf('=', from);
        int nameEnd = equals < 0 || equals > end ? end : equals;
        int length = nameEnd - from;
        if (length == TOKEN.length()) {
            return query.regionMatches(true, from, TOKEN, 0, length);
        }
        if (length < TOKEN.length() || query.indexOf('%', from) < 0 || query.indexOf('%', from) >= nameEnd) {
            return false;
        }
        return TOKEN.equalsIgnoreCase(decodeQueryValue(query.substring(from, nameEnd)));
    }

    private static String decodeQueryValue(String value) {
        if (value.indexOf('%') < 0 && value.indexOf('+') < 0) {
            return value;
        }
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String decodePathSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            // '+' is a plus in a path, not a space
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
