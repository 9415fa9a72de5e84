package com.dlradapter.ingest;

import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.RateLimiter;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;

import java.util.Map;
import java.util.function.Function;

/**
 * The edge of every webhook route, in three steps: {@link WebhookEdge} captures the call from the
 * HTTP request itself and removes every header; {@link WebhookAccess} admits it (provider, method,
 * address, token, signature, rate limits); {@link WebhookPayload} checks the body's size and
 * encoding and hands it to the pipeline.
 * <p>
 * The credential has one exact form per place: the query parameter named exactly {@code token}
 * ({@code /webhooks/{provider}?token=...}), the last path segment
 * ({@code /webhooks/{provider}/{token}}), or the password of HTTP basic auth. Nothing else
 * ({@code TOKEN=}, {@code tok%65n=}, {@code x=1;token=}, a {@code token:} header, a form field) is
 * a credential; and every query parameter (or form field) named token, in any case or encoding, is
 * left out of a GET callback's (or a form POST's) stored payload ({@link WebhookTokens}). A
 * signature is checked over the exact bytes received, a form's included ({@link
 * com.dlradapter.http.FormBytesEngine}).
 */
public class WebhookGate {

    /** Exchange property: the client address the checks used. */
    public static final String CLIENT = "dlrClientAddress";

    private final WebhookEdge edge;
    private final WebhookAccess access;
    private final WebhookPayload payload;

    public WebhookGate(Map<String, ProviderAccess> access, Function<String, ProviderAccess> newProviders,
                       ClientAddress clientAddress, RateLimiter failedAuthentications, RateLimiter perClient,
                       RateLimiter perProvider, Function<String, String> webhookMethods, long maxBodyBytes) {
        this.edge = new WebhookEdge(clientAddress);
        this.access = new WebhookAccess(access, newProviders, failedAuthentications, perClient, perProvider, webhookMethods);
        this.payload = new WebhookPayload(maxBodyBytes);
    }

    /**
     * A provider added while running (hot reload) gets its policy now, and with it its generated
     * token file, so the token can be read before its first request; known providers keep theirs.
     */
    public void provide(String provider) {
        access.policy(provider);
    }

    /** A provider's webhook policy (its token: for the admin API's Providers page only), null for an unknown provider. */
    public ProviderAccess access(String provider) {
        return access.policy(provider);
    }

    /** {@code POST|GET /webhooks/{provider}}: the route names the provider; the token is {@code ?token=} or basic auth. */
    public void admit(Exchange exchange) {
        HttpServerRequest request = WebhookEdge.request(exchange);
        String provider = exchange.getProperty(IngestProperties.PROVIDER, String.class);
        admit(exchange, provider, WebhookTokens.queryToken(request.query()), false);
    }

    /**
     * {@code POST|GET /webhooks/{provider}/{token}}: one route for every provider, both read from
     * the (normalized) path; the provider's own route decides which methods are allowed.
     */
    public void admitPathToken(Exchange exchange) {
        WebhookTokens.PathToken path = WebhookTokens.pathToken(exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class));
        String provider = path == null ? null : path.provider();
        exchange.setProperty(IngestProperties.PROVIDER, provider);
        admit(exchange, provider, path == null ? null : path.token(), true);
    }

    private void admit(Exchange exchange, String provider, String token, boolean pathForm) {
        WebhookEdge.Call call = edge.capture(exchange, token);
        access.check(call, provider, pathForm);
        payload.decode(exchange, call.body(), call.form());
    }
}
