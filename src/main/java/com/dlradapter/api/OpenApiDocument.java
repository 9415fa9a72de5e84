package com.dlradapter.api;

import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3 document of the admin API and the webhook endpoint,
 * written by hand next to the routes it describes (src/main/resources/api/openapi.json;
 * OpenApiDocumentTest keeps it listing every route of routes/api.yaml), read once from the jar.
 */
public class OpenApiDocument {

    static final String RESOURCE = "api/openapi.json";

    private final String document;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public void document(Exchange exchange) {
        ApiExchange.answerJson(exchange, 200, document);
    }
}
