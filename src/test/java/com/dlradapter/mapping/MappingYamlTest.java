package com.dlradapter.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mapping files' YAML reader: anchors, aliases and merge keys work, and everything else reads
 * exactly as Jackson's YAML reader read it before (YAML 1.1 words, numbers, dates stay as they were).
 */
class MappingYamlTest {

    private static final ObjectMapper JACKSON = new ObjectMapper(new YAMLFactory());

    private static JsonNode read(String yaml) {
        return new MappingYaml().read(new StringReader(yaml), "test.yaml");
    }

    /** An alias ({@code *common}, {@code [*a, *b]}): a file with one is one Jackson could not read. */
    private static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("[\\s\\[{,]\\*[A-Za-z_]");

    /** Every mapping file without aliases: each must read as it did before. */
    static Stream<Path> mappingFiles() throws Exception {
        List<Path> files = new java.util.ArrayList<>();
        for (String folder : List.of("mappings", "src/test/resources/shape-mappings", "src/test/resources/bench")) {
            try (Stream<Path> list = Files.list(Path.of(folder))) {
                for (Path file : list.filter(MappingLoader::isMappingFile).sorted().toList()) {
                    if (!ALIAS.matcher(Files.readString(file)).find()) {
                        files.add(file);
                    }
                }
            }
        }
        assertThat(files).as("the shipped mappings are among them").contains(Path.of("mappings/cecula.yaml"));
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappingFiles")
    void everyMappingFileReadsAsJacksonReadIt(Path file) throws Exception {
        assertThat(new MappingYaml().read(file)).isEqualTo(JACKSON.readTree(file.toFile()));
    }

    @Test
    void scalarsKeepTheMeaningJacksonGaveThem() throws Exception {
        String yaml = """
                words: [yes, no, on, off, Yes, NO, y, n, true, False, TRUE]
                dates: [2026-01-01, 2001-12-14t21:59:43.10-05:00, "2026-01-01", 2026-01-01 10:00:00]
                ints: [0, -0, +12, 0123, 0o17, 0x1F, 0b101, 1_000, 12345678901234567890123, 1:30, 190:20:30]
                floats: [1.5, 1.50, -1.5e3, 1e3, .5, 6.8523015e+5, 1_000.5]
                nulls: [~, null, Null, '', "", "~"]
                empty:
                text: [DELIVRD, '0123', "yes", 30003, +, -, <<, "<<", 1.2.3, 0x, 12abc]
                tagged: [!!str 123, !!int "42", !!float "1", !!bool "yes", !!binary aGVsbG8=, !custom x, ! 12]
                block: |
                  two
                  lines
                folded: >
                  one
                  line
                keys: {1: a, 01: b, 1.0: c, yes: d, ~: e, 2026-01-01: f, 0x10: g}
                "quoted key": 'single ''quoted'''
                unicode: "\\u00e9t\\u00e9 \\t tab"
                """;
        assertThat(read(yaml)).isEqualTo(JACKSON.readTree(yaml));
    }

    @Test
    void aDeeplyNestedSampleStillReads() throws Exception {
        // SnakeYAML's own limit is 50 levels; Jackson read deeper documents, so they still load
        String yaml = "payload: " + "[".repeat(200) + "1" + "]".repeat(200) + "\n";
        assertThat(read(yaml)).isEqualTo(JACKSON.readTree(yaml));
    }

    @Test
    void aFloatJacksonCouldNotReadIsStillRefused() {
        for (String value : List.of(".inf", "-.Inf", ".nan", "1:30.5")) {
            assertThatThrownBy(() -> JACKSON.readTree("a: " + value)).hasMessageContaining("Malformed numeric value");
            assertThatThrownBy(() -> read("a: " + value))
                    .isInstanceOf(MappingDefinitionException.class)
                    .hasMessageContaining("test.yaml: not valid YAML: cannot read the value '" + value + "'")
                    .hasMessageContaining("line 1, column 4");
        }
    }

    @Test
    void anAliasIsTheAnchoredValue() {
        JsonNode root = read("""
                x-common: &common
                  messageId: $.id
                  providerStatus: $.status
                x-id: &id [$.reference, $.id]
                shapes:
                  - fields: *common
                  - fields: {messageId: *id, providerStatus: $.state}
                """);
        assertThat(root.at("/shapes/0/fields").toString()).isEqualTo("{\"messageId\":\"$.id\",\"providerStatus\":\"$.status\"}");
        assertThat(root.at("/shapes/1/fields/messageId").toString()).isEqualTo("[\"$.reference\",\"$.id\"]");
    }

    @Test
    void mergeKeysMergeAndTheMappingsOwnKeysWin() {
        JsonNode root = read("""
                x-a: &a {messageId: $.a, providerStatus: $.a, recipient: $.a}
                x-b: &b {recipient: $.b, sender: $.b}
                one:
                  <<: *a
                  providerStatus: $.own
                two:
                  providerStatus: $.own
                  <<: [*a, *b]
                """);
        assertThat(root.get("one").toString())
                .isEqualTo("{\"providerStatus\":\"$.own\",\"messageId\":\"$.a\",\"recipient\":\"$.a\"}");
        // the first merged mapping wins over the next one
        assertThat(root.get("two").toString())
                .isEqualTo("{\"providerStatus\":\"$.own\",\"messageId\":\"$.a\",\"recipient\":\"$.a\",\"sender\":\"$.b\"}");
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLine() {
        assertThatThrownBy(() -> read("""
                statuses:
                  ok: DELIVERED
                  ok: FAILED
                """))
                .isInstanceOf(MappingDefinitionException.class)
                .hasMessageContaining("test.yaml: not valid YAML: Duplicate field 'ok'")
                .hasMessageContaining("line 3, column 3");
    }

    @Test
    void brokenYamlNamesTheFileAndLine() {
        assertThatThrownBy(() -> read("statuses:\n  ok: [DELIVERED\n  nope: FAILED\n"))
                .isInstanceOf(MappingDefinitionException.class)
                .hasMessageContaining("test.yaml: not valid YAML")
                .hasMessageContaining("line 3");
        assertThatThrownBy(() -> read("fields: *nothing\n"))
                .hasMessageContaining("test.yaml: not valid YAML")
                .hasMessageContaining("nothing");
    }

    @Test
    void aRecursiveAliasAndAnAliasBombAreRefused() {
        assertThatThrownBy(() -> read("a: &a [1, *a]\n"))
                .isInstanceOf(MappingDefinitionException.class)
                .hasMessageContaining("an alias refers to a collection that contains it");
        StringBuilder bomb = new StringBuilder("l0: &l0 [x, x]\n");
        for (int level = 1; level <= 24; level++) {
            bomb.append("l").append(level).append(": &l").append(level).append(" [*l").append(level - 1)
                    .append(", *l").append(level - 1).append("]\n");
        }
        assertThatThrownBy(() -> read(bomb.toString()))
                .isInstanceOf(MappingDefinitionException.class)
                .hasMessageContaining("more than " + MappingYaml.MAX_NODES + " values once its aliases are expanded");
    }
}
