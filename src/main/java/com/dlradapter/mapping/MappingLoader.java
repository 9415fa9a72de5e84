package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.ReceiptSource;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads and validates the mapping files. Every problem is reported with the file and the field it
 * is in, and any problem stops the adapter from starting: a half-loaded mapping would turn good
 * receipts into dead letters.
 */
public final class MappingLoader {

    private static final Set<String> TOP_LEVEL_KEYS = Set.of(
            "provider", "name", "description", "timezone", "timestampFormats", "shapes", "statuses", "signature",
            "reasonStatuses", "deduplicateBy", "samples");
    /** Top-level keys the mapping language adds (named code tables); a key starting with x- is ignored (a home for YAML anchors). */
    private static final Set<String> LANGUAGE_KEYS = Set.of("tables");
    private static final Set<String> SHAPE_KEYS = Set.of("name", "description", "format", "match", "items", "fields");
    private static final Set<String> SAMPLE_KEYS = Set.of("name", "description", "payload", "contentType", "source", "expect", "deadLetter");

    // Anchors, aliases and merge keys resolved; duplicate keys are an error: a second row of a
    // status table must not silently win.
    private final MappingYaml yaml = new MappingYaml();

    /** Loads every {@code *.yaml} / {@code *.yml} file of the directory, keyed by provider id. */
    public Map<String, ProviderMapping> loadDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new MappingDefinitionException("mapping directory " + directory.toAbsolutePath() + " does not exist");
        }
        List<Path> files;
        try {
            files = mappingFiles(directory);
        } catch (IOException e) {
            throw new MappingDefinitionException("cannot list mapping directory " + directory + ": " + e.getMessage(), e);
        }
        Map<String, ProviderMapping> mappings = new TreeMap<>();
        for (Path file : files) {
            ProviderMapping mapping = load(file);
            ProviderMapping clash = mappings.put(mapping.provider(), mapping);
            if (clash != null) {
                throw new MappingDefinitionException(alreadyDefined(file, mapping.provider(), clash.file()));
            }
        }
        return mappings;
    }

    /** The mapping files of a folder in name order: the order the start loads them, and the checker checks them. */
    public static List<Path> mappingFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(MappingLoader::isMappingFile).sorted().toList();
        }
    }

    /** Two files for one provider: refused alike by the start and the checker. */
    static String alreadyDefined(Path file, String provider, Path other) {
        return file + ": provider '" + provider + "' is already defined by " + other;
    }

    /** A mapping file: a regular .yaml or .yml file (what a folder watch for mappings looks at). */
    public static boolean isMappingFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    public ProviderMapping load(Path file) {
        if (!Files.exists(file)) {
            throw new MappingDefinitionException(file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new MappingDefinitionException(file + ": a folder, not a mapping file");
        }
        JsonNode root = yaml.read(file);
        if (root == null || !root.isObject()) {
            throw new MappingDefinitionException(file + ": a mapping file must be a YAML object");
        }
        checkTopLevelKeys(root, file.toString());

        String provider = requiredText(root, "provider", file.toString());
        if (!provider.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new MappingDefinitionException(file + ": field 'provider': '" + provider
                    + "' must be lower-case letters, digits and dashes (it is the URL path /webhooks/" + provider + ")");
        }
        String name = root.path("name").asText(provider);

        ZoneId zone;
        String zoneText = root.path("timezone").asText("UTC");
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw new MappingDefinitionException(file + ": field 'timezone': unknown time zone '" + zoneText + "'", e);
        }
        List<String> formats = new ArrayList<>();
        root.path("timestampFormats").forEach(f -> formats.add(f.asText()));
        TimestampParser timestamps = TimestampParser.of(zone, formats, file + ": field 'timestampFormats'");

        Map<String, Map<String, String>> tables = tables(root.get("tables"), file.toString());
        List<PayloadShape> shapes = shapes(root.get("shapes"), tables, file.toString());
        Map<String, StatusRule> statuses = statuses(root.get("statuses"), file.toString());
        Map<String, CanonicalStatus> reasonStatuses = reasonStatuses(root.get("reasonStatuses"), file.toString());
        String deduplicateBy = root.path("deduplicateBy").asText("event");
        if (!deduplicateBy.equals("event") && !deduplicateBy.equals("status")) {
            throw new MappingDefinitionException(file + ": field 'deduplicateBy': '" + deduplicateBy
                    + "' is not event or status");
        }
        List<MappingSample> samples = samples(root.get("samples"), file.toString());
        return new ProviderMapping(provider, name, file, zone, timestamps, shapes, statuses, reasonStatuses,
                deduplicateBy.equals("status"), samples,
                SignatureBlock.parse(root.get("signature"), file.toString()));
    }

    private static List<PayloadShape> shapes(JsonNode node, Map<String, Map<String, String>> tables, String file) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new MappingDefinitionException(file + ": field 'shapes': at least one payload shape is required");
        }
        List<PayloadShape> shapes = new ArrayList<>();
        int index = 0;
        for (JsonNode shape : node) {
            String where = file + ": shapes[" + index++ + "]";
            if (!shape.isObject()) {
                throw new MappingDefinitionException(where + ": a shape must be an object");
            }
            checkKeys(shape, SHAPE_KEYS, where);
            String shapeName = shape.path("name").asText("shape" + (index - 1));
            where = file + ": shape '" + shapeName + "'";
            Set<PayloadFormat> formats = formats(shape.get("format"), where + ", field 'format'");
            var match = shape.hasNonNull("match") ? JsonLocator.compile(shape.get("match").asText(), where + ", field 'match'") : null;
            var items = shape.hasNonNull("items") ? JsonLocator.compile(shape.get("items").asText(), where + ", field 'items'") : null;
            JsonNode fieldsNode = shape.get("fields");
            if (fieldsNode == null || !fieldsNode.isObject()) {
                throw new MappingDefinitionException(where + ": field 'fields' is required");
            }
            Map<CanonicalField, FieldSource> fields = new EnumMap<>(CanonicalField.class);
            for (Iterator<Map.Entry<String, JsonNode>> it = fieldsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String fieldWhere = where + ", field '" + entry.getKey() + "'";
                CanonicalField field = CanonicalField.byKey(entry.getKey()).orElseThrow(() -> new MappingDefinitionException(
                        fieldWhere + ": not a canonical field (known: " + CanonicalField.knownKeys() + ")"));
                FieldSource source = FieldSource.parse(entry.getValue(), tables, fieldWhere);
                if (source.conditional() && (field == CanonicalField.MESSAGE_ID || field == CanonicalField.PROVIDER_STATUS)) {
                    throw new MappingDefinitionException(fieldWhere + ": cannot have a condition ('when'): every receipt"
                            + " needs it, and the status is known only from it");
                }
                fields.put(field, source);
            }
            for (CanonicalField required : List.of(CanonicalField.MESSAGE_ID, CanonicalField.PROVIDER_STATUS)) {
                if (!fields.containsKey(required)) {
                    throw new MappingDefinitionException(where + ", field '" + required.key() + "': is required");
                }
            }
            shapes.add(new PayloadShape(shapeName, formats, match, items, java.util.Collections.unmodifiableMap(fields)));
        }
        return List.copyOf(shapes);
    }

    /** {@code format: json} or {@code format: [form, json]}; json when not given. */
    private static Set<PayloadFormat> formats(JsonNode node, String where) {
        List<JsonNode> names = new ArrayList<>();
        if (node == null || node.isNull()) {
            return Set.of(PayloadFormat.JSON);
        } else if (node.isArray()) {
            node.forEach(names::add);
        } else {
            names.add(node);
        }
        if (names.isEmpty()) {
            throw new MappingDefinitionException(where + ": list at least one format (json, form or xml)");
        }
        java.util.EnumSet<PayloadFormat> formats = java.util.EnumSet.noneOf(PayloadFormat.class);
        for (JsonNode name : names) {
            PayloadFormat format = name.isValueNode() ? PayloadFormat.byName(name.asText()) : null;
            if (format == null) {
                throw new MappingDefinitionException(where + ": '" + (name.isTextual() ? name.asText() : name)
                        + "' is not json, form or xml");
            }
            formats.add(format);
        }
        return java.util.Collections.unmodifiableSet(formats);
    }

    /** The named code-to-text tables fields look codes up in ({@code table: name}). */
    private static Map<String, Map<String, String>> tables(JsonNode node, String file) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new MappingDefinitionException(file + ": field 'tables': must map table names to tables of code: text");
        }
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        node.properties().forEach(table -> tables.put(table.getKey(),
                FieldSource.rows(table.getValue(), file + ": field 'tables." + table.getKey() + "'")));
        return Map.copyOf(tables);
    }

    private static Map<String, StatusRule> statuses(JsonNode node, String file) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new MappingDefinitionException(file + ": field 'statuses': the table of provider statuses is required");
        }
        Map<String, StatusRule> statuses = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = file + ": field 'statuses." + entry.getKey() + "'";
            JsonNode value = entry.getValue();
            if (value.isObject()) {
                checkKeys(value, Set.of("status", "reason"), where);
                statuses.put(entry.getKey(), new StatusRule(canonicalStatus(value.get("status"), where),
                        value.hasNonNull("reason") ? value.get("reason").asText() : null));
            } else {
                statuses.put(entry.getKey(), new StatusRule(canonicalStatus(value, where), null));
            }
        }
        return java.util.Collections.unmodifiableMap(statuses);
    }

    private static Map<String, CanonicalStatus> reasonStatuses(JsonNode node, String file) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new MappingDefinitionException(file + ": field 'reasonStatuses': must map reason codes to statuses");
        }
        Map<String, CanonicalStatus> table = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> table.put(e.getKey(),
                canonicalStatus(e.getValue(), file + ": field 'reasonStatuses." + e.getKey() + "'")));
        return Map.copyOf(table);
    }

    private static CanonicalStatus canonicalStatus(JsonNode node, String where) {
        String text = node == null ? null : node.asText(null);
        try {
            return CanonicalStatus.valueOf(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MappingDefinitionException(where + ": '" + text + "' is not a canonical status (one of "
                    + Arrays.toString(CanonicalStatus.values()) + ")");
        }
    }

    private List<MappingSample> samples(JsonNode node, String file) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new MappingDefinitionException(file + ": field 'samples': must be a list");
        }
        List<MappingSample> samples = new ArrayList<>();
        int index = 0;
        for (JsonNode sample : node) {
            String where = file + ": samples[" + index++ + "]";
            checkKeys(sample, SAMPLE_KEYS, where);
            String name = sample.path("name").asText("sample" + (index - 1));
            JsonNode payload = sample.get("payload");
            if (payload == null || payload.isNull()) {
                throw new MappingDefinitionException(where + ": field 'payload' is required");
            }
            // A string is the exact body as sent; an object or array is written out as JSON.
            String body = payload.isTextual() ? payload.asText() : payload.toString();
            String sourceName = sample.path("source").asText("webhook");
            ReceiptSource source = switch (sourceName) {
                case "webhook" -> ReceiptSource.WEBHOOK;
                case "poll" -> ReceiptSource.POLL;
                default -> throw new MappingDefinitionException(where + ": field 'source': '" + sourceName
                        + "' is not webhook or poll");
            };
            String deadLetter = sample.hasNonNull("deadLetter") ? sample.get("deadLetter").asText() : null;
            JsonNode expect = sample.get("expect");
            if ((expect == null) == (deadLetter == null)) {
                throw new MappingDefinitionException(where + " ('" + name + "'): give exactly one of 'expect' or 'deadLetter'");
            }
            String contentType = sample.hasNonNull("contentType") ? sample.get("contentType").asText() : null;
            samples.add(new MappingSample(name, body, contentType, source, expect, deadLetter));
        }
        return List.copyOf(samples);
    }

    private static String requiredText(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new MappingDefinitionException(where + ": field '" + key + "' is required");
        }
        return value.asText().trim();
    }

    private static void checkTopLevelKeys(JsonNode root, String file) {
        Set<String> allowed = new java.util.TreeSet<>(TOP_LEVEL_KEYS);
        allowed.addAll(LANGUAGE_KEYS);
        root.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key) && !key.startsWith("x-")) {
                throw new MappingDefinitionException(file + ": unknown field '" + key + "' (allowed: "
                        + String.join(", ", allowed) + ", and any key starting with x-)");
            }
        });
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        node.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                throw new MappingDefinitionException(where + ": unknown field '" + key + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        });
    }
}
