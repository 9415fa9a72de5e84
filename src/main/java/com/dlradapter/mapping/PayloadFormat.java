package com.dlradapter.mapping;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
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
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
                case JSON -> readJson(body);
                case XML -> XML_READER.readTree(body);
                case FORM -> form(body);
            };
        } catch (JacksonException e) {
            // Jackson's own text names its internals (features, classes, "[Source: ..."): say it our way.
            throw new MalformedPayloadException("the request body is not valid " + wireName() + why(e) + where(e));
        } catch (IOException e) {
            // never from a String, but Jackson declares it
            throw new MalformedPayloadException("the request body is not valid " + wireName());
        }
    }

    /**
     * JSON as a tree, numbers as BigDecimal. A number whose exponent no BigDecimal can hold
     * ({@code 1e-2147483648}: valid JSON) makes Jackson throw a NumberFormatException, which is no
     * JacksonException and was answered 500. Such a body is read again with each of those numbers
     * as the nearest BigDecimal (exponent clamped to the scale's limit): a mapped field holding one
     * is refused as out of range (a dead letter naming the field), any other field is ignored.
     */
    private static JsonNode readJson(String body) throws IOException {
        try {
            return JSON_READER.readTree(body);
        } catch (NumberFormatException e) {
            try (JsonParser parser = new ClampedNumbers(JSON_READER.createParser(body))) {
                JsonNode root = JSON_READER.readTree(parser);
                if (parser.nextToken() != null) {
                    throw new MalformedPayloadException("the request body is not valid json: trailing content after the value");
                }
                return root;
            }
        }
    }

    /** Reads a float whose exponent is out of BigDecimal's range as the nearest one that is not. */
    private static final class ClampedNumbers extends JsonParserDelegate {

        private static final Pattern NUMBER =
                Pattern.compile("(-?)(\\d+)(?:\\.(\\d+))?[eE]([+-]?\\d+)");

        ClampedNumbers(JsonParser parser) {
            super(parser);
        }

        @Override
        public BigDecimal getDecimalValue() throws IOException {
            try {
                return super.getDecimalValue();
            } catch (NumberFormatException e) {
                Matcher number = NUMBER.matcher(getText());
                if (!number.matches()) {
                    throw e;
                }
                String fraction = number.group(3) == null ? "" : number.group(3);
                BigInteger unscaled = new BigInteger(number.group(1) + number.group(2) + fraction);
                BigInteger scale = BigInteger.valueOf(fraction.length())
                        .subtract(new BigInteger(number.group(4)));
                int clamped = scale.signum() > 0 ? Integer.MAX_VALUE : -Integer.MAX_VALUE;
                return new BigDecimal(unscaled, clamped);
            }
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
