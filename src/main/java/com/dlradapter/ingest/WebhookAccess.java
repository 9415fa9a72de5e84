package com.dlradapter.ingest;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.security.Secrets;
import com.dlradapter.http.WebhookMethods;
import com.dlradapter.security.Cidr;
import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.RateLimiter;
import com.dlradapter.security.SignatureScheme;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The webhook gate's access policy, in this order: the provider (404), the method of the
 * path-token form (405), the IP allow-list (403), the token (401), the signature (401: the scheme
 * of the provider's mapping, read per request so a reloaded mapping's applies at once, else the
 * HMAC of its settings; a scheme without a configured secret refuses every call); a
 * client whose authentications fail too often gets 429 instead, while its valid requests still
 * pass (no lock-out of a provider that shares its address with an attacker). Only if the operator
 * turns them on: the per-client and per-provider limits of authenticated requests (429).
 */
final class WebhookAccess {

    private final Map<String, ProviderAccess> access;
    /** The policy of a provider added while running (hot reload), or null for an unknown one. */
    private final Function<String, ProviderAccess> newProviders;
    private final RateLimiter failedAuthentications;
    private final RateLimiter perClient;
    private final RateLimiter perProvider;
    /** The methods of a provider's own webhook route: "GET, POST", "*", or null without one. */
    private final Function<String, String> webhookMethods;
    /** A provider's {@code signature:} block from its loaded mapping, or null. */
    private final Function<String, SignatureScheme> declaredSignatures;
    private final Clock clock;

    WebhookAccess(Map<String, ProviderAccess> access, Function<String, ProviderAccess> newProviders,
                  RateLimiter failedAuthentications, RateLimiter perClient, RateLimiter perProvider,
                  Function<String, String> webhookMethods, Function<String, SignatureScheme> declaredSignatures, Clock clock) {
        this.access = new ConcurrentHashMap<>(access);
        this.newProviders = newProviders;
        this.failedAuthentications = failedAuthentications;
        this.perClient = perClient;
        this.perProvider = perProvider;
        this.webhookMethods = webhookMethods;
        this.declaredSignatures = declaredSignatures;
        this.clock = clock;
    }

    /** The scheme a provider's calls are checked with: its mapping's block, else its HMAC settings, else null. */
    SignatureScheme signature(String provider, ProviderAccess policy) {
        SignatureScheme declared = declaredSignatures.apply(provider);
        return declared != null ? declared : policy == null ? null : policy.signature();
    }

    /**
     * A provider's policy, null for an unknown provider. A provider added while running gets its
     * policy (and its generated token file) now; known ones keep theirs.
     */
    ProviderAccess policy(String provider) {
        return access.computeIfAbsent(provider, newProviders);
    }

    /** Admits the call or throws the {@link HttpProblem} it is answered with. */
    void check(WebhookEdge.Call call, String provider, boolean pathForm) {
        ProviderAccess policy = provider == null ? null : policy(provider);
        if (policy == null) {
            throw failed(call, HttpProblem.notFound("unknown provider"));
        }
        if (pathForm) {
            checkMethod(call, provider);
        }
        authenticate(call, policy);
        limit(call, provider);
    }

    /** The path-token form takes the methods of the provider's own route. */
    private void checkMethod(WebhookEdge.Call call, String provider) {
        String allowed = webhookMethods.apply(provider);
        if (allowed == null) {
            throw failed(call, HttpProblem.notFound("unknown provider"));
        }
        if (!WebhookMethods.allows(allowed, call.method())) {
            throw HttpProblem.methodNotAllowed(allowed);
        }
    }

    private void authenticate(WebhookEdge.Call call, ProviderAccess policy) {
        if (!policy.allowFrom().isEmpty() && !Cidr.anyContains(policy.allowFrom(), call.client())) {
            throw failed(call, HttpProblem.forbidden("this address may not call this webhook"));
        }
        if (policy.requiresToken() && !Secrets.constantTimeEquals(policy.token(), call.credential())) {
            throw failed(call, HttpProblem.unauthorized(
                    "a valid token is required (query parameter 'token', path segment or basic-auth password)",
                    "Basic realm=\"dlr-adapter\""));
        }
        SignatureScheme signature = signature(policy.provider(), policy);
        if (signature != null) {
            if (policy.signatureSecret() == null) {
                throw failed(call, HttpProblem.unauthorized("no signature secret is configured for " + policy.provider()
                        + " (dlr.providers." + policy.provider() + ".signature.secret)", null));
            }
            String refusal = signature.refusal(call.signed(), policy.signatureSecret(), clock.instant());
            if (refusal != null) {
                throw failed(call, HttpProblem.unauthorized(refusal, null));
            }
        }
    }

    /** Authenticated traffic is limited only when the operator asks for it (off by default). */
    private void limit(WebhookEdge.Call call, String provider) {
        if (perClient.enabled()) {
            long wait = perClient.acquire(ClientAddress.limitKey(call.client()));
            if (wait > 0) {
                throw HttpProblem.tooManyRequests(wait);
            }
        }
        if (perProvider.enabled()) {
            long wait = perProvider.acquire(provider);
            if (wait > 0) {
                throw HttpProblem.tooManyRequests(wait);
            }
        }
    }

    /**
     * A failed authentication (unknown provider, address not allowed, wrong credential) is charged
     * to its client: within the budget it gets its own answer, beyond it 429.
     */
    private HttpProblem failed(WebhookEdge.Call call, HttpProblem problem) {
        long wait = failedAuthentications.acquire(ClientAddress.limitKey(call.client()));
        return wait > 0 ? HttpProblem.tooManyFailures(wait) : problem;
    }
}
