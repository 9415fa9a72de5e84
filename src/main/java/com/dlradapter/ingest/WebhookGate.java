package com.dlradapter.ingest;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.http.Secrets;
import com.dlradapter.mapping.MalformedPayloadException;
import com.dlradapter.security.Cidr;
import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.RateLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

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
 * The edge of every webhook route. It keeps what the pipeline needs from the request (body,
 * content type, credential, client address), then removes every inbound header, so no request
 * header can steer a producer further on, nor be echoed back in the answer. Then, in this order:
 * the per-client rate limit (429), the provider's IP allow-list (403), its token (401), its HMAC
 * signature (401), the per-provider rate limit (429) and the body size (413).
 */
public class WebhookGate {

    private static final String FORM = "application/x-www-form-urlencoded";

    /** Exchange property: the client address the checks used. */
    public static final String CLIENT = "dlrClientAddress";

    private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";

    private final Map<String, ProviderAccess> access;
    /** The policy of a provider added while running (hot reload), or null for an unknown one. */
    private final Function<String, ProviderAccess> newProviders;
    private final ClientAddress clientAddress;
    private final RateLimiter perClient;
    private final RateLimiter perProvider;
    private final long maxBodyBytes;

    public WebhookGate(Map<String, ProviderAccess> access, Function<String, ProviderAccess> newProviders,
                       ClientAddress clientAddress, RateLimiter perClient, RateLimiter perProvider, long maxBodyBytes) {
        this.access = new ConcurrentHashMap<>(access);
        this.newProviders = newProviders;
        this.clientAddress = clientAddress;
        this.perClient = perClient;
        this.perProvider = perProvider;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * A provider added while running (hot reload) gets its policy now, and with it its generated
     * token file, so the token can be read before its first request; known providers keep theirs.
     */
    public void provide(String provider) {
        access.computeIfAbsent(provider, newProviders);
    }

    public void admit(Exchange exchange) {
        exchange.setProperty(IngestProperties.RECEIVED_AT, Instant.now());
        String provider = exchange.getProperty(IngestProperties.PROVIDER, String.class);
        Message in = exchange.getMessage();
        String authorization = in.getHeader("Authorization", String.class);
        String queryToken = in.getHeader("token", String.class);
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        String rawQuery = in.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        // Vert.x hands a form-encoded body over as a map of its fields: encode it back.
        Object rawBody = in.getBody();
        byte[] body = rawBody instanceof Map<?, ?> form
                ? encodeForm(form).getBytes(StandardCharsets.UTF_8)
                : in.getBody(byte[].class);
        String forwardedFor = in.getHeader("X-Forwarded-For", String.class);
        Object peer = in.getHeader(REMOTE_ADDRESS);
        ProviderAccess policy = provider == null ? null : access.computeIfAbsent(provider, newProviders);
        String signature = policy != null && policy.signature() != null
                ? in.getHeader(policy.signature().header(), String.class) : null;
        in.removeHeaders("*");
        if ("GET".equalsIgnoreCase(method)) {
            // A GET callback's payload is its query string, less our own credential.
            body = withoutParameter(rawQuery, "token").getBytes(StandardCharsets.UTF_8);
            contentType = FORM;
        }
        exchange.setProperty(IngestProperties.CONTENT_TYPE, contentType);

        String client = clientAddress.resolve(peerAddress(peer), forwardedFor);
        exchange.setProperty(CLIENT, client);

        long wait = perClient.acquire(client);
        if (wait > 0) {
            throw HttpProblem.tooManyRequests(wait);
        }
        if (policy == null) {
            throw HttpProblem.notFound("unknown provider");
        }
        if (!policy.allowFrom().isEmpty() && !Cidr.anyContains(policy.allowFrom(), client)) {
            throw HttpProblem.forbidden("this address may not call this webhook");
        }
        // Providers can only be given a URL: the token travels as ?token=, as the last path
        // segment (/webhooks/{provider}/{token}: routes/webhook-path-token.yaml puts it in the same
        // 'token' header), or as a basic-auth password.
        if (policy.requiresToken()) {
            String given = queryToken != null ? queryToken
                    : Secrets.basicPassword(authorization);
            if (!Secrets.constantTimeEquals(policy.token(), given)) {
                throw HttpProblem.unauthorized("a valid token is required (query parameter 'token', path segment or basic auth)",
                        "Basic realm=\"dlr-adapter\"");
            }
        }
        if (policy.signature() != null && !policy.signature().verify(body, signature)) {
            throw HttpProblem.unauthorized("a valid signature is required in " + policy.signature().header(), null);
        }
        wait = perProvider.acquire(provider);
        if (wait > 0) {
            throw HttpProblem.tooManyRequests(wait);
        }
        if (body != null && body.length > maxBodyBytes) {
            throw HttpProblem.tooLarge(maxBodyBytes);
        }
        String text = utf8(body);
        in.setBody(text);
        exchange.setProperty(IngestProperties.RAW_BODY, text);
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

    static String withoutParameter(String query, String name) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringBuilder kept = new StringBuilder();
        for (String pair : query.split("&")) {
            if (pair.equals(name) || pair.startsWith(name + "=")) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append('&');
            }
            kept.append(pair);
        }
        return kept.toString();
    }

    private static String peerAddress(Object peer) {
        if (peer instanceof io.vertx.core.net.SocketAddress socket) {
            return socket.hostAddress();
        }
        return peer == null ? null : peer.toString();
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
