package com.dlradapter.ingest;

import com.dlradapter.mapping.MappingLoader;
import com.dlradapter.mapping.PayloadFormat;
import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "No 5xx for any JSON the parser accepts", property-based: in every JSON sample of every mapping,
 * one value (any of them, mapped or not) is replaced by an extreme one: a number with any exponent
 * (up to and beyond what a BigDecimal holds), a long integer, or a timestamp of any year. The
 * answer is always a stored receipt, a dead letter or a 4xx.
 */
class ExtremeValuesPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLACEHOLDER = "\"__extreme__\"";
    private static final Set<String> RESULTS = Set.of("stored", "duplicate", "dead-lettered");

    /** A JSON sample of a provider's mapping. */
    record Sample(String provider, String name, String payload) {
        @Override
        public String toString() {
            return provider + ": " + name;
        }
    }

    private static final List<Sample> SAMPLES = new MappingLoader().loadDirectory(Path.of("mappings")).values().stream()
            .flatMap(mapping -> mapping.samples().stream()
                    .filter(s -> PayloadFormat.detect(s.contentType(), s.payload()) == PayloadFormat.JSON)
                    .map(s -> new Sample(mapping.provider(), s.name(), s.payload())))
            .toList();

    static Path data;
    static RunningAdapter adapter;

    @BeforeContainer
    static void start() throws Exception {
        data = Files.createTempDirectory("dlr-extreme");
        adapter = RunningAdapter.start(RunningAdapter.defaults(data));
    }

    @AfterContainer
    static void stop() throws Exception {
        adapter.close();
        try (var files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<Sample> samples() {
        return Arbitraries.of(SAMPLES);
    }

    @Provide
    Arbitrary<String> extremes() {
        Arbitrary<String> mantissas = Arbitraries.of("1", "-1", "1.5", "-0.25", "0", "9.999", "123456789012345678901234567890");
        Arbitrary<Long> exponents = Arbitraries.oneOf(
                Arbitraries.longs().between(-99_999_999_999L, 99_999_999_999L),
                Arbitraries.of((long) Integer.MIN_VALUE, (long) Integer.MIN_VALUE - 1, (long) Integer.MAX_VALUE,
                        (long) Integer.MAX_VALUE + 1, -(long) Integer.MAX_VALUE, 308L, 309L, -324L, -325L, 40L, 41L, -41L));
        Arbitrary<String> numbers = Combinators.combine(mantissas, exponents, Arbitraries.of("e", "E", "e+"))
                .as((mantissa, exponent, e) -> mantissa + (exponent < 0 ? "e" : e) + exponent);
        Arbitrary<String> integers = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(64)
                .map(digits -> digits.replaceFirst("^0+(?=.)", ""));
        Arbitrary<String> timestamps = Combinators.combine(
                        Arbitraries.integers().between(-999_999_999, 999_999_999),
                        Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 28))
                .as((year, month, day) -> "\"" + (year > 9999 ? "+" : "") + (year < 0 ? "-" + String.format("%04d", -year)
                        : String.format("%04d", year)) + String.format("-%02d-%02dT12:00:00Z", month, day) + "\"");
        Arbitrary<String> edgeTimestamps = Arbitraries.of("\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"",
                "\"1969-12-31T23:59:59Z\"", "\"1970-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"+10000-01-01T00:00:00Z\"",
                "\"0000-01-01T00:00:00Z\"", "\"2026-06-09 13:04:57\"");
        return Arbitraries.oneOf(numbers, integers, timestamps, edgeTimestamps);
    }

    @Property(tries = 300)
    void anExtremeValueAnywhereIsStoredDeadLetteredOrRefusedNeverA5xx(@ForAll("samples") Sample sample,
                                                                       @ForAll("extremes") String extreme,
                                                                       @ForAll int which) throws Exception {
        JsonNode document = JSON.readTree(sample.payload());
        List<Leaf> leaves = new ArrayList<>();
        collect(document, leaves);
        Leaf leaf = leaves.get(Math.floorMod(which, leaves.size()));
        leaf.replace();
        String body = JSON.writeValueAsString(document).replace(PLACEHOLDER, extreme);

        HttpResponse<String> answer = adapter.post(adapter.webhook(sample.provider()), body);
        assertThat(answer.statusCode()).as("%s, %s: %s", sample, body, answer.body()).isBetween(200, 499);
        if (answer.statusCode() == 200) {
            assertThat(RESULTS).as(answer.body()).contains(JSON.readTree(answer.body()).get("result").asText());
        } else if (!RunningAdapter.refusedForItsSignature(answer)) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(400, 413, 415);
        }
    }

    /** A value in the document and how to put the placeholder in its place. */
    private record Leaf(JsonNode parent, String field, int index) {
        void replace() {
            if (parent instanceof ObjectNode object) {
                object.put(field, "__extreme__");
            } else {
                ((ArrayNode) parent).set(index, JSON.getNodeFactory().textNode("__extreme__"));
            }
        }
    }

    private static void collect(JsonNode node, List<Leaf> leaves) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(e -> {
                if (e.getValue().isContainerNode()) {
                    collect(e.getValue(), leaves);
                } else {
                    leaves.add(new Leaf(object, e.getKey(), -1));
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isContainerNode()) {
                    collect(array.get(i), leaves);
                } else {
                    leaves.add(new Leaf(array, null, i));
                }
            }
        }
    }
}
