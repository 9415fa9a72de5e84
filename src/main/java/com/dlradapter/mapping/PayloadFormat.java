package com.dlradapter.mapping;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;

import javax.xml.stream.XMLInputFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The payload formats a mapping can read. Each is parsed into the same JSON tree, so a mapping's
 * paths work alike: a JSON body as it is; a form-encoded body or a GET query string as an object
 * of its parameters ({@code $.MessageStatus}, {@code $['err-code']}); an XML document as an object
 * of the root element's children and attributes ({@code $.message.status}).
 */
public enum PayloadFormat {
    JSON, FORM, XML;

    /** Hostile-input bounds: nesting, string and number length (answered 400 beyond them). */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MappingEngine.MAX_NESTING_DEPTH)
            .maxStringLength(MappingEngine.MAX_STRING_LENGTH)
            .maxNumberLength(MappingEngine.MAX_NUMBER_LENGTH)
            .build();

    private static final ObjectMapper JSON_READER = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final XmlMapper XML_READER = new XmlMapper(secureXmlFactory());

    /** No DTDs, no external entities: an XML payload cannot read files or call out (XXE). */
    private static XmlFactory secureXmlFactory() {
        XMLInputFactory input = XMLInputFactory.newFactory();
        input.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        input.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return XmlFactory.builder().xmlInputFactory(input).streamReadConstraints(LIMITS).build();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PayloadFormat byName(String name) {
        for (PayloadFormat format : values()) {
            if (format.wireName().equals(name)) {
                return format;
            }
        }
        return null;
    }

    /**
     * The format of a request body: by its content type, else XML when it starts with '&lt;',
     * else JSON (so that garbage is reported as malformed JSON).
     */
    public static PayloadFormat detect(String contentType, String body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.contains("x-www-form-urlencoded")) {
            return FORM;
        }
        if (type.contains("xml")) {
            return XML;
        }
        if (type.contains("json")) {
            return JSON;
        }
        return body != null && body.stripLeading().startsWith("<") ? XML : JSON;
    }

    /** Parses a body of this format; a body that is not well-formed is a {@link MalformedPayloadException}. */
    public JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new MalformedPayloadException("the request body is empty; a " + wireName() + " payload was expected");
        }
        try {
            return switch (this) {
                case JSON -> JSON_READER.readTree(body);
                case XML -> XML_READER.readTree(body);
                case FORM -> form(body);
            };
        } catch (JacksonException e) {
            // Jackson's own text names its internals (features, classes, "[Source: ..."): say it our way.
            throw new MalformedPayloadException("the request body is not valid " + wireName() + why(e) + where(e));
        }
    }

    private static String why(JacksonException e) {
        String text = String.valueOf(e.getOriginalMessage());
        if (e instanceof StreamConstraintsException) {
            if (text.contains("nesting depth")) {
                return ": it is nested deeper than " + MappingEngine.MAX_NESTING_DEPTH + " levels (nesting depth)";
            }
            if (text.startsWith("String value length")) {
                return ": a string is longer than " + MappingEngine.MAX_STRING_LENGTH + " characters";
            }
            if (text.startsWith("Number value length")) {
                return ": a number is longer than " + MappingEngine.MAX_NUMBER_LENGTH + " digits";
            }
            return ": it exceeds a size limit";
        }
        if (text.startsWith("Duplicate field")) {
            return ": a key appears twice in one object";
        }
        return "";
    }

    private static String where(JacksonException e) {
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "") + ")";
    }

    /** {@code a=1&b=x%20y&a=2} becomes {@code {"a": ["1", "2"], "b": "x y"}}. */
    private static ObjectNode form(String body) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        for (String pair : body.strip().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            JsonNode existing = object.get(name);
            if (existing == null) {
                object.put(name, value);
            } else if (existing.isArray()) {
                ((ArrayNode) existing).add(value);
            } else {
                object.putArray(name).add(existing).add(value);
            }
        }
        return object;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("the form data is not valid URL encoding: " + e.getMessage());
        }
    }
}
