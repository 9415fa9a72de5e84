package com.dlradapter.ingest;

import com.dlradapter.security.Secrets;
import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.SignedRequest;
import com.dlradapter.http.FormBytesEngine;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.nio.charset.StandardCharsets;

/**
 * The first step of the webhook gate: reads what the pipeline needs (method, body, content type,
 * credential, client address) from the HTTP request itself, never from the Camel headers (into
 * which platform-http copies request headers, query parameters and form fields alike), then
 * removes every header, so no request header can steer a producer further on, nor be echoed back.
 */
final class WebhookEdge {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final ClientAddress clientAddress;
    /** {@code dlr.http.public-base-url} without a trailing slash, or null: the URL a provider signs starts with it. */
    private final String publicBaseUrl;

    WebhookEdge(ClientAddress clientAddress, String publicBaseUrl) {
        this.clientAddress = clientAddress;
        this.publicBaseUrl = publicBaseUrl;
    }

    /**
     * What the gate's later steps decide on, read from one request. {@code body}: the exact bytes
     * received (a GET: its query less the tokens); {@code form}: a form-encoded POST body, whose
     * token-named fields are left out of the stored payload once its signature is checked.
     */
    record Call(HttpServerRequest request, String method, byte[] body, boolean form, String client, String token,
                String publicBaseUrl) {

        /** A request header (basic auth, the signature's), read from the request, not the Camel message. */
        String header(String name) {
            return request.getHeader(name);
        }

        /** The token given in the query or the path, else the password of HTTP basic auth. */
        String credential() {
            return token != null ? token : Secrets.basicPassword(header("Authorization"));
        }

        /**
         * What a signature scheme checks: the URL the provider called (the public base URL, else this
         * request's scheme and Host, then the path and query exactly as in the request line), the
         * content type and headers as sent, and {@code body}.
         */
        SignedRequest signed() {
            String base = publicBaseUrl != null ? publicBaseUrl : request.scheme() + "://" + request.getHeader("Host");
            String uri = request.uri();
            String target = uri.startsWith("/") ? uri : request.path() + (request.query() == null ? "" : "?" + request.query());
            return new SignedRequest(method, base, target, request.getHeader("Content-Type"), body, request::getHeader);
        }
    }

    /**
     * Captures the call, sets the exchange properties contentType, receivedAt and the client
     * address, and clears the headers. {@code token}: the credential from the query or the path,
     * or null, when the password of HTTP basic auth is the credential.
     */
    Call capture(Exchange exchange, String token) {
        HttpServerRequest request = request(exchange);
        exchange.setProperty(IngestProperties.RECEIVED_AT, java.time.Instant.now());
        Message in = exchange.getMessage();
        String method = request.method().name();
        String contentType = request.getHeader("Content-Type");
        // A form's exact bytes, as sent (its signature covers them); Vert.x parsed its fields apart.
        byte[] formBytes = exchange.getProperty(FormBytesEngine.FORM_BYTES, byte[].class);
        boolean form = formBytes != null;
        byte[] body = form ? formBytes : in.getBody(byte[].class);
        in.getHeaders().clear();
        if ("GET".equals(method)) {
            // A GET callback's payload is its query string, less our own credential.
            body = WebhookTokens.withoutTokens(request.query()).getBytes(StandardCharsets.UTF_8);
            contentType = FORM;
            form = false;   // already without its tokens
        }
        exchange.setProperty(IngestProperties.CONTENT_TYPE, contentType);
        String client = clientAddress.resolve(request);
        exchange.setProperty(WebhookGate.CLIENT, client);
        return new Call(request, method, body, form, client, token, publicBaseUrl);
    }

    /** The request platform-http received; the gate reads nothing it did not send. */
    static HttpServerRequest request(Exchange exchange) {
        if (exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            return http.getRequest();
        }
        throw new IllegalStateException("the webhook gate serves platform-http routes only");
    }
}
