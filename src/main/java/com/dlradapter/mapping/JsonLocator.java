package com.dlradapter.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import java.util.ArrayList;
import java.util.List;

/**
 * A mapping's JSONPath, compiled once when the mapping is loaded. A plain path of names and
 * indexes ({@code $.message.uuid}, {@code $['err-code']}, {@code $.results[0].status}: nearly every
 * path a mapping has) is walked on the parsed tree directly, a step per name; any other path
 * (wildcards, filters, deep scans) is read by Jayway JsonPath. Both read the same: a missing value
 * is null, never an error.
 */
final class JsonLocator {

    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(JsonMapper.builder().build()))
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS, Option.DEFAULT_PATH_LEAF_TO_NULL)
            .build();

    private final JsonPath path;
    /** The names (String) and indexes (Integer) of a plain path; null when Jayway reads it. */
    private final Object[] steps;
    /**
     * The plain path to the array whose elements this path names ({@code $.results[*]}: to
     * {@code $.results}); null for any other path.
     */
    private final Object[] arraySteps;

    private JsonLocator(JsonPath path, Object[] steps, Object[] arraySteps) {
        this.path = path;
        this.steps = steps;
        this.arraySteps = arraySteps;
    }

    /** Compiles a path of a mapping file; {@code where} names the file and field for errors. */
    static JsonLocator compile(String expression, String where) {
        String trimmed = expression.trim();
        if (!trimmed.startsWith("$")) {
            throw new MappingDefinitionException(where + ": '" + expression + "' is not a JSONPath (it must start with $)");
        }
        JsonPath path;
        try {
            path = JsonPath.compile(trimmed);
        } catch (RuntimeException e) {
            throw new MappingDefinitionException(where + ": invalid JSONPath '" + expression + "': " + e.getMessage(), e);
        }
        String normalised = path.getPath();
        Object[] arraySteps = path.isDefinite() ? plainSteps(normalised)
                : normalised.endsWith("[*]") ? plainSteps(normalised.substring(0, normalised.length() - 3)) : null;
        return new JsonLocator(path, path.isDefinite() ? plainSteps(normalised) : null, arraySteps);
    }

    /**
     * The value at this path: a {@link JsonNode} (plain paths, and containers), a plain Java value
     * (a leaf read by Jayway), or null when there is none.
     */
    Object read(JsonNode root) {
        if (steps == null) {
            return path.read(root, JSON_PATH);
        }
        JsonNode node = root;
        for (Object step : steps) {
            node = step instanceof String name ? node.get(name) : node.get((Integer) step);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /**
     * The exact text of each element of the array this path names in {@code json}, as it was
     * written (a receipt of a multi-receipt payload keeps its own raw text, not the whole request:
     * storing the whole body with each of its thousand receipts made a post cost its size squared).
     * Null when this path is neither a plain one nor a plain one with {@code [*]} at its end, or
     * does not lead to an array.
     */
    List<String> elementTexts(String json) {
        if (arraySteps == null) {
            return null;
        }
        try (JsonParser parser = TEXT.createParser(json)) {
            if (!toArray(parser)) {
                return null;
            }
            List<String> texts = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getCharOffset();
                texts.add(json.substring(start, end));
            }
            return texts;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Moves the parser onto the start of the array this path names; false when it is not there. */
    private boolean toArray(JsonParser parser) throws java.io.IOException {
        parser.nextToken();
        for (Object step : arraySteps) {
            if (!(step instanceof String name ? toField(parser, name) : toElement(parser, (Integer) step))) {
                return false;
            }
        }
        return parser.currentToken() == JsonToken.START_ARRAY;
    }

    /**
     * {@code json} with the array this path names holding only {@code element} (an element's exact
     * text): the envelope of one item of a multi-receipt payload, which maps alone as the whole
     * payload would (an item kept as a dead letter is replayed this way). Null when the array
     * cannot be found as for {@link #elementTexts}.
     */
    String withOnlyElement(String json, String element) {
        if (arraySteps == null) {
            return null;
        }
        try (JsonParser parser = TEXT.createParser(json)) {
            if (!toArray(parser)) {
                return null;
            }
            int start = (int) parser.currentTokenLocation().getCharOffset();
            parser.skipChildren();
            int end = (int) parser.currentLocation().getCharOffset();
            return json.substring(0, start) + "[" + element + "]" + json.substring(end);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static final JsonFactory TEXT = JsonFactory.builder().build();

    /** From an object, to the value of its field {@code name}. */
    private static boolean toField(JsonParser parser, String name) throws java.io.IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean wanted = name.equals(parser.currentName());
            parser.nextToken();
            if (wanted) {
                return true;
            }
            parser.skipChildren();
        }
        return false;
    }

    /** From an array, to its element {@code index}. */
    private static boolean toElement(JsonParser parser, int index) throws java.io.IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            return false;
        }
        for (int i = 0; ; i++) {
            if (parser.nextToken() == JsonToken.END_ARRAY) {
                return false;
            }
            if (i == index) {
                return true;
            }
            parser.skipChildren();
        }
    }

    /** As written in the mapping, normalised ({@code $['message']['uuid']}). */
    String expression() {
        return path.getPath();
    }

    /**
     * The steps of Jayway's normalised form of a definite path, {@code $['a']['b-c'][0]}; null when
     * it holds anything else (several names in one bracket, a function, ...).
     */
    static Object[] plainSteps(String normalised) {
        List<Object> steps = new ArrayList<>();
        int at = 1;   // after '$'
        while (at < normalised.length()) {
            if (normalised.charAt(at) != '[') {
                return null;
            }
            int close;
            if (normalised.startsWith("['", at)) {
                close = normalised.indexOf("']", at + 2);
                if (close < 0) {
                    return null;
                }
                String name = normalised.substring(at + 2, close);
                if (name.contains("'") || name.contains("\\")) {
                    return null;   // quoting or escapes: leave them to Jayway
                }
                steps.add(name);
                at = close + 2;
            } else {
                close = normalised.indexOf(']', at);
                if (close < 0) {
                    return null;
                }
                try {
                    int index = Integer.parseInt(normalised.substring(at + 1, close));
                    if (index < 0) {
                        return null;   // from the end: Jayway's
                    }
                    steps.add(index);
                } catch (NumberFormatException e) {
                    return null;
                }
                at = close + 1;
            }
        }
        return steps.toArray();
    }
}
