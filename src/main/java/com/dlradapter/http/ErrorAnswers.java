package com.dlradapter.http;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.mapping.MalformedPayloadException;
import com.dlradapter.mapping.TooManyReceiptsException;
import com.dlradapter.mapping.UnknownProviderException;
import com.dlradapter.mapping.UnsupportedPayloadFormatException;
import com.dlradapter.store.StoreBusyException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a failed exchange into an HTTP answer: a status and a small JSON body, never a stack trace
 * or a class name. A database failure is 503 so that providers retry later.
 */
public class ErrorAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswers.class);

    public void answer(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        HttpProblem problem = find(failure, HttpProblem.class);
        Answer answer = problem != null
                ? new Answer(problem.status(), problem.error(), problem.getMessage())
                : classify(exchange, failure);
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (answer.status() == 503) {
            message.setHeader("Retry-After", "busy".equals(answer.error()) ? "1" : "5");
        }
        if (problem != null && problem.retryAfterSeconds() > 0) {
            message.setHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
        }
        if (problem != null && problem.allow() != null) {
            message.setHeader("Allow", problem.allow());
        }
        if (problem != null && problem.challenge() != null) {
            message.setHeader("WWW-Authenticate", problem.challenge());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", answer.error());
        body.put("message", answer.message());
        message.setBody(CanonicalJson.write(body));
    }

    /** Status, error and message of an answer. */
    private record Answer(int status, String error, String message) {
    }

    /** The answer to a failure that is not an {@link HttpProblem}, by the first known cause. */
    private static Answer classify(Exchange exchange, Throwable failure) {
        if (find(failure, TooManyReceiptsException.class) != null) {
            return new Answer(413, "too-many-receipts", find(failure, TooManyReceiptsException.class).getMessage());
        }
        if (find(failure, MalformedPayloadException.class) != null) {
            return new Answer(400, "malformed-payload", find(failure, MalformedPayloadException.class).getMessage());
        }
        if (find(failure, UnsupportedPayloadFormatException.class) != null) {
            return new Answer(415, "unsupported-media-type", find(failure, UnsupportedPayloadFormatException.class).getMessage());
        }
        if (find(failure, UnknownProviderException.class) != null) {
            return new Answer(404, "unknown-provider", find(failure, UnknownProviderException.class).getMessage());
        }
        if (find(failure, StoreBusyException.class) != null) {
            // overload: the store logs it once a minute; a line per refused request would flood the log
            return new Answer(503, "busy", "the adapter is busy; nothing was stored, please retry after the Retry-After delay");
        }
        if (find(failure, SQLException.class) != null) {
            LOG.warn("Answering 503 on {}: database unavailable: {}", exchange.getFromRouteId(),
                    find(failure, SQLException.class).getMessage());
            return new Answer(503, "unavailable", "the receipt store is unavailable; nothing was stored, please retry");
        }
        LOG.error("Answering 500 on {}", exchange.getFromRouteId(), failure);
        return new Answer(500, "internal-error", "the request could not be processed");
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
