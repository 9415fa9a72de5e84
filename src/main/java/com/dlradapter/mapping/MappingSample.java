package com.dlradapter.mapping;

import com.dlradapter.canonical.ReceiptSource;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A sample payload shipped with a mapping and what the mapping must make of it: {@code expect} is
 * the canonical receipt (or a list of them) without {@code id} and {@code receivedAt}, or
 * {@code deadLetter} is a text the dead-letter reason must contain.
 */
public record MappingSample(String name, String payload, ReceiptSource source, JsonNode expect, String deadLetter) {
}
