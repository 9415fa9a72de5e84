package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.store.MessageSearch;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/messages?provider=&messageId=&clientRef=&recipient=&status=&final=&overdue=&since=&until=&limit=&cursor=}:
 * the messages, newest first, a page at a time, and one stored event's raw payload. Every
 * parameter is checked: a wrong one is answered 400 saying which and why. The cursor is opaque to
 * clients: the position after the page's last message, base64url-encoded.
 */
public class MessageSearchApi {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final int MAX_KEY = 255;

    private final MessageSearch search;

    public MessageSearchApi(MessageSearch search) {
        this.search = search;
    }

    /** {@code GET /api/messages}. */
    public void search(Exchange exchange) throws SQLException {
        MessageSearch.Filter filter = new MessageSearch.Filter(
                key(exchange, "provider"), key(exchange, "messageId"), key(exchange, "clientRef"), recipient(exchange),
                status(exchange),
                bool(exchange, "final"), bool(exchange, "overdue"), ApiExchange.instant(exchange, "since"), ApiExchange.instant(exchange, "until"));
        if (filter.since() != null && filter.until() != null && !filter.since().isBefore(filter.until())) {
            throw HttpProblem.badRequest("'since' must be before 'until'");
        }
        int limit = ApiExchange.number(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        MessageSearch.Page page = search.search(filter, cursor(exchange), limit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("limit", limit);
        answer.put("messages", page.messages());
        answer.put("nextCursor", page.next() == null ? null : encode(page.next()));
        ApiExchange.answer(exchange, 200, answer);
    }

    /** {@code GET /api/messages/{provider}/{messageId}/events/{eventId}}: the event's raw payload, as received. */
    public void event(Exchange exchange) throws SQLException {
        String provider = key(exchange, "provider");
        String messageId = key(exchange, "messageId");
        String eventId = key(exchange, "eventId");
        var event = search.event(provider, messageId, eventId)
                .orElseThrow(() -> HttpProblem.notFound("no event " + eventId + " of message " + messageId + " from provider " + provider));
        ApiExchange.answer(exchange, 200, event);
    }

    /** A provider, message or event id, or a client reference: nothing longer than the columns, and no NUL, which PostgreSQL cannot compare. */
    private static String key(Exchange exchange, String name) {
        String value = ApiExchange.parameter(exchange, name);
        if (value != null && value.length() > MAX_KEY) {
            throw HttpProblem.badRequest("'" + name + "' is longer than " + MAX_KEY + " characters");
        }
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw HttpProblem.badRequest("'" + name + "' contains a NUL character (U+0000)");
        }
        return value;
    }

    private static String recipient(Exchange exchange) {
        String value = ApiExchange.parameter(exchange, "recipient");
        if (value != null && !E164.matcher(value).matches()) {
            throw HttpProblem.badRequest("'recipient' must be an E.164 number such as +2348012345678 (a '+' in a query is written %2B)");
        }
        return value;
    }

    private static String status(Exchange exchange) {
        String value = ApiExchange.parameter(exchange, "status");
        if (value == null) {
            return null;
        }
        try {
            return CanonicalStatus.valueOf(value).name();
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("'status' must be one of " + java.util.Arrays.toString(CanonicalStatus.values()));
        }
    }

    private static Boolean bool(Exchange exchange, String name) {
        String value = ApiExchange.parameter(exchange, name);
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw HttpProblem.badRequest("'" + name + "' must be true or false");
        };
    }

    /** The position a cursor stands for: first-seen time, provider and message id (the rest, whatever it holds), one per line. */
    private static MessageSearch.Position cursor(Exchange exchange) {
        String value = ApiExchange.parameter(exchange, "cursor");
        if (value == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8).split("\n", 3);
            if (parts.length == 3 && !parts[1].isEmpty() && !parts[2].isEmpty()) {
                return new MessageSearch.Position(Instant.parse(parts[0]), parts[1], parts[2]);
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // answered below
        }
        throw HttpProblem.badRequest("'cursor' is not a cursor this API gave (use nextCursor as it is)");
    }

    static String encode(MessageSearch.Position position) {
        String text = position.firstSeenAt() + "\n" + position.provider() + "\n" + position.messageId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
