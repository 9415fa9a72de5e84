package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.PhoneNumbers;
import com.dlradapter.mapping.TimestampParser;
import com.dlradapter.mapping.UnmappablePayloadException;
import com.dlradapter.polling.PollSchedule;
import com.dlradapter.store.SqlStates;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/messages}: registers a sent message for tracking, so that it is polled until
 * final even if no webhook ever comes. Registering twice creates nothing twice: 201 the first
 * time, 200 after. Bad data is the caller's to fix, answered 400 on every database alike: a NUL
 * character, a {@code sentAt} outside the years 1970 to 9999, or any value the database itself
 * refuses (SQLSTATE class 22); never 503, which says "try again later".
 */
public class RegistrationApi {

    private final MappingEngine engine;
    private final PollSchedule schedule;

    public RegistrationApi(MappingEngine engine, PollSchedule schedule) {
        this.engine = engine;
        this.schedule = schedule;
    }

    public void register(Exchange exchange) throws SQLException {
        JsonNode body;
        try {
            body = CanonicalJson.MAPPER.readTree(exchange.getMessage().getBody(String.class));
        } catch (JacksonException | IllegalArgumentException e) {
            throw HttpProblem.badRequest("the body must be a JSON object: provider, messageId, batchId, clientRef, recipient, sentAt");
        }
        if (body == null || !body.isObject()) {
            throw HttpProblem.badRequest("the body must be a JSON object: provider, messageId, batchId, clientRef, recipient, sentAt");
        }
        String provider = text(body, "provider", true);
        String messageId = text(body, "messageId", true);
        String batchId = text(body, "batchId", false);
        // the sender's own reference (an order number): what it searches the message by later
        String clientRef = text(body, "clientRef", false);
        if (!engine.knows(provider)) {
            throw HttpProblem.notFound("no provider '" + provider + "'");
        }
        String recipient;
        try {
            recipient = PhoneNumbers.toE164(text(body, "recipient", false));
        } catch (UnmappablePayloadException e) {
            throw HttpProblem.badRequest("'recipient' " + e.getMessage().replace("recipient ", ""));
        }
        Instant sentAt = null;
        String sent = text(body, "sentAt", false);
        if (sent != null) {
            try {
                sentAt = OffsetDateTime.parse(sent).toInstant();
            } catch (DateTimeParseException e) {
                throw HttpProblem.badRequest("'sentAt' must be ISO-8601 with an offset, e.g. 2026-06-09T13:04:57Z");
            }
            if (!TimestampParser.inRange(sentAt)) {
                throw HttpProblem.badRequest("'sentAt' is " + TimestampParser.RANGE);
            }
        }
        boolean created;
        try {
            created = schedule.register(provider, messageId, batchId, clientRef, recipient, sentAt);
        } catch (SQLException e) {
            if (SqlStates.isDataError(e)) {
                // the database's own text may quote the value and the statement: the SQLSTATE says enough
                throw HttpProblem.badRequest("the database refused a value of this message as invalid data (SQLSTATE "
                        + e.getSQLState() + "); check provider, messageId, batchId, clientRef, recipient and sentAt");
            }
            throw e;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("provider", provider);
        answer.put("messageId", messageId);
        answer.put("tracked", true);
        answer.put("created", created);
        ApiExchange.answer(exchange, created ? 201 : 200, answer);
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            if (required) {
                throw HttpProblem.badRequest("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw HttpProblem.badRequest("'" + field + "' must be a string");
        }
        if (value.asText().length() > 255) {
            throw HttpProblem.badRequest("'" + field + "' is longer than 255 characters");
        }
        if (value.asText().indexOf('\u0000') >= 0) {
            // PostgreSQL text cannot hold it (H2 can): refused on every database alike
            throw HttpProblem.badRequest("'" + field + "' contains a NUL character (U+0000), which cannot be stored");
        }
        return value.asText().trim();
    }
}
