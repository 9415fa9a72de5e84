package com.dlradapter.api;

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
        String provider = ApiExchange.parameter(exchange, "provider");
        String messageId = ApiExchange.parameter(exchange, "messageId");
        var state = messages.message(provider, messageId)
                .orElseThrow(() -> HttpProblem.notFound("no message " + messageId + " from provider " + provider));
        ApiExchange.answer(exchange, 200, state);
    }

    /** {@code GET /api/dead-letters?provider=&limit=&offset=}: newest first. */
    public void deadLetters(Exchange exchange) throws SQLException {
        int limit = ApiExchange.number(exchange, "limit", 100, 1, MAX_PAGE);
        int offset = ApiExchange.number(exchange, "offset", 0, 0, Integer.MAX_VALUE);
        String provider = ApiExchange.parameter(exchange, "provider");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("limit", limit);
        answer.put("offset", offset);
        answer.put("deadLetters", deadLetters.list(provider, limit, offset));
        ApiExchange.answer(exchange, 200, answer);
    }
}
