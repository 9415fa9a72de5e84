package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs every sample of every mapping in {@code mappings/} (and of the test-only mappings that cover
 * the XML and JSON-array payload shapes): a new provider's samples are tested with
 * no new Java. A sample's {@code expect} is the whole canonical receipt except {@code id} and
 * {@code receivedAt}; a field it leaves out must be null.
 */
class MappingSamplesTest {

    /** The shipped mappings, and test-only ones that cover the payload shapes no shipped provider uses. */
    static final List<Path> MAPPINGS = List.of(Path.of("mappings"), Path.of("src/test/resources/shape-mappings"));
    static final Instant RECEIVED_AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Map<String, ProviderMapping> LOADED = load();

    private static Map<String, ProviderMapping> load() {
        Map<String, ProviderMapping> all = new java.util.TreeMap<>();
        MAPPINGS.forEach(directory -> all.putAll(new MappingLoader().loadDirectory(directory)));
        return all;
    }
    private static final JsonSchema SCHEMA = schema();

    private static JsonSchema schema() {
        try (var in = java.nio.file.Files.newInputStream(Path.of("schema/canonical-receipt-v1.schema.json"))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Arguments> samples() {
        return LOADED.values().stream().flatMap(mapping -> mapping.samples().stream()
                .map(sample -> Arguments.of(mapping.provider() + ": " + sample.name(), mapping.provider(), sample)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleMapsToItsExpectedReceipt(String label, String provider, MappingSample sample) {
        MappingEngine engine = new MappingEngine(() -> LOADED);
        if (sample.deadLetter() != null) {
            assertThatThrownBy(() -> engine.map(provider, sample.payload(), sample.contentType(), sample.source(), RECEIVED_AT))
                    .isInstanceOf(UnmappablePayloadException.class)
                    .hasMessageContaining(sample.deadLetter());
            return;
        }
        List<DeliveryReceipt> receipts = engine.map(provider, sample.payload(), sample.contentType(), sample.source(), RECEIVED_AT);
        List<JsonNode> expected = sample.expect().isArray()
                ? List.copyOf((java.util.Collection<JsonNode>) toList((ArrayNode) sample.expect()))
                : List.of(sample.expect());
        assertThat(receipts).as("number of receipts").hasSize(expected.size());
        for (int i = 0; i < receipts.size(); i++) {
            DeliveryReceipt receipt = receipts.get(i);
            assertThat(receipt.id()).isEqualTo(DeliveryReceipt.idFor(receipt.idempotencyKey()));
            assertThat(receipt.receivedAt()).isEqualTo(RECEIVED_AT);
            ObjectNode actual = CanonicalJson.MAPPER.valueToTree(receipt);
            assertThat(SCHEMA.validate(actual)).as("canonical receipt against schema/canonical-receipt-v1.schema.json")
                    .isEmpty();
            actual.remove(List.of("id", "receivedAt"));
            ObjectNode given = ((ObjectNode) expected.get(i)).deepCopy();
            if (!given.has("source")) {
                given.put("source", sample.source().wireName());
            }
            ObjectNode wanted = withNulls(given, actual);
            assertThat(actual.equals(NUMERIC, wanted))
                    .as("receipt %d of sample '%s'%n actual:   %s%n expected: %s", i, sample.name(), actual, wanted)
                    .isTrue();
        }
    }

    private static List<JsonNode> toList(ArrayNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    /** The expectation with every field it does not name set to null, so nothing is left unchecked. */
    private static ObjectNode withNulls(ObjectNode expected, ObjectNode actual) {
        ObjectNode complete = expected.deepCopy();
        actual.fieldNames().forEachRemaining(name -> {
            if (!complete.has(name)) {
                complete.set(name, JsonNodeFactory.instance.nullNode());
            }
        });
        return complete;
    }

    /** Numbers compare by value (YAML's 1.50 is JSON's 1.5); everything else by equality. */
    private static final Comparator<JsonNode> NUMERIC = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
    };
}
