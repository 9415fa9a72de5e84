package com.dlradapter.mapping;

import com.dlradapter.security.SignatureScheme;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code signature:} block of a mapping file: how the provider signs its callbacks
 * ({@code scheme: hmac | twilio | vonage | standard-webhooks} and that scheme's keys). The secret is
 * never here: it is the setting {@code dlr.providers.<id>.signature.secret}.
 */
final class SignatureBlock {

    private SignatureBlock() {
    }

    /** The declared scheme, or null without a block; a wrong block is refused naming the file and the key. */
    static SignatureScheme parse(JsonNode node, String file) {
        if (node == null || node.isNull()) {
            return null;
        }
        String where = file + ": field 'signature'";
        if (!node.isObject()) {
            throw new MappingDefinitionException(where + ": must be an object with a 'scheme'");
        }
        Map<String, String> block = new LinkedHashMap<>();
        node.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw new MappingDefinitionException(where + ", key '" + entry.getKey() + "': must be a single value");
            }
            block.put(entry.getKey(), entry.getValue().asText());
        });
        try {
            return SignatureScheme.of(block);
        } catch (IllegalArgumentException e) {
            throw new MappingDefinitionException(where + ": " + e.getMessage(), e);
        }
    }
}
