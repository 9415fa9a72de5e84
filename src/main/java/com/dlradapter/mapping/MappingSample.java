package com.dlradapter.mapping;

import com.dlradapter.canonical.ReceiptSource;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A sample payload shipped with a mapping and what the mapping must make of it: {@code expect} is
 * the canonical receipt (or a list of them) without {@code id} and {@code receivedAt}, or
 * {@code deadLetter} is a text the dead-letter reason must contain. {@code contentType} is how the
 * payload is sent (null: JSON, or XML when it starts with '&lt;').
 */
public record MappingSample(String name, String payload, String contentType, ReceiptSource source, JsonNode expect, String deadLetter) {
}
