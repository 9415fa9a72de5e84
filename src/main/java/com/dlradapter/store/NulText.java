package com.dlradapter.store;

/**
 * PostgreSQL text columns cannot hold U+0000 (NUL): "invalid byte sequence for encoding UTF8: 0x00".
 * H2 can. So that both keep the same rows, text that may carry a NUL goes through here before it is
 * written.
 *
 * <p>A raw payload is kept faithfully: one without a NUL is stored as it is (and the column
 * {@code raw_payload_escaped} is false); one with a NUL is stored escaped, and
 * {@code raw_payload_escaped} is true. The escape is reversible: each backslash is doubled
 * ({@code \} becomes {@code \\}) and each U+0000 becomes the two characters {@code \0};
 * {@link #unescape} reverses it, so the dead-letter API and replay see the payload exactly as it
 * arrived. Free text such as a reason need not be reversible: {@link #visible} writes its NULs as
 * <code>&#92;u0000</code>.
 */
public final class NulText {

    private static final char NUL = '\u0000';

    private NulText() {
    }

    public static boolean hasNul(String text) {
        return text != null && text.indexOf(NUL) >= 0;
    }

    /** The text to store for a raw payload that {@link #hasNul has a NUL}: see the class comment. */
    public static String escape(String raw) {
        StringBuilder escaped = new StringBuilder(raw.length() + 16);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                escaped.append("\\\\");
            } else if (c == NUL) {
                escaped.append("\\0");
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** The raw payload stored by {@link #escape}, as it arrived. */
    public static String unescape(String stored) {
        StringBuilder raw = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c == '\\' && i + 1 < stored.length()) {
                char next = stored.charAt(++i);
                raw.append(next == '0' ? NUL : next);
            } else {
                raw.append(c);
            }
        }
        return raw.toString();
    }

    /** The raw payload as read from a row: unescaped when the row says it was escaped. */
    public static String raw(String stored, boolean escaped) {
        return escaped && stored != null ? unescape(stored) : stored;
    }

    /** Free text (a reason, a content type) with each NUL written as the six characters <code>&#92;u0000</code>. */
    public static String visible(String text) {
        return hasNul(text) ? text.replace(String.valueOf(NUL), "\\u0000") : text;
    }
}
