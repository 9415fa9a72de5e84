package com.dlradapter.api;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.security.Secrets;
import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.RateLimiter;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.util.HashMap;
import java.util.Map;

/**
 * The edge of every admin API route: requires the bearer token (read from the request's own
 * Authorization header), keeps the request's path and query parameters in an exchange property,
 * and removes every inbound header. Failed authentications are charged to the client's budget
 * (shared with the webhooks): beyond it they are answered 429, while a valid token still passes.
 */
public class ApiGate {

    /** The request parameters (path and query), by name. */
    public static final String PARAMETERS = "dlrApiParameters";

    private final String token;
    private final ClientAddress clientAddress;
    private final RateLimiter failedAuthentications;

    public ApiGate(String token, ClientAddress clientAddress, RateLimiter failedAuthentications) {
        this.token = token;
        this.clientAddress = clientAddress;
        this.failedAuthentications = failedAuthentications;
    }

    public void admit(Exchange exchange) {
        var in = exchange.getMessage();
        HttpServerRequest request = in instanceof HttpMessage http ? http.getRequest() : null;
        if (request == null) {
            throw new IllegalStateException("the API gate serves platform-http routes only");
        }
        String given = Secrets.bearerToken(request.getHeader("Authorization"));
        Map<String, Object> parameters = new HashMap<>(in.getHeaders());
        parameters.remove("Authorization");
        in.getHeaders().clear();
        exchange.setProperty(PARAMETERS, parameters);
        if (!Secrets.constantTimeEquals(token, given)) {
            String client = clientAddress.resolve(request);
            long wait = failedAuthentications.acquire(ClientAddress.limitKey(client));
            throw wait > 0 ? HttpProblem.tooManyFailures(wait) : HttpProblem.unauthorized("a valid bearer token is required", "Bearer");
        }
    }
}
