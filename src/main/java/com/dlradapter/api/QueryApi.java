package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.MessageQuery;
import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The read side of the admin API: a message's state and history, and the dead letters. */
public class QueryApi {

    private static final int MAX_PAGE = 500;

    private final MessageQuery messages;
    private final DeadLetterStore deadLetters;

    public QueryApi(MessageQuery messages, DeadLetterStore deadLetters) {
        this.messages = messages;
        this.deadLetters = deadLetters;
    }

    /** {@code GET /api/messages/{provider}/{messageId}}. */
    public void message(Exchange exchange) throws SQLException {
        String provider = parameter(exchange, "provider");
        String messageId = parameter(exchange, "messageId");
        var state = messages.message(provider, messageId)
                .orElseThrow(() -> HttpProblem.notFound("no message " + messageId + " from provider " + provider));
        ok(exchange, CanonicalJson.write(state));
    }

    /** {@code GET /api/dead-letters?provider=&limit=&offset=}: newest first. */
    public void deadLetters(Exchange exchange) throws SQLException {
        int limit = number(exchange, "limit", 100, 1, MAX_PAGE);
        int offset = number(exchange, "offset", 0, 0, Integer.MAX_VALUE);
        String provider = parameter(exchange, "provider");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("limit", limit);
        answer.put("offset", offset);
        answer.put("deadLetters", deadLetters.list(provider, limit, offset));
        ok(exchange, CanonicalJson.write(answer));
    }

    private static void ok(Exchange exchange, String json) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(json);
    }

    @SuppressWarnings("unchecked")
    static String parameter(Exchange exchange, String name) {
        Map<String, Object> parameters = exchange.getProperty(ApiGate.PARAMETERS, Map.class);
        Object value = parameters == null ? null : parameters.get(name);
        if (value instanceof java.util.List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static int number(Exchange exchange, String name, int defaultValue, int min, int max) {
        String text = parameter(exchange, name);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("'" + name + "' must be a whole number from " + min + " to " + max);
        }
    }
}
