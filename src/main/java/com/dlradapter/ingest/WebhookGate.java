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
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The edge of every webhook route. It keeps what the pipeline needs from the request (body,
 * content type, credential, client address), then removes every inbound header, so no request
 * header can steer a producer further on, nor be echoed back in the answer. Then, in this order:
 * the per-client rate limit (429), the provider's IP allow-list (403), its token (401), its HMAC
 * signature (401), the per-provider rate limit (429) and the body size (413).
 */
public class WebhookGate {

    /** Exchange property: the client address the checks used. */
    public static final String CLIENT = "dlrClientAddress";

    private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";

    private final Map<String, ProviderAccess> access;
    private final ClientAddress clientAddress;
    private final RateLimiter perClient;
    private final RateLimiter perProvider;
    private final long maxBodyBytes;

    public WebhookGate(Map<String, ProviderAccess> access, ClientAddress clientAddress,
                       RateLimiter perClient, RateLimiter perProvider, long maxBodyBytes) {
        this.access = Map.copyOf(access);
        this.clientAddress = clientAddress;
        this.perClient = perClient;
        this.perProvider = perProvider;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void admit(Exchange exchange) {
        exchange.setProperty(IngestProperties.RECEIVED_AT, Instant.now());
        String provider = exchange.getProperty(IngestProperties.PROVIDER, String.class);
        Message in = exchange.getMessage();
        String authorization = in.getHeader("Authorization", String.class);
        String queryToken = in.getHeader("token", String.class);
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        String forwardedFor = in.getHeader("X-Forwarded-For", String.class);
        Object peer = in.getHeader(REMOTE_ADDRESS);
        ProviderAccess policy = access.get(provider);
        String signature = policy != null && policy.signature() != null
                ? in.getHeader(policy.signature().header(), String.class) : null;
        byte[] body = in.getBody(byte[].class);
        in.removeHeaders("*");
        exchange.setProperty(IngestProperties.CONTENT_TYPE, contentType);

        String client = clientAddress.resolve(peerAddress(peer), forwardedFor);
        exchange.setProperty(CLIENT, client);
        String pathToken = pathToken(exchange, uri);

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
        // segment, or as a basic-auth password.
        if (policy.requiresToken()) {
            String given = queryToken != null ? queryToken
                    : pathToken != null ? pathToken : Secrets.basicPassword(authorization);
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

    /**
     * The token in the path ({@code /webhooks/acme/<token>}) when the route matches on its path
     * prefix; a deeper or different path is not a webhook (404).
     */
    private static String pathToken(Exchange exchange, String uri) {
        if (uri == null || !(exchange.getFromEndpoint() instanceof PlatformHttpEndpoint endpoint)) {
            return null;
        }
        String path = uri;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        String base = endpoint.getPath();
        if (base == null || path.equals(base) || path.equals(base + "/")) {
            return null;
        }
        if (path.startsWith(base + "/")) {
            String rest = path.substring(base.length() + 1);
            if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                return java.net.URLDecoder.decode(rest, StandardCharsets.UTF_8);
            }
        }
        throw HttpProblem.notFound("no webhook at this path");
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
