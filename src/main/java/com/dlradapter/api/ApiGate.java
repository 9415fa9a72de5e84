package com.dlradapter.api;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.http.Secrets;
import org.apache.camel.Exchange;

import java.util.HashMap;
import java.util.Map;

/**
 * The edge of every admin API route: requires the bearer token, keeps the request's path and
 * query parameters in an exchange property, and removes every inbound header.
 */
public class ApiGate {

    /** The request parameters (path and query), by name. */
    public static final String PARAMETERS = "dlrApiParameters";

    private final String token;

    public ApiGate(String token) {
        this.token = token;
    }

    public void admit(Exchange exchange) {
        var in = exchange.getMessage();
        String given = Secrets.bearerToken(in.getHeader("Authorization", String.class));
        Map<String, Object> parameters = new HashMap<>(in.getHeaders());
        parameters.remove("Authorization");
        in.removeHeaders("*");
        exchange.setProperty(PARAMETERS, parameters);
        if (!Secrets.constantTimeEquals(token, given)) {
            throw HttpProblem.unauthorized("a valid bearer token is required", "Bearer");
        }
    }
}
