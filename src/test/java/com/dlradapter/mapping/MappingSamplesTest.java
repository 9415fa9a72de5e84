package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every sample of every mapping in {@code mappings/} (and of the test-only mappings that cover
 * the XML and JSON-array payload shapes): a new provider's samples are tested with no new Java.
 * Every receipt a sample gives must also satisfy the published JSON Schema of message v1.
 */
class MappingSamplesTest {

    /** The shipped mappings, and test-only ones that cover the payload shapes no shipped provider uses. */
    static final List<Path> MAPPINGS = List.of(Path.of("mappings"), Path.of("src/test/resources/shape-mappings"));
    private static final Map<String, ProviderMapping> LOADED = load();
    private static final JsonSchema SCHEMA = schema();

    private static Map<String, ProviderMapping> load() {
        Map<String, ProviderMapping> all = new TreeMap<>();
        MAPPINGS.forEach(directory -> all.putAll(new MappingLoader().loadDirectory(directory)));
        return all;
    }

    private static JsonSchema schema() {
        try (var in = Files.newInputStream(Path.of("schema/canonical-receipt-v1.schema.json"))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> samples() {
        return LOADED.values().stream().flatMap(mapping -> mapping.samples().stream()
                .map(sample -> Arguments.of(mapping.provider() + ": " + sample.name(), mapping.provider(), sample)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleMapsToItsExpectedReceipt(String label, String provider, MappingSample sample) {
        SampleCheck.Result result = SampleCheck.run(new MappingEngine(() -> LOADED), provider, sample);
        assertThat(result.passed()).as("%s: %s", label, result.detail()).isTrue();
        for (DeliveryReceipt receipt : result.receipts()) {
            assertThat(receipt.id()).isEqualTo(DeliveryReceipt.idFor(receipt.idempotencyKey()));
            ObjectNode json = CanonicalJson.MAPPER.valueToTree(receipt);
            assertThat(SCHEMA.validate(json)).as("%s against schema/canonical-receipt-v1.schema.json", json).isEmpty();
        }
    }

    @Test
    void theSchemaRejectsWhatTheContractDoesNotAllow() {
        ObjectNode receipt = CanonicalJson.MAPPER.valueToTree(
                SampleCheck.run(new MappingEngine(() -> LOADED), "zeckta", LOADED.get("zeckta").samples().get(0))
                        .receipts().get(0));
        assertThat(SCHEMA.validate(receipt)).isEmpty();
        assertThat(SCHEMA.validate(receipt.deepCopy().put("status", "DONE"))).isNotEmpty();
        assertThat(SCHEMA.validate(receipt.deepCopy().put("recipient", "0044 1111"))).isNotEmpty();
        assertThat(SCHEMA.validate(receipt.deepCopy().put("surprise", 1))).isNotEmpty();
        ObjectNode missing = receipt.deepCopy();
        missing.remove("messageId");
        assertThat(SCHEMA.validate(missing)).isNotEmpty();
    }
}
