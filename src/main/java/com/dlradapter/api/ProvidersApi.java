package com.dlradapter.api;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.mapping.ProviderMapping;
import com.dlradapter.mapping.SampleCheck;
import com.dlradapter.mapping.StatusRule;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.ops.PolledProviders;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.SignatureScheme;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code GET /api/providers} and {@code GET /api/providers/{provider}}: each provider with a
 * mapping, as the console's Providers page shows it: the webhook URL to hand to the provider
 * (with its token, so only ever behind the admin gate), its mapping file as text, its status table
 * as loaded, its samples run by the same {@link SampleCheck} the start and every reload run, and
 * its polling state. Everything comes from the loaded mappings and the webhook policies; nothing
 * here knows one provider from another.
 */
public class ProvidersApi {

    /** A Host header worth repeating in a URL: a name or address and a port, nothing else. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");

    private final MappingRegistry mappings;
    private final Function<String, ProviderAccess> access;
    /** The scheme a provider's webhook checks now (its mapping's block, else its HMAC settings), null for none. */
    private final Function<String, SignatureScheme> signatures;
    private final PolledProviders polled;
    private final AdapterMetrics metrics;
    private final String publicBaseUrl;
    /** Per provider: its samples as run for the version of its mapping now loaded. */
    private final Map<String, Checked> checkedSamples = new ConcurrentHashMap<>();

    /**
     * @param access        a provider's webhook policy (its token), null for an unknown provider
     * @param signatures    the signature scheme the webhook gate checks for a provider, null for none
     * @param publicBaseUrl {@code dlr.http.public-base-url}: how providers reach the adapter (behind
     *                      a proxy, say); null or blank: the scheme and host the console's request came to
     */
    public ProvidersApi(MappingRegistry mappings, Function<String, ProviderAccess> access,
                        Function<String, SignatureScheme> signatures, PolledProviders polled,
                        AdapterMetrics metrics, String publicBaseUrl) {
        this.mappings = mappings;
        this.access = access;
        this.signatures = signatures;
        this.polled = polled;
        this.metrics = metrics;
        this.publicBaseUrl = publicBaseUrl == null || publicBaseUrl.isBlank() ? null
                : publicBaseUrl.strip().replaceAll("/+$", "");
    }

    /** {@code GET /api/providers}: every provider with a mapping, by id. */
    public void list(Exchange exchange) {
        String base = baseUrl(exchange);
        List<Map<String, Object>> providers = new ArrayList<>();
        for (ProviderMapping mapping : mappings.mappings().values()) {
            providers.add(view(mapping, base));
        }
        providers.sort((a, b) -> ((String) a.get("provider")).compareTo((String) b.get("provider")));
        answer(exchange, Map.of("providers", providers));
    }

    /** {@code GET /api/providers/{provider}}: one provider; 404 for one without a mapping. */
    public void one(Exchange exchange) {
        String provider = ApiExchange.parameter(exchange, "provider");
        ProviderMapping mapping = provider == null ? null : mappings.mappings().get(provider);
        if (mapping == null) {
            throw HttpProblem.notFound("no provider " + provider);
        }
        answer(exchange, view(mapping, baseUrl(exchange)));
    }

    /**
     * The answer holds webhook tokens: no cache (the browser's, a proxy's) may keep it. Put on the
     * Vert.x response itself: platform-http's header filter drops a Cache-Control message header.
     */
    private static void answer(Exchange exchange, Object answer) {
        if (exchange.getIn() instanceof HttpMessage http && http.getResponse() != null) {
            http.getResponse().putHeader("Cache-Control", "no-store");
        }
        ApiExchange.answer(exchange, 200, answer);
    }

    private Map<String, Object> view(ProviderMapping mapping, String base) {
        String provider = mapping.provider();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("provider", provider);
        view.put("name", mapping.name());
        view.put("webhook", webhook(provider, base));
        view.put("mappingFile", mapping.file().getFileName().toString());
        view.put("mapping", text(mapping));
        List<Map<String, Object>> statuses = new ArrayList<>();
        mapping.statuses().forEach((providerStatus, rule) -> statuses.add(status(providerStatus, rule)));
        view.put("statuses", statuses);
        Map<String, Object> reasons = new LinkedHashMap<>();
        mapping.reasonStatuses().forEach((reason, status) -> reasons.put(reason, status.name()));
        view.put("reasonStatuses", reasons);
        view.put("samples", samples(mapping));
        view.put("polling", OverviewApi.polling(provider, polled, metrics));
        return view;
    }

    /**
     * A mapping's samples as checked: run once per loaded version (a reload loads a new
     * {@link ProviderMapping}), not on every request; the result of a version never changes.
     */
    List<Map<String, Object>> samples(ProviderMapping mapping) {
        Checked checked = checkedSamples.get(mapping.provider());
        if (checked == null || checked.mapping() != mapping) {
            List<Map<String, Object>> samples = new ArrayList<>();
            for (SampleCheck.Result result : SampleCheck.runAll(mapping)) {
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("name", result.sample());
                sample.put("passed", result.passed());
                sample.put("detail", result.detail());
                samples.add(Collections.unmodifiableMap(sample));
            }
            checked = new Checked(mapping, List.copyOf(samples));
            checkedSamples.put(mapping.provider(), checked);
        }
        return checked.samples();
    }

    /** The samples of one loaded version of a provider's mapping, as run. */
    private record Checked(ProviderMapping mapping, List<Map<String, Object>> samples) {
    }

    /**
     * The URL to give the provider: the token as the last path segment
     * ({@code /webhooks/{provider}/{token}}, routes/webhook-path-token.yaml), the one form every
     * provider's callbacks can carry (a query string of their own is added to it unharmed).
     */
    private Map<String, Object> webhook(String provider, String base) {
        ProviderAccess policy = access.apply(provider);
        String token = policy == null ? null : policy.token();
        String path = "/webhooks/" + segment(provider) + (token == null ? "" : "/" + segment(token));
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("auth", token == null ? "none" : "token");
        webhook.put("url", base == null ? path : base + path);
        webhook.put("token", token);
        SignatureScheme signature = signatures.apply(provider);
        webhook.put("signatureHeader", signature == null ? null : signature.header());
        webhook.put("signature", signature == null ? null : signature(signature, policy));
        webhook.put("allowFrom", policy == null ? List.of() : policy.allowFrom().stream().map(Object::toString).toList());
        return webhook;
    }

    /**
     * How the provider's callbacks are signed: the scheme, where the signature travels (a header or
     * a parameter: Vonage's has no header) and whether its secret is configured; never the secret.
     */
    private static Map<String, Object> signature(SignatureScheme scheme, ProviderAccess policy) {
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("scheme", scheme.name());
        signature.put("carrier", scheme.carrier());
        signature.put("secretConfigured", policy != null && policy.signatureSecret() != null);
        return signature;
    }

    private static Map<String, Object> status(String providerStatus, StatusRule rule) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("providerStatus", providerStatus);
        status.put("status", rule.status().name());
        status.put("reason", rule.reason());
        return status;
    }

    /** The mapping file as it is now; null when it was deleted or cannot be read (the loaded mapping still serves). */
    private static String text(ProviderMapping mapping) {
        try {
            return Files.readString(mapping.file(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The configured public base URL, else the scheme and Host the request itself came with; null if it has none usable. */
    private String baseUrl(Exchange exchange) {
        if (publicBaseUrl != null) {
            return publicBaseUrl;
        }
        HttpServerRequest request = exchange.getMessage() instanceof HttpMessage http ? http.getRequest() : null;
        String host = request == null ? null : request.getHeader("Host");
        if (host == null || !HOST.matcher(host).matches()) {
            return null;
        }
        return request.scheme() + "://" + host;
    }

    /** A path segment: percent-encoded, a space as %20 (a '+' would read as a plus in a path). */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
