package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalStatus;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where one canonical field comes from, compiled when the mapping is loaded so that a receipt only
 * walks paths and looks up maps. Written in a mapping file as
 * <ul>
 *   <li>a path ({@code $.message.uuid}) or a list of them ({@code [$.reference, $.id]}: the first
 *       that finds a non-empty value wins), or {@code {const: EUR}};</li>
 *   <li>{@code {from: path | [paths], when: ..., table: name | {code: text}, default: text}}
 *       ({@code const} may stand for {@code from});</li>
 *   <li>{@code {multiply | add | subtract | divide: [operands], when: ...}}, operands paths or
 *       numbers.</li>
 * </ul>
 * {@code when: {status: [..]}} (or {@code {status: {not: [..]}}}) tests the receipt's canonical
 * status as the statuses table gives it; a field whose condition is false is absent.
 */
public final class FieldSource {

    private static final Set<String> OBJECT_KEYS = Set.of("from", "const", "when", "table", "default");
    private static final Set<String> ARITHMETIC_KEYS = Set.of("multiply", "add", "subtract", "divide");
    /** Largest precision and scale an operand may have (as the engine allows for any number). */
    private static final int MAX_DIGITS = 40;
    /** Longest text read as an operand; longer is out of range anyway. */
    private static final int MAX_NUMBER_TEXT = 100;

    private final List<Alternative> alternatives;
    private final Arithmetic arithmetic;
    /** The canonical statuses for which the field applies; null: always. */
    private final EnumSet<CanonicalStatus> when;
    private final Map<String, String> table;
    private final Object fallback;
    private final String text;

    private FieldSource(List<Alternative> alternatives, Arithmetic arithmetic, EnumSet<CanonicalStatus> when,
                        Map<String, String> table, Object fallback, String text) {
        this.alternatives = alternatives;
        this.arithmetic = arithmetic;
        this.when = when;
        this.table = table;
        this.fallback = fallback;
        this.text = text;
    }

    private record Alternative(JsonLocator path, Object constant) {
    }

    /** A path (with its text as written, for errors) or a number. */
    private record Operand(JsonLocator path, String written, BigDecimal constant) {
    }

    private enum Operator {
        MULTIPLY, ADD, SUBTRACT, DIVIDE;

        BigDecimal apply(BigDecimal left, BigDecimal right) {
            return switch (this) {
                case MULTIPLY -> left.multiply(right);
                case ADD -> left.add(right);
                case SUBTRACT -> left.subtract(right);
                case DIVIDE -> {
                    if (right.signum() == 0) {
                        throw new UnmappablePayloadException("division by zero");
                    }
                    yield left.divide(right, MathContext.DECIMAL128);
                }
            };
        }
    }

    private record Arithmetic(Operator operator, List<Operand> operands) {
    }

    /**
     * Builds the source from its YAML node; {@code tables} are the mapping's named tables,
     * {@code where} names the file, shape and field for errors.
     */
    public static FieldSource parse(JsonNode node, Map<String, Map<String, String>> tables, String where) {
        if (node == null || node.isNull()) {
            throw new MappingDefinitionException(where + ": no source given");
        }
        if (node.isArray()) {
            return new FieldSource(alternatives(node, where), null, null, null, null, node.toString());
        }
        if (!node.isObject() || (node.size() == 1 && node.has("const"))) {
            return new FieldSource(List.of(alternative(node, where)), null, null, null, null,
                    node.isTextual() ? node.asText() : node.toString());
        }
        List<String> operators = new ArrayList<>();
        node.fieldNames().forEachRemaining(key -> {
            if (ARITHMETIC_KEYS.contains(key)) {
                operators.add(key);
            } else if (!OBJECT_KEYS.contains(key)) {
                Set<String> allowed = new TreeSet<>(OBJECT_KEYS);
                allowed.addAll(ARITHMETIC_KEYS);
                throw new MappingDefinitionException(where + ": unknown key '" + key + "' (allowed: "
                        + String.join(", ", allowed) + ")");
            }
        });
        EnumSet<CanonicalStatus> when = node.has("when") ? condition(node.get("when"), where + ", when") : null;
        if (!operators.isEmpty()) {
            if (operators.size() > 1 || node.has("from") || node.has("const") || node.has("table") || node.has("default")) {
                throw new MappingDefinitionException(where + ": an arithmetic source is one of multiply, add, subtract"
                        + " or divide with its operands, and optionally when; got " + node);
            }
            String name = operators.get(0);
            Arithmetic arithmetic = new Arithmetic(Operator.valueOf(name.toUpperCase(java.util.Locale.ROOT)),
                    operands(node.get(name), where + ", " + name));
            return new FieldSource(null, arithmetic, when, null, null, node.toString());
        }
        if (node.has("from") == node.has("const")) {
            throw new MappingDefinitionException(where + ": give one of 'from' (a path or a list of paths), 'const' or"
                    + " an arithmetic (multiply, add, subtract, divide); got " + node);
        }
        List<Alternative> alternatives;
        if (node.has("const")) {
            alternatives = List.of(constant(node.get("const"), where));
        } else {
            JsonNode from = node.get("from");
            alternatives = from.isArray() ? alternatives(from, where + ", from") : List.of(alternative(from, where + ", from"));
        }
        Map<String, String> table = node.has("table") ? table(node.get("table"), tables, where + ", table") : null;
        Object fallback = null;
        if (node.has("default")) {
            JsonNode value = node.get("default");
            if (value == null || !value.isValueNode() || value.isNull()) {
                throw new MappingDefinitionException(where + ", default: must be a plain value, got " + value);
            }
            fallback = value.isNumber() ? value.decimalValue() : value.asText();
        }
        return new FieldSource(alternatives, null, when, table, fallback, node.toString());
    }

    private static List<Alternative> alternatives(JsonNode list, String where) {
        if (list.isEmpty()) {
            throw new MappingDefinitionException(where + ": empty list of paths");
        }
        List<Alternative> alternatives = new ArrayList<>();
        for (JsonNode element : list) {
            alternatives.add(alternative(element, where));
        }
        return List.copyOf(alternatives);
    }

    private static Alternative alternative(JsonNode node, String where) {
        if (node.isObject()) {
            if (node.size() != 1 || !node.has("const")) {
                throw new MappingDefinitionException(where + ": an object source must be {const: value}, got " + node);
            }
            return constant(node.get("const"), where);
        }
        if (!node.isTextual()) {
            throw new MappingDefinitionException(where + ": expected a JSONPath string, a list of them or {const: value}, got " + node);
        }
        return new Alternative(JsonLocator.compile(node.asText(), where), null);
    }

    private static Alternative constant(JsonNode value, String where) {
        if (value == null || !value.isValueNode()) {
            throw new MappingDefinitionException(where + ": const must be a plain value, got " + value);
        }
        return new Alternative(null, value.isNumber() ? value.decimalValue() : value.asText());
    }

    /** {@code {status: [..]}}, {@code {status: X}} or {@code {status: {not: [..]}}}: the statuses it holds for. */
    private static EnumSet<CanonicalStatus> condition(JsonNode node, String where) {
        if (node == null || !node.isObject() || !node.has("status")) {
            throw new MappingDefinitionException(where + ": must be {status: [statuses]} or {status: {not: [statuses]}}, got " + node);
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!key.equals("status")) {
                throw new MappingDefinitionException(where + ": unknown key '" + key + "' (allowed: status)");
            }
        });
        JsonNode status = node.get("status");
        boolean negated = status.isObject();
        if (negated) {
            if (status.size() != 1 || !status.has("not")) {
                throw new MappingDefinitionException(where + ".status: an object must be {not: [statuses]}, got " + status);
            }
            status = status.get("not");
        }
        EnumSet<CanonicalStatus> listed = EnumSet.noneOf(CanonicalStatus.class);
        List<JsonNode> names = new ArrayList<>();
        if (status.isArray()) {
            status.forEach(names::add);
        } else {
            names.add(status);
        }
        if (names.isEmpty()) {
            throw new MappingDefinitionException(where + ".status: list at least one canonical status");
        }
        for (JsonNode name : names) {
            try {
                listed.add(CanonicalStatus.valueOf(name.textValue()));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new MappingDefinitionException(where + ".status: '" + (name.isTextual() ? name.asText() : name)
                        + "' is not a canonical status (one of " + Arrays.toString(CanonicalStatus.values()) + ")");
            }
        }
        return negated ? EnumSet.complementOf(listed) : listed;
    }

    private static Map<String, String> table(JsonNode node, Map<String, Map<String, String>> tables, String where) {
        if (node.isTextual()) {
            Map<String, String> table = tables.get(node.asText());
            if (table == null) {
                throw new MappingDefinitionException(where + ": no table '" + node.asText() + "' (tables: "
                        + new TreeSet<>(tables.keySet()) + ")");
            }
            return table;
        }
        if (node.isObject()) {
            return rows(node, where);
        }
        throw new MappingDefinitionException(where + ": must name a table of 'tables' or be a map of code to text, got " + node);
    }

    /** A table's rows, code to text; {@code where} names the table for errors. */
    static Map<String, String> rows(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new MappingDefinitionException(where + ": a table must map codes to texts, got " + node);
        }
        java.util.HashMap<String, String> rows = new java.util.HashMap<>();
        node.properties().forEach(row -> {
            if (!row.getValue().isValueNode() || row.getValue().isNull()) {
                throw new MappingDefinitionException(where + " '" + row.getKey() + "': must be a text, got " + row.getValue());
            }
            rows.put(row.getKey(), row.getValue().asText());
        });
        return Map.copyOf(rows);
    }

    private static List<Operand> operands(JsonNode node, String where) {
        if (node == null || !node.isArray() || node.size() < 2) {
            throw new MappingDefinitionException(where + ": give a list of at least two operands (paths or numbers), got " + node);
        }
        List<Operand> operands = new ArrayList<>();
        for (JsonNode operand : node) {
            if (operand.isNumber()) {
                operands.add(new Operand(null, null, inRange(operand.decimalValue(), where + ": operand " + operand, true)));
            } else if (operand.isTextual()) {
                operands.add(new Operand(JsonLocator.compile(operand.asText(), where), operand.asText().trim(), null));
            } else {
                throw new MappingDefinitionException(where + ": an operand is a JSONPath or a number, got " + operand);
            }
        }
        return List.copyOf(operands);
    }

    /** Whether the field depends on the receipt's canonical status. */
    public boolean conditional() {
        return when != null;
    }

    /**
     * The field's value as a plain Java value (String, Number, Boolean, List, Map), or null: the
     * first non-empty value of its paths, or the arithmetic's result, through its table.
     * {@code status} is the receipt's canonical status (null before it is known: only for
     * sources without a condition).
     *
     * @throws UnmappablePayloadException an operand is not a number, a division by zero, a table
     *                                    code that is not a single value (the message names no field:
     *                                    the engine adds it)
     */
    public Object read(JsonNode document, CanonicalStatus status) {
        if (when != null) {
            if (status == null) {
                throw new IllegalStateException("a conditional source read before the status is known: " + text);
            }
            if (!when.contains(status)) {
                return null;
            }
        }
        if (arithmetic != null) {
            return compute(document);
        }
        Object value = first(document);
        if (table != null) {
            if (value == null) {
                return null;
            }
            String description = table.get(code(value));
            return description != null ? description : fallback;
        }
        return value == null ? fallback : value;
    }

    private Object first(JsonNode document) {
        for (Alternative alternative : alternatives) {
            Object value = alternative.constant != null ? alternative.constant : readPath(document, alternative.path);
            if (!isEmpty(value)) {
                return value;
            }
        }
        return null;
    }

    /** Every operand is read (a non-number refuses the receipt even beside a missing one), then computed. */
    private BigDecimal compute(JsonNode document) {
        List<Operand> operands = arithmetic.operands;
        BigDecimal[] values = new BigDecimal[operands.size()];
        boolean missing = false;
        for (int i = 0; i < values.length; i++) {
            Operand operand = operands.get(i);
            values[i] = operand.constant != null ? operand.constant : number(operand.written, readPath(document, operand.path));
            missing |= values[i] == null;
        }
        if (missing) {
            return null;
        }
        try {
            BigDecimal result = values[0];
            for (int i = 1; i < values.length; i++) {
                result = arithmetic.operator.apply(result, values[i]);
            }
            return result;
        } catch (ArithmeticException e) {
            throw new UnmappablePayloadException("number out of range (" + e.getMessage() + ")");
        }
    }

    private static BigDecimal number(String path, Object value) {
        if (isEmpty(value)) {
            return null;
        }
        BigDecimal number;
        if (value instanceof BigDecimal decimal) {
            number = decimal;
        } else if (value instanceof BigInteger integer) {
            number = new BigDecimal(integer);
        } else if (value instanceof String text && text.trim().length() <= MAX_NUMBER_TEXT) {
            try {
                number = new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                throw notANumber(path, value);
            }
        } else {
            throw notANumber(path, value);
        }
        return inRange(number, "operand " + path, false);
    }

    private static UnmappablePayloadException notANumber(String path, Object value) {
        String shown = value instanceof List<?> ? "an array" : value instanceof Map<?, ?> ? "an object" : "'" + abbreviate(value.toString()) + "'";
        return new UnmappablePayloadException("operand " + path + ": " + shown + " is not a number");
    }

    private static BigDecimal inRange(BigDecimal number, String what, boolean atLoad) {
        if (number.precision() > MAX_DIGITS || Math.abs((long) number.scale()) > MAX_DIGITS) {
            if (atLoad) {
                throw new MappingDefinitionException(what + ": number out of range");
            }
            throw new UnmappablePayloadException(what + ": number out of range");
        }
        return number;
    }

    /** The code a table is looked up by: the value's text, as the field would show it. */
    private static String code(Object value) {
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            throw new UnmappablePayloadException("expected a single value to look up in the table, found "
                    + (value instanceof List<?> ? "an array" : "an object"));
        }
        if (value instanceof BigDecimal decimal) {
            return inRange(decimal, "table code", false).toPlainString();
        }
        return value.toString().trim();
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

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    @Override
    public String toString() {
        return text;
    }
}
