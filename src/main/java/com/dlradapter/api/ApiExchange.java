package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.http.HttpProblem;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * What every admin API call has in common: reading its parameters (path and query, as the
 * {@link ApiGate} captured them, never from Camel headers) and answering JSON.
 */
final class ApiExchange {

    private ApiExchange() {
    }

    /** A path or query parameter; null when absent or blank (of a repeated one, the first). */
    @SuppressWarnings("unchecked")
    static String parameter(Exchange exchange, String name) {
        Map<String, Object> parameters = exchange.getProperty(ApiGate.PARAMETERS, Map.class);
        Object value = parameters == null ? null : parameters.get(name);
        if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    /** A whole-number parameter within [min, max], or {@code defaultValue} when absent; else 400. */
    static int number(Exchange exchange, String name, int defaultValue, int min, int max) {
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

    /** A time parameter (ISO-8601 with an offset); null when absent; else 400. */
    static Instant instant(Exchange exchange, String name) {
        String value = parameter(exchange, name);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw HttpProblem.badRequest("'" + name + "' must be an ISO-8601 time with an offset, e.g. 2026-06-09T13:00:00Z");
        }
    }

    /** Answers {@code code} with {@code answer} written as JSON. */
    static void answer(Exchange exchange, int code, Object answer) {
        answerJson(exchange, code, CanonicalJson.write(answer));
    }

    /** Answers {@code code} with a JSON text already written. */
    static void answerJson(Exchange exchange, int code, String json) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(json);
    }
}
