package com.dlradapter.ingest;

import com.dlradapter.config.Settings;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.http.Secrets;
import com.dlradapter.mapping.MalformedPayloadException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The edge of every webhook route. It keeps what the pipeline needs from the request (body,
 * content type, credential), then removes every inbound header, so no request header can steer a
 * producer further on, nor be echoed back in the answer. Then it checks the provider's token and
 * the body size.
 */
public class WebhookGate {

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
        byte[] body = in.getBody(byte[].class);
        in.removeHeaders("*");
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
