package com.dlradapter.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a provider signed, as the adapter received it: the method, the URL the provider called
 * ({@code baseUrl}: {@code dlr.http.public-base-url}, else the request's own scheme and Host;
 * {@code target}: the path and query exactly as they came in the request line), the content type,
 * the exact body bytes (a GET's: its query less the adapter's token) and the request headers by name.
 */
public record SignedRequest(String method, String baseUrl, String target, String contentType, byte[] body,
                            Function<String, String> headers) {

    private static final String FORM = "application/x-www-form-urlencoded";

    public SignedRequest {
        body = body == null ? new byte[0] : body;
    }

    /** A request header (first value), or null. */
    public String header(String name) {
        return headers.apply(name);
    }

    /** The query string as received (still encoded), or null without one. */
    public String rawQuery() {
        int mark = target.indexOf('?');
        return mark < 0 ? null : target.substring(mark + 1);
    }

    public boolean isForm() {
        return hasMediaType(FORM);
    }

    public boolean isJson() {
        return hasMediaType("application/json");
    }

    private boolean hasMediaType(String type) {
        return contentType != null && contentType.regionMatches(true, 0, type, 0, type.length())
                && (contentType.length() == type.length() || contentType.charAt(type.length()) == ';'
                || contentType.charAt(type.length()) == ' ');
    }

    /** A form-encoded body's fields, decoded, in the order sent (a POST's; empty for other requests). */
    public List<Map.Entry<String, String>> formFields() {
        return isForm() && !"GET".equals(method) ? fields(new String(body, StandardCharsets.UTF_8)) : List.of();
    }

    /** The query's fields, decoded, in the order sent. */
    public List<Map.Entry<String, String>> queryFields() {
        String query = rawQuery();
        return query == null ? List.of() : fields(query);
    }

    /**
     * {@code name=value&...} decoded as a form ({@code +} is a space); a field without {@code =} has
     * an empty value. A broken escape is an {@link IllegalArgumentException}.
     */
    static List<Map.Entry<String, String>> fields(String encoded) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            fields.add(Map.entry(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return fields;
    }
}
