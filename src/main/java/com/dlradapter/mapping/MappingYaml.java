package com.dlradapter.mapping;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Reads a mapping file into the JSON tree the loader checks, with YAML's anchors, aliases and
 * merge keys ({@code <<: *common}) resolved: Jackson's YAML reader gives an alias as the anchor's
 * name, so {@code fields: *common} used to read as the text "common".
 *
 * <p>SnakeYAML (the parser Jackson itself uses) composes the document: aliases resolved, merge keys
 * applied as YAML specifies (the mapping's own keys win, then the merged mappings in order). Every
 * scalar then means exactly what it meant when Jackson read the file: a mapping key is its text
 * ({@code 01:} stays "01"); a scalar SnakeYAML tags as a string, a timestamp or a merge key is
 * text (no Date from {@code 2026-01-01}); a null is null; a boolean, integer, float or binary
 * scalar is decoded by Jackson's own YAML reader, so yes/no/on/off, octal {@code 0123}, hex,
 * {@code 1_000} and sexagesimal {@code 1:30} (text) are read as before. A key given twice in one
 * mapping is refused with its line, as before.
 */
final class MappingYaml {

    /** Most nodes a file may expand to once its aliases are followed (a few thousand is a big mapping). */
    static final int MAX_NODES = 100_000;

    private final ObjectMapper scalars = new ObjectMapper(new YAMLFactory());
    private final JsonNodeFactory nodes = scalars.getNodeFactory();

    /** The file as a tree; a problem is a {@link MappingDefinitionException} naming the file and line. */
    JsonNode read(Path file) {
        try (InputStream in = Files.newInputStream(file); Reader reader = new UnicodeReader(in)) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new MappingDefinitionException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The text as a tree, or null for an empty document; {@code name} prefixes every error. */
    JsonNode read(Reader reader, String name) {
        Node root;
        try {
            root = new Yaml(options()).compose(reader);
        } catch (YAMLException e) {
            throw new MappingDefinitionException(name + ": not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            return null;
        }
        return new Conversion(name).convert(root);
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setMergeOnCompose(true);
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(50);
        // as deep as Jackson allowed (StreamReadConstraints), not SnakeYAML's 50: files that loaded still load
        options.setNestingDepthLimit(1000);
        return options;
    }

    /** One file's node graph to a tree: checks duplicate keys, cycles and the expanded size. */
    private final class Conversion {

        private final String name;
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
        private int count;

        Conversion(String name) {
            this.name = name;
        }

        JsonNode convert(Node node) {
            if (++count > MAX_NODES) {
                throw problem("more than " + MAX_NODES + " values once its aliases are expanded", node.getStartMark());
            }
            if (node instanceof ScalarNode scalar) {
                return scalar(scalar);
            }
            if (!open.add(node)) {
                throw problem("an alias refers to a collection that contains it", node.getStartMark());
            }
            try {
                if (node instanceof SequenceNode sequence) {
                    ArrayNode array = nodes.arrayNode(sequence.getValue().size());
                    sequence.getValue().forEach(element -> array.add(convert(element)));
                    return array;
                }
                MappingNode mapping = (MappingNode) node;
                ObjectNode object = nodes.objectNode();
                for (NodeTuple tuple : mapping.getValue()) {
                    if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                        throw problem("a key must be a plain value, not a list or a mapping", tuple.getKeyNode().getStartMark());
                    }
                    if (object.has(key.getValue())) {
                        // the message Jackson gave: a second row of a status table must not silently win
                        throw problem("Duplicate field '" + key.getValue() + "'", key.getStartMark());
                    }
                    object.set(key.getValue(), convert(tuple.getValueNode()));
                }
                return object;
            } finally {
                open.remove(node);
            }
        }

        private JsonNode scalar(ScalarNode scalar) {
            Tag tag = scalar.getTag();
            if (Tag.NULL.equals(tag)) {
                return nodes.nullNode();
            }
            if (Tag.BOOL.equals(tag) || Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BINARY.equals(tag)) {
                return decodedByJackson(scalar);
            }
            return nodes.textNode(scalar.getValue());
        }

        /**
         * Jackson reads a scalar by its tag and text alone, so the same scalar given with its tag
         * spelled out is read exactly as Jackson read it inside the file.
         */
        private JsonNode decodedByJackson(ScalarNode scalar) {
            String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(scalar.getValue()));
            try {
                JsonNode value = scalars.readTree("!<" + scalar.getTag().getValue() + "> \"" + quoted + "\"");
                if (value == null || !value.isValueNode()) {
                    throw problem("cannot read the value '" + scalar.getValue() + "'", scalar.getStartMark());
                }
                return value;
            } catch (IOException e) {
                throw problem("cannot read the value '" + scalar.getValue() + "': " + e.getMessage(), scalar.getStartMark());
            }
        }

        private MappingDefinitionException problem(String what, Mark mark) {
            return new MappingDefinitionException(name + ": not valid YAML: " + what + " (line " + (mark.getLine() + 1)
                    + ", column " + (mark.getColumn() + 1) + ")");
        }
    }
}
