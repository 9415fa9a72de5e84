package com.dlradapter.ingest;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.security.Secrets;
import com.dlradapter.http.WebhookMethods;
import com.dlradapter.mapping.MalformedPayloadException;
import com.dlradapter.security.Cidr;
import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.RateLimiter;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The edge of every webhook route. It reads what the pipeline needs (body, content type,
 * credential, client address) from the HTTP request itself, never from the Camel headers (into
 * which platform-http copies request headers, query parameters and form fields alike), then
 * removes every header, so no request header can steer a producer further on, nor be echoed back.
 * <p>
 * The credential has one exact form per place: the query parameter named exactly {@code token}
 * ({@code /webhooks/{provider}?token=...}), the last path segment
 * ({@code /webhooks/{provider}/{token}}), or the password of HTTP basic auth. Nothing else
 * ({@code TOKEN=}, {@code tok%65n=}, {@code x=1;token=}, a {@code token:} header, a form field) is
 * a credential; and every query parameter named token, in any case or encoding, is left out of a
 * GET callback's payload.
 * <p>
 * Then, in this order: the provider (404), the method of the path-token form (405), the IP
 * allow-list (403), the token (401), the HMAC signature (401); a client whose authentications fail
 * too often gets 429 instead, while its valid requests still pass (no lock-out of a provider that
 * shares its address with an attacker). Only if the operator turns them on: the per-client and
 * per-provider limits of authenticated requests (429). Last, the body size (413) and encoding.
 */
public class WebhookGate {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String TOKEN = "token";
    private static final String WEBHOOKS = "/webhooks/";

    /** Exchange property: the client address the checks used. */
    public static final String CLIENT = "dlrClientAddress";

    private final Map<String, ProviderAccess> access;
    /** The policy of a provider added while running (hot reload), or null for an unknown one. */
    private final Function<String, ProviderAccess> newProviders;
    private final ClientAddress clientAddress;
    private final RateLimiter failedAuthentications;
    private final RateLimiter perClient;
    private final RateLimiter perProvider;
    /** The methods of a provider's own webhook route: "GET, POST", "*", or null without one. */
    private final Function<String, String> webhookMethods;
    private final long maxBodyBytes;

    public WebhookGate(Map<String, ProviderAccess> access, Function<String, ProviderAccess> newProviders,
                       ClientAddress clientAddress, RateLimiter failedAuthentications, RateLimiter perClient,
                       RateLimiter perProvider, Function<String, String> webhookMethods, long maxBodyBytes) {
        this.access = new ConcurrentHashMap<>(access);
        this.newProviders = newProviders;
        this.clientAddress = clientAddress;
        this.failedAuthentications = failedAuthentications;
        this.perClient = perClient;
        this.perProvider = perProvider;
        this.webhookMethods = webhookMethods;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * A provider added while running (hot reload) gets its policy now, and with it its generated
     * token file, so the token can be read before its first request; known providers keep theirs.
     */
    public void provide(String provider) {
        access.computeIfAbsent(provider, newProviders);
    }

    /** {@code POST|GET /webhooks/{provider}}: the route names the provider; the token is {@code ?token=} or basic auth. */
    public void admit(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        String provider = exchange.getProperty(IngestProperties.PROVIDER, String.class);
        admit(exchange, request, provider, queryToken(request.query()), false);
    }

    /**
     * {@code POST|GET /webhooks/{provider}/{token}}: one route for every provider, both read from
     * the (normalized) path; the provider's own route decides which methods are allowed.
     */
    public void admitPathToken(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        String provider = null;
        String token = null;
        if (path != null && path.startsWith(WEBHOOKS)) {
            int slash = path.indexOf('/', WEBHOOKS.length());
            if (slash > WEBHOOKS.length() && path.indexOf('/', slash + 1) < 0) {
                provider = decodePathSegment(path.substring(WEBHOOKS.length(), slash));
                token = decodePathSegment(path.substring(slash + 1));
            }
        }
        exchange.setProperty(IngestProperties.PROVIDER, provider);
        admit(exchange, request, provider, token, true);
    }

    private void admit(Exchange exchange, HttpServerRequest request, String provider, String token, boolean pathForm) {
        exchange.setProperty(IngestProperties.RECEIVED_AT, Instant.now());
        Message in = exchange.getMessage();
        String method = request.method().name();
        String contentType = request.getHeader("Content-Type");
        // Vert.x hands a form-encoded body over as a map of its fields: encode it back.
        Object rawBody = in.getBody();
        byte[] body = rawBody instanceof Map<?, ?> form
                ? encodeForm(form).getBytes(StandardCharsets.UTF_8)
                : in.getBody(byte[].class);
        in.getHeaders().clear();
        if ("GET".equals(method)) {
            // A GET callback's payload is its query string, less our own credential.
            body = withoutTokens(request.query()).getBytes(StandardCharsets.UTF_8);
            contentType = FORM;
        }
        exchange.setProperty(IngestProperties.CONTENT_TYPE, contentType);

        String client = clientAddress.resolve(peerAddress(request), forwardedFor(request));
        exchange.setProperty(CLIENT, client);

        ProviderAccess policy = provider == null ? null : access.computeIfAbsent(provider, newProviders);
        if (policy == null) {
            throw failed(client, HttpProblem.notFound("unknown provider"));
        }
        if (pathForm) {
            String allowed = webhookMethods.apply(provider);
            if (allowed == null) {
                throw failed(client, HttpProblem.notFound("unknown provider"));
            }
            if (!WebhookMethods.allows(allowed, method)) {
                throw HttpProblem.methodNotAllowed(allowed);
            }
        }
        if (!policy.allowFrom().isEmpty() && !Cidr.anyContains(policy.allowFrom(), client)) {
            throw failed(client, HttpProblem.forbidden("this address may not call this webhook"));
        }
        if (policy.requiresToken()) {
            String given = token != null ? token : Secrets.basicPassword(request.getHeader("Authorization"));
            if (!Secrets.constantTimeEquals(policy.token(), given)) {
                throw failed(client, HttpProblem.unauthorized(
                        "a valid token is required (query parameter 'token', path segment or basic-auth password)",
                        "Basic realm=\"dlr-adapter\""));
            }
        }
        if (policy.signature() != null && !policy.signature().verify(body, request.getHeader(policy.signature().header()))) {
            throw failed(client, HttpProblem.unauthorized("a valid signature is required in " + policy.signature().header(), null));
        }
        // Authenticated traffic is limited only when the operator asks for it (off by default).
        if (perClient.enabled()) {
            long wait = perClient.acquire(ClientAddress.limitKey(client));
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
        if (body != null && body.length > maxBodyBytes) {
            throw HttpProblem.tooLarge(maxBodyBytes);
        }
        String text = utf8(body);
        in.setBody(text);
        exchange.setProperty(IngestProperties.RAW_BODY, text);
    }

    /**
     * A failed authentication (unknown provider, address not allowed, wrong credential) is charged
     * to its client: within the budget it gets its own answer, beyond it 429.
     */
    private HttpProblem failed(String client, HttpProblem problem) {
        long wait = failedAuthentications.acquire(ClientAddress.limitKey(client));
        return wait > 0 ? HttpProblem.tooManyFailures(wait) : problem;
    }

    /** The request platform-http received; the gate reads nothing it did not send. */
    static HttpServerRequest request(Exchange exchange) {
        if (exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            return http.getRequest();
        }
        throw new IllegalStateException("the webhook gate serves platform-http routes only");
    }

    /**
     * The value of the one query parameter named exactly {@code token} (percent-decoded), null if
     * there is none, or an empty string, which matches no token, if there are several or it does
     * not decode.
     */
    static String queryToken(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        String found = null;
        int from = 0;
        int length = rawQuery.length();
        while (from <= length) {
            int amp = rawQuery.indexOf('&', from);
            int end = amp < 0 ? length : amp;
            if (end - from >= TOKEN.length() && rawQuery.startsWith(TOKEN, from)
                    && (end - from == TOKEN.length() || rawQuery.charAt(from + TOKEN.length()) == '=')) {
                if (found != null) {
                    return "";   // given twice: ambiguous
                }
                found = end - from == TOKEN.length() ? "" : decodeQueryValue(rawQuery.substring(from + TOKEN.length() + 1, end));
            }
            from = end + 1;
        }
        return found;
    }

    private static String decodeQueryValue(String value) {
        if (value.indexOf('%') < 0 && value.indexOf('+') < 0) {
            return value;
        }
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String decodePathSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            // '+' is a plus in a path, not a space
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static String encodeForm(Map<?, ?> form) {
        StringBuilder encoded = new StringBuilder();
        form.forEach((name, value) -> {
            for (Object single : value instanceof Iterable<?> values ? values : List.of(value == null ? "" : value)) {
                if (encoded.length() > 0) {
                    encoded.append('&');
                }
                encoded.append(URLEncoder.encode(String.valueOf(name), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(String.valueOf(single), StandardCharsets.UTF_8));
            }
        });
        return encoded.toString();
    }

    /**
     * The raw query without any parameter that names a token in any case or encoding
     * ({@code token}, {@code TOKEN}, {@code tok%65n}): only the exact {@code token} is a credential,
     * but a provider's secret sent under another spelling is not kept in a payload either.
     */
    static String withoutTokens(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringBuilder kept = null;
        int from = 0;
        int length = query.length();
        while (from <= length) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? length : amp;
            boolean token = namesToken(query, from, end);
            if (token && kept == null) {
                kept = new StringBuilder(query.length()).append(query, 0, Math.max(0, from - 1));
            } else if (!token && kept != null && end > from) {
                if (kept.length() > 0) {
                    kept.append('&');
                }
                kept.append(query, from, end);
            }
            from = end + 1;
        }
        return kept == null ? query : kept.toString();
    }

    /** Whether the parameter in {@code query[from, end)} is named "token" in any case, percent-encoded or not. */
    private static boolean namesToken(String query, int from, int end) {
        int equals = query.indexOf('=', from);
        int nameEnd = equals < 0 || equals > end ? end : equals;
        int length = nameEnd - from;
        if (length == TOKEN.length()) {
            return query.regionMatches(true, from, TOKEN, 0, length);
        }
        if (length < TOKEN.length() || query.indexOf('%', from) < 0 || query.indexOf('%', from) >= nameEnd) {
            return false;
        }
        return TOKEN.equalsIgnoreCase(decodeQueryValue(query.substring(from, nameEnd)));
    }

    private String forwardedFor(HttpServerRequest request) {
        if (!clientAddress.readsForwardedFor()) {
            return null;
        }
        List<String> values = request.headers().getAll("X-Forwarded-For");
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(",", values);
    }

    private static String peerAddress(HttpServerRequest request) {
        io.vertx.core.net.SocketAddress peer = request.remoteAddress();
        return peer == null ? null : peer.hostAddress();
    }

    private static String utf8(byte[] body) {
        if (body == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPayloadException("the request body is not UTF-8 text");
        }
    }
}
