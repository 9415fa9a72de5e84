package com.dlradapter.ingest;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.mapping.MalformedPayloadException;
import org.apache.camel.Exchange;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The webhook gate's last step, once the caller is admitted: the body's size (413) and its
 * encoding (UTF-8 text, else 400); the text becomes the message body and the raw body the
 * pipeline keeps. A form body is kept without its token-named fields, like a GET's query: the
 * signature was checked over the bytes as sent, the stored payload holds no secret.
 */
final class WebhookPayload {

    private final long maxBodyBytes;

    WebhookPayload(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    void decode(Exchange exchange, byte[] body, boolean form) {
        if (body != null && body.length > maxBodyBytes) {
            throw HttpProblem.tooLarge(maxBodyBytes);
        }
        String text = form ? WebhookTokens.withoutTokens(utf8(body)) : utf8(body);
        exchange.getMessage().setBody(text);
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
