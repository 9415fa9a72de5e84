package com.dlradapter.hostile;

import com.dlradapter.mapping.MappingLoader;
import com.dlradapter.mapping.PayloadFormat;
import com.dlradapter.mapping.MappingSample;
import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile input at every endpoint, property-based: every mapping's samples mutated, random bytes,
 * wrong content types, huge numbers, deep nesting and unicode. Never a 5xx, never a stuck
 * exchange; always stored, dead-lettered or refused with a 4xx.
 */
class HostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PROVIDERS = List.copyOf(RunningAdapter.PROVIDERS);
    static final List<MappingSample> SAMPLES = new MappingLoader().loadDirectory(Path.of("mappings")).values().stream()
            .flatMap(mapping -> mapping.samples().stream())
            // The JSON samples are mutated as JSON trees; form samples (acme) get the random-byte cases.
            .filter(sample -> PayloadFormat.detect(sample.contentType(), sample.payload()) == PayloadFormat.JSON)
            .toList();
    static final Set<String> RESULTS = Set.of("stored", "duplicate", "dead-lettered");

    static Path data;
    static RunningAdapter adapter;

    @BeforeContainer
    static void start() throws Exception {
        data = Files.createTempDirectory("dlr-hostile");
        adapter = RunningAdapter.start(RunningAdapter.defaults(data));
    }

    @AfterContainer
    static void stop() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(adapter.context().getInflightRepository().size()).as("exchanges stuck in flight").isZero());
        adapter.close();
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> hostileValues() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(64).map(JsonNodeText::quoted),
                Arbitraries.strings().withCharRange('\u0080', '\uFFFD').ofMaxLength(300).map(JsonNodeText::quoted),
                Arbitraries.of("1e999999999", "-1e-999999999", "9".repeat(60), "-" + "9".repeat(70), "0.0000000000000000000001",
                        "1E+2147483647", "NaN", "Infinity", "-0", "18446744073709551616", "3.4028235E38"),
                Arbitraries.integers().between(1, 60).map(depth -> "[".repeat(depth) + "]".repeat(depth)),
                Arbitraries.integers().between(1, 60).map(depth -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)),
                Arbitraries.of("null", "true", "false", "{}", "[]", "\"\"", "\"" + "x".repeat(20_000) + "\"",
                        "\"\\u0000\"", "\"\\ud800\"", "\"+233202007745\"", "\"2026-13-45T99:99:99Z\""));
    }

    @Provide
    Arbitrary<MappingSample> samples() {
        return Arbitraries.of(SAMPLES);
    }

    @Provide
    Arbitrary<String> providers() {
        return Arbitraries.of(PROVIDERS);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/octet-stream", "application/json; charset=latin1", "");
    }

    static void assertAcceptedOrRefused(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 499);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at com.").doesNotContain("at org.");
        if (answer.statusCode() == 200) {
            assertThat(RESULTS).contains(JSON.readTree(answer.body()).get("result").asText());
        } else {
            assertThat(answer.statusCode()).as(answer.body()).isIn(400, 404, 405, 413, 415);
        }
    }

    @Property(tries = 200)
    void mutatedSamplesAreStoredDeadLetteredOrRefused(@ForAll("samples") MappingSample sample, @ForAll long seed,
                                                       @ForAll("hostileValues") String hostile) throws Exception {
        Random random = new Random(seed);
        String provider = provider(sample);
        JsonNode document = JSON.readTree(sample.payload());
        String body;
        switch (random.nextInt(4)) {
            case 0 -> body = replaceSomeValue(document, hostile, random);
            case 1 -> body = removeSomeField(document, random);
            case 2 -> {
                String text = sample.payload();
                body = text.substring(0, random.nextInt(Math.max(1, text.length())));
            }
            default -> body = replaceSomeValue(document, hostile, random).replace("\"", random.nextBoolean() ? "'" : "\"");
        }
        assertAcceptedOrRefused(adapter.post(adapter.webhook(provider), body));
    }

    @Property(tries = 200)
    void randomBytesAndContentTypesAtEveryWebhook(@ForAll("providers") String provider, @ForAll byte[] bytes,
                                                 @ForAll("contentTypes") String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adapter.url(adapter.webhook(provider))))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        assertAcceptedOrRefused(adapter.send(request));
    }

    @Property(tries = 200)
    void hostileDocumentsAtEveryWebhook(@ForAll("providers") String provider, @ForAll("hostileValues") String hostile)
            throws Exception {
        assertAcceptedOrRefused(adapter.post(adapter.webhook(provider), hostile));
        assertAcceptedOrRefused(adapter.post(adapter.webhook(provider), "{\"messageId\": " + hostile + ", \"status\": " + hostile + "}"));
    }

    @Property(tries = 200)
    void hostileInputAtTheApi(@ForAll("providers") String provider, @ForAll("hostileValues") String hostile,
                              @ForAll byte[] bytes) throws Exception {
        // (URLs over Vert.x's 4 KiB request-line limit are refused by the transport, not by a route)
        String segment = URLEncoder.encode(hostile.length() > 500 ? hostile.substring(0, 500) : hostile,
                StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<String> message = adapter.get("/api/messages/" + provider + "/" + segment);
        assertThat(message.statusCode()).as(message.body()).isIn(200, 400, 404);
        HttpResponse<String> list = adapter.get("/api/dead-letters?limit=" + segment + "&provider=" + segment);
        assertThat(list.statusCode()).as(list.body()).isIn(200, 400);
        HttpResponse<String> replay = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/dead-letters/" + segment + "/replay")))
                .header("Authorization", "Bearer test-api-token").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(replay.statusCode()).as(replay.body()).isIn(200, 400, 404);
    }

    private static String provider(MappingSample sample) {
        // samples do not name their provider: find the mapping that holds it
        return new MappingLoader().loadDirectory(Path.of("mappings")).values().stream()
                .filter(mapping -> mapping.samples().contains(sample)).findFirst().orElseThrow().provider();
    }

    private static String replaceSomeValue(JsonNode document, String hostile, Random random) throws Exception {
        JsonNode value = parseOrText(hostile);
        List<ContainerNode<?>> containers = new ArrayList<>();
        collect(document, containers);
        ContainerNode<?> target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            object.set(names.get(random.nextInt(names.size())), value);
        } else if (target instanceof ArrayNode array && array.size() > 0) {
            array.set(random.nextInt(array.size()), value);
        } else if (target instanceof ObjectNode object) {
            object.set("x", value);
        }
        return JSON.writeValueAsString(document);
    }

    private static String removeSomeField(JsonNode document, Random random) throws Exception {
        List<ContainerNode<?>> containers = new ArrayList<>();
        collect(document, containers);
        ContainerNode<?> target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object && object.size() > 0) {
            Iterator<String> names = object.fieldNames();
            int skip = random.nextInt(object.size());
            String name = names.next();
            for (int i = 0; i < skip; i++) {
                name = names.next();
            }
            object.remove(name);
        }
        return JSON.writeValueAsString(document);
    }

    private static void collect(JsonNode node, List<ContainerNode<?>> into) {
        if (node instanceof ContainerNode<?> container) {
            into.add(container);
            for (JsonNode child : node) {
                collect(child, into);
            }
        }
    }

    private static JsonNode parseOrText(String hostile) {
        try {
            return JSON.readTree(hostile);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(hostile);
        }
    }

    /** JSON string literals. */
    static final class JsonNodeText {
        static String quoted(String text) {
            try {
                return JSON.writeValueAsString(text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
