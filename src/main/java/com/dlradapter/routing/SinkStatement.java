package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.jdbc.core.SqlParameterValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC sink's statement ({@code dlr.jdbc-sinks.<name>.sql}) as camel-sql runs it. Its named
 * parameters {@code :#field} are canonical message fields (nested ones with dots:
 * {@code :#reason.code}; plus {@code :#type}, the event type), checked at start. camel-sql names a
 * parameter with word characters only, and would take a {@code #} anywhere in the text for a
 * parameter, so the statement is handed to it with {@code :?reason_code} for {@code :#reason.code}
 * (no canonical field has an underscore) and the component's {@code #} placeholder off.
 *
 * @param sql    the statement in camel-sql's named-parameter syntax
 * @param fields the canonical fields of its parameters, in order (a field used twice is there twice)
 */
record SinkStatement(String sql, List<String> fields) {

    private static final Pattern PARAMETER = Pattern.compile(":#([A-Za-z][A-Za-z0-9_.]*)");

    /** The statement of {@code setting}, its parameters checked against {@link JdbcSinks#FIELDS}. */
    static SinkStatement parse(String setting, String sql) {
        if (sql.contains(":?")) {
            // camel-sql's own parameter syntax (with simple expressions): not a canonical field
            throw new IllegalArgumentException("setting " + setting + ": ':?' is not a parameter here; name a canonical "
                    + "field with :#field, one of " + JdbcSinks.FIELDS);
        }
        List<String> fields = new ArrayList<>();
        Matcher matcher = PARAMETER.matcher(sql);
        StringBuilder named = new StringBuilder();
        while (matcher.find()) {
            String field = matcher.group(1);
            if (!JdbcSinks.FIELDS.contains(field)) {
                throw new IllegalArgumentException("setting " + setting + ": :#" + field
                        + " is not a canonical field; use one of " + JdbcSinks.FIELDS);
            }
            fields.add(field);
            matcher.appendReplacement(named, Matcher.quoteReplacement(":?" + parameter(field)));
        }
        matcher.appendTail(named);
        return new SinkStatement(named.toString(), List.copyOf(fields));
    }

    /** camel-sql's name of a field's parameter. */
    static String parameter(String field) {
        return field.replace('.', '_');
    }

    /**
     * One delivery's row, the named parameters' values from its canonical message: a timestamp
     * as TIMESTAMP WITH TIME ZONE, a boolean, a whole number as a long, any other number as a
     * decimal, anything else as text; a field the message lacks as a typed NULL.
     */
    Map<String, Object> row(Delivery delivery) {
        Map<String, JsonNode> message = fields(delivery);
        Map<String, Object> row = new HashMap<>();
        for (String field : fields) {
            row.put(parameter(field), value(field, message.get(field)));
        }
        return row;
    }

    private static Map<String, JsonNode> fields(Delivery delivery) {
        try {
            Map<String, JsonNode> fields = EnvelopeFormat.flatten(CanonicalJson.MAPPER.readTree(delivery.payload()));
            fields.put("type", CanonicalJson.MAPPER.getNodeFactory().textNode(delivery.eventType()));
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(String field, JsonNode value) {
        boolean timestamp = field.endsWith("At");
        if (value == null || value.isNull()) {
            return new SqlParameterValue(timestamp ? Types.TIMESTAMP_WITH_TIMEZONE : Types.VARCHAR, null);
        } else if (timestamp) {
            return Instant.parse(value.asText()).atOffset(ZoneOffset.UTC);
        } else if (value.isBoolean()) {
            return value.booleanValue();
        } else if (value.isIntegralNumber()) {
            return value.longValue();
        } else if (value.isNumber()) {
            return value.decimalValue();
        }
        return value.asText();
    }
}
