package com.dlradapter.ingest;

import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.RateLimiter;
import com.dlradapter.security.SignatureScheme;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;

import java.time.Clock;
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
                       RateLimiter perProvider, Function<String, String> webhookMethods, long maxBodyBytes,
                       Function<String, SignatureScheme> declaredSignatures, String publicBaseUrl) {
        this.edge = new WebhookEdge(clientAddress, publicBaseUrl);
        this.access = new WebhookAccess(access, newProviders, failedAuthentications, perClient, perProvider, webhookMethods,
                declaredSignatures, Clock.systemUTC());
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

    /**
     * The signature scheme a provider's webhook checks now: its mapping's {@code signature:} block,
     * else the HMAC of its {@code signature.*} settings; null for none.
     */
    public SignatureScheme signature(String provider) {
        return access.signature(provider, access.policy(provider));
    }

    /**
     * A provider's signature in one phrase for the start-up summary ({@code signature twilio (header
     * X-Twilio-Signature)}), saying so when its secret is missing or cannot be its key; null when it has no scheme.
     */
    public String describeSignature(String provider) {
        ProviderAccess policy = access.policy(provider);
        SignatureScheme scheme = access.signature(provider, policy);
        if (scheme == null) {
            return null;
        }
        String described = "signature " + scheme.name() + " (" + scheme.carrier() + ")";
        if (policy == null || policy.signatureSecret() == null) {
            return described + ", NO SECRET: every call answers 401 until dlr.providers." + provider + ".signature.secret is set";
        }
        String problem = scheme.secretProblem(policy.signatureSecret());
        return problem == null ? described
                : described + ", BAD SECRET: " + problem + ": every call answers 401 until dlr.providers." + provider
                + ".signature.secret is fixed";
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
