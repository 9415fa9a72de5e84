package com.dlradapter.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Where one canonical field comes from: JSONPath expressions tried in order (the first that finds a
 * non-empty value wins), or a constant. Written in a mapping file as a path ({@code $.message.uuid}),
 * a list of paths ({@code [$.reference, $.id]}) or {@code {const: EUR}}.
 */
public final class FieldSource {

    private final List<Alternative> alternatives;
    private final String text;

    private FieldSource(List<Alternative> alternatives, String text) {
        this.alternatives = alternatives;
        this.text = text;
    }

    private record Alternative(JsonLocator path, Object constant) {
    }

    /** Builds the source from its YAML node; {@code where} names the file and field for errors. */
    public static FieldSource parse(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            throw new MappingDefinitionException(where + ": no source given");
        }
        if (node.isArray()) {
            if (node.isEmpty()) {
                throw new MappingDefinitionException(where + ": empty list of paths");
            }
            java.util.ArrayList<Alternative> list = new java.util.ArrayList<>();
            for (JsonNode element : node) {
                list.add(alternative(element, where));
            }
            return new FieldSource(List.copyOf(list), node.toString());
        }
        return new FieldSource(List.of(alternative(node, where)), node.isTextual() ? node.asText() : node.toString());
    }

    private static Alternative alternative(JsonNode node, String where) {
        if (node.isObject()) {
            if (node.size() != 1 || !node.has("const")) {
                throw new MappingDefinitionException(where + ": an object source must be {const: value}, got " + node);
            }
            JsonNode value = node.get("const");
            if (!value.isValueNode()) {
                throw new MappingDefinitionException(where + ": const must be a plain value, got " + value);
            }
            return new Alternative(null, value.isNumber() ? value.decimalValue() : value.asText());
        }
        if (!node.isTextual()) {
            throw new MappingDefinitionException(where + ": expected a JSONPath string, a list of them or {const: value}, got " + node);
        }
        return new Alternative(JsonLocator.compile(node.asText(), where), null);
    }

    /** The first non-empty value, as a plain Java value (String, Number, Boolean, List, Map), or null. */
    public Object read(JsonNode document) {
        for (Alternative alternative : alternatives) {
            Object value = alternative.constant != null ? alternative.constant : readPath(document, alternative.path);
            if (!isEmpty(value)) {
                return value;
            }
        }
        return null;
    }

    private static Object readPath(JsonNode document, JsonLocator path) {
        Object value = path.read(document);
        return value instanceof JsonNode node ? JsonValues.unwrap(node) : value;
    }

    private static boolean isEmpty(Object value) {
        return value == null
                || (value instanceof String s && s.isBlank())
                || (value instanceof List<?> l && l.isEmpty());
    }

    @Override
    public String toString() {
        return text;
    }
}
