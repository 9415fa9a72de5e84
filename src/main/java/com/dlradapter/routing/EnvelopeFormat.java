package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outbound envelope {@code {"type", "timestamp", "data"}} in the three formats a target can
 * ask for: {@code json} (default), {@code form} (flat {@code application/x-www-form-urlencoded},
 * nested names joined with dots: {@code data.reason.code}) and {@code xml}
 * ({@code <webhook><type/><timestamp/><data>...</data></webhook>}, one element per field).
 */
public final class EnvelopeFormat {

    private EnvelopeFormat() {
    }

    public static ObjectNode envelope(String type, String timestamp, String canonicalJson) {
        try {
            ObjectNode envelope = CanonicalJson.MAPPER.createObjectNode();
            envelope.put("type", type);
            envelope.put("timestamp", timestamp);
            envelope.set("data", CanonicalJson.MAPPER.readTree(canonicalJson));
            return envelope;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String contentType(String format) {
        return switch (format) {
            case "form" -> "application/x-www-form-urlencoded";
            case "xml" -> "application/xml; charset=UTF-8";
            default -> "application/json";
        };
    }

    public static String render(String format, ObjectNode envelope) {
        return switch (format) {
            case "form" -> form(envelope);
            case "xml" -> "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml("webhook", envelope);
            default -> CanonicalJson.write(envelope);
        };
    }

    /** Every non-null leaf of a JSON tree under dotted names, in document order. */
    public static Map<String, JsonNode> flatten(JsonNode node) {
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        flatten("", node, leaves);
        return leaves;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> leaves) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), leaves);
            }
        } else if (!node.isNull() && !node.isMissingNode()) {
            leaves.put(prefix, node);
        }
    }

    private static String form(ObjectNode envelope) {
        StringBuilder out = new StringBuilder();
        flatten(envelope).forEach((name, value) -> {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value.asText(), StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    private static String xml(String name, JsonNode node) {
        StringBuilder out = new StringBuilder("<").append(name).append('>');
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (!field.getValue().isNull()) {
                    out.append(xml(field.getKey(), field.getValue()));
                }
            });
        } else {
            out.append(escape(node.asText()));
        }
        return out.append("</").append(name).append('>').toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
