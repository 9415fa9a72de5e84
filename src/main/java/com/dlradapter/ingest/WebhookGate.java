package com.dlradapter.ingest;

import com.dlradapter.config.Settings;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.http.Secrets;
import com.dlradapter.mapping.MalformedPayloadException;
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

/**
 * The edge of every webhook route. It keeps what the pipeline needs from the request (body,
 * content type, credential), then removes every inbound header, so no request header can steer a
 * producer further on, nor be echoed back in the answer. Then it checks the provider's token and
 * the body size.
 */
public class WebhookGate {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final Settings settings;
    private final long maxBodyBytes;

    public WebhookGate(Settings settings, long maxBodyBytes) {
        this.settings = settings;
        this.maxBodyBytes = maxBodyBytes;
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
        in.removeHeaders("*");
        if ("GET".equalsIgnoreCase(method)) {
            // A GET callback's payload is its query string, less our own credential.
            body = withoutParameter(rawQuery, "token").getBytes(StandardCharsets.UTF_8);
            contentType = FORM;
        }
        exchange.setProperty(IngestProperties.CONTENT_TYPE, contentType);

        // Providers can only be given a URL: the token travels as ?token= or as a basic-auth password.
        String expected = settings.optional("dlr.providers." + provider + ".token").orElse(null);
        if (expected != null) {
            String given = queryToken != null ? queryToken : Secrets.basicPassword(authorization);
            if (!Secrets.constantTimeEquals(expected, given)) {
                throw HttpProblem.unauthorized("a valid token is required (query parameter 'token' or basic auth)",
                        "Basic realm=\"dlr-adapter\"");
            }
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
