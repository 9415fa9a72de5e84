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
        int status;
        String error;
        String message;
        HttpProblem problem = find(failure, HttpProblem.class);
        if (problem != null) {
            status = problem.status();
            error = problem.error();
            message = problem.getMessage();
        } else if (find(failure, TooManyReceiptsException.class) != null) {
            status = 413;
            error = "too-many-receipts";
            message = find(failure, TooManyReceiptsException.class).getMessage();
        } else if (find(failure, MalformedPayloadException.class) != null) {
            status = 400;
            error = "malformed-payload";
            message = find(failure, MalformedPayloadException.class).getMessage();
        } else if (find(failure, UnsupportedPayloadFormatException.class) != null) {
            status = 415;
            error = "unsupported-media-type";
            message = find(failure, UnsupportedPayloadFormatException.class).getMessage();
        } else if (find(failure, UnknownProviderException.class) != null) {
            status = 404;
            error = "unknown-provider";
            message = find(failure, UnknownProviderException.class).getMessage();
        } else if (find(failure, StoreBusyException.class) != null) {
            // overload: the store logs it once a minute; a line per refused request would flood the log
            status = 503;
            error = "busy";
            message = "the adapter is busy; nothing was stored, please retry after the Retry-After delay";
        } else if (find(failure, SQLException.class) != null) {
            status = 503;
            error = "unavailable";
            message = "the receipt store is unavailable; nothing was stored, please retry";
            LOG.warn("Answering 503 on {}: database unavailable: {}", exchange.getFromRouteId(),
                    find(failure, SQLException.class).getMessage());
        } else {
            status = 500;
            error = "internal-error";
            message = "the request could not be processed";
            LOG.error("Answering 500 on {}", exchange.getFromRouteId(), failure);
        }
        var answer = exchange.getMessage();
        answer.removeHeaders("*");
        answer.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        answer.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (status == 503) {
            answer.setHeader("Retry-After", "busy".equals(error) ? "1" : "5");
        }
        if (problem != null && problem.retryAfterSeconds() > 0) {
            answer.setHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
        }
        if (problem != null && problem.allow() != null) {
            answer.setHeader("Allow", problem.allow());
        }
        if (problem != null && problem.challenge() != null) {
            answer.setHeader("WWW-Authenticate", problem.challenge());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        answer.setBody(CanonicalJson.write(body));
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
