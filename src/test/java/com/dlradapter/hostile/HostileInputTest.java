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
 * Hostile input at every endpoint, property-based: every mapping's samples mutated (JSON as
 * trees, form samples field by field, sent as POST bodies or, where the provider calls with GET,
 * as query strings), random bytes, wrong content types, huge numbers, deep nesting and unicode at
 * every webhook in both its query-token and its path-token form, at the GET callback and at the
 * admin API, registration included. Never a 5xx, never a stuck exchange; always stored,
 * dead-lettered or refused with a 4xx.
 */
class HostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PROVIDERS = List.copyOf(RunningAdapter.PROVIDERS);

    /** A mapping's sample and the provider it belongs to. */
    record Sample(String provider, MappingSample sample) {
        PayloadFormat format() {
            return PayloadFormat.detect(sample.contentType(), sample.payload());
        }

        @Override
        public String toString() {
            return provider + ": " + sample.name();
        }
    }

    static final List<Sample> SAMPLES = new MappingLoader().loadDirectory(Path.of("mappings")).values().stream()
            .flatMap(mapping -> mapping.samples().stream().map(sample -> new Sample(mapping.provider(), sample)))
            .toList();
    /** Providers whose webhook route also takes GET callbacks (methods: GET,POST). */
    static final Set<String> GET_PROVIDERS = PROVIDERS.stream().filter(HostileInputTest::callsWithGet)
            .collect(java.util.stream.Collectors.toSet());
    static final Set<String> RESULTS = Set.of("stored", "duplicate", "dead-lettered");
    static final String API_TOKEN = "Bearer test-api-token";

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
    Arbitrary<Sample> samples() {
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
        } else if (!RunningAdapter.refusedForItsSignature(answer)) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(400, 404, 405, 413, 415);
        }
    }

    @Property(tries = 200)
    void mutatedSamplesAreStoredDeadLetteredOrRefused(@ForAll("samples") Sample sample, @ForAll long seed,
                                                       @ForAll("hostileValues") String hostile) throws Exception {
        Random random = new Random(seed);
        String provider = sample.provider();
        if (sample.format() != PayloadFormat.JSON) {
            String form = mutateForm(sample.sample().payload(), hostile, random);
            if (GET_PROVIDERS.contains(provider) && random.nextBoolean()) {
                assertAcceptedOrRefused(getQuery(adapter.webhook(provider) + "&" + uriSafe(form)));
            } else {
                assertAcceptedOrRefused(adapter.post(adapter.webhook(provider), form, sample.sample().contentType()));
            }
            return;
        }
        JsonNode document = JSON.readTree(sample.sample().payload());
        String body;
        switch (random.nextInt(4)) {
            case 0 -> body = replaceSomeValue(document, hostile, random);
            case 1 -> body = removeSomeField(document, random);
            case 2 -> {
                String text = sample.sample().payload();
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
        String segment = segment(hostile);
        HttpResponse<String> message = adapter.get("/api/messages/" + provider + "/" + segment);
        assertThat(message.statusCode()).as(message.body()).isIn(200, 400, 404);
        HttpResponse<String> list = adapter.get("/api/dead-letters?limit=" + segment + "&provider=" + segment);
        assertThat(list.statusCode()).as(list.body()).isIn(200, 400);
        HttpResponse<String> replay = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/dead-letters/" + segment + "/replay")))
                .header("Authorization", "Bearer test-api-token").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(replay.statusCode()).as(replay.body()).isIn(200, 400, 404);
        for (String parameter : new String[] {"provider", "messageId", "recipient", "status", "final", "since", "until",
                "limit", "cursor"}) {
            HttpResponse<String> search = adapter.get("/api/messages?" + parameter + "=" + segment);
            assertThat(search.statusCode()).as(parameter + ": " + search.body()).isIn(200, 400);
        }
        HttpResponse<String> event = adapter.get("/api/messages/" + provider + "/" + segment + "/events/" + segment);
        assertThat(event.statusCode()).as(event.body()).isIn(200, 400, 404);
    }

    @Property(tries = 200)
    void hostileQueriesAtTheGetCallback(@ForAll("getProviders") String provider, @ForAll("hostileValues") String hostile,
                                        @ForAll byte[] bytes, @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        String field = random.nextBoolean() ? "messageId" : random.nextBoolean() ? "status" : "MessageSid";
        String query = switch (random.nextInt(4)) {
            // a known field with a hostile value
            case 0 -> "messageId=get-" + seed + "&status=delivered&" + field + "=" + segment(hostile);
            // arbitrary bytes, percent-encoded (so also invalid UTF-8), as a value and as a name
            case 1 -> "messageId=get-" + seed + "&status=" + percentEncoded(bytes);
            case 2 -> percentEncoded(bytes) + "=" + percentEncoded(bytes) + "&MessageSid=x";
            // the hostile text as it is, as much of it as a URI can carry
            default -> uriSafe(hostile);
        };
        assertAcceptedOrRefused(getQuery(adapter.webhook(provider) + "&" + query));
        assertAcceptedOrRefused(getQuery(pathTokenWebhook(provider) + "?" + query));
    }

    @Property(tries = 200)
    void hostileInputAtThePathTokenForm(@ForAll("providers") String provider, @ForAll("hostileValues") String hostile,
                                        @ForAll byte[] bytes, @ForAll("contentTypes") String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adapter.url(pathTokenWebhook(provider))))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        assertAcceptedOrRefused(adapter.send(request));
        assertAcceptedOrRefused(adapter.post(pathTokenWebhook(provider), hostile));
        assertAcceptedOrRefused(adapter.post(pathTokenWebhook(provider), "{\"messageId\": " + hostile + ", \"status\": " + hostile + "}"));
        // A hostile token or provider segment: refused, never taken.
        String segment = segment(hostile);
        HttpResponse<String> wrongToken = adapter.post("/webhooks/" + provider + "/" + segment, "{}");
        assertThat(wrongToken.statusCode()).as(wrongToken.body()).isBetween(400, 499);
        assertNoLeak(wrongToken);
        HttpResponse<String> wrongProvider = adapter.post("/webhooks/" + segment + "/test-" + provider + "-token", "{}");
        assertThat(wrongProvider.statusCode()).as(wrongProvider.body()).isBetween(400, 499);
        assertNoLeak(wrongProvider);
    }

    @Property(tries = 200)
    void hostileRegistrations(@ForAll("providers") String provider, @ForAll("hostileValues") String hostile,
                              @ForAll long seed, @ForAll byte[] bytes, @ForAll("contentTypes") String contentType)
            throws Exception {
        Random random = new Random(seed);
        ObjectNode registration = JSON.createObjectNode().put("provider", provider).put("messageId", "reg-" + seed)
                .put("batchId", "batch-" + seed).put("clientRef", "order-" + seed).put("recipient", "+233202007745")
                .put("sentAt", "2026-06-09T13:00:00Z");
        String body = switch (random.nextInt(5)) {
            case 0 -> replaceSomeValue(registration, hostile, random);
            case 1 -> removeSomeField(registration, random);
            case 2 -> JSON.writeValueAsString(registration.set("extra", parseOrText(hostile)));
            case 3 -> JSON.writeValueAsString(registration).substring(0, random.nextInt(60));
            default -> hostile;
        };
        for (HttpResponse<String> answer : List.of(
                register(body.getBytes(StandardCharsets.UTF_8), "application/json"),
                register(bytes, contentType))) {
            assertThat(answer.statusCode()).as(answer.body()).isIn(200, 201, 400, 404, 413, 415);
            assertNoLeak(answer);
            if (answer.statusCode() < 300) {
                assertThat(JSON.readTree(answer.body()).get("tracked").asBoolean()).isTrue();
            }
        }
    }

    @Provide
    Arbitrary<String> getProviders() {
        return Arbitraries.of(List.copyOf(GET_PROVIDERS));
    }

    static HttpResponse<String> register(byte[] body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adapter.url("/api/messages")))
                .header("Authorization", API_TOKEN).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        return adapter.send(request);
    }

    static HttpResponse<String> getQuery(String pathAndQuery) {
        return adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(pathAndQuery))).GET());
    }

    static String pathTokenWebhook(String provider) {
        return "/webhooks/" + provider + "/test-" + provider + "-token";
    }

    static void assertNoLeak(HttpResponse<String> answer) {
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at com.").doesNotContain("at org.")
                .doesNotContain("-token");
    }

    static boolean callsWithGet(String provider) {
        try {
            return Files.readString(Path.of("routes", provider + ".yaml")).matches("(?s).*name: methods\\s+value: [A-Z,]*GET.*");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A URL path segment (or query value) of the hostile text, percent-encoded, at most about 1500
     * characters: two of them still fit Vert.x's 4 KiB request line. (A longer line is refused by
     * the transport, over HTTP/2 with a GOAWAY, before any route: not what these properties test.)
     */
    static String segment(String hostile) {
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < hostile.length() && encoded.length() < 1500; ) {
            int c = hostile.codePointAt(i);
            encoded.append(URLEncoder.encode(new String(Character.toChars(c)), StandardCharsets.UTF_8).replace("+", "%20"));
            i += Character.charCount(c);
        }
        return encoded.toString();
    }

    static String percentEncoded(byte[] bytes) {
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 300); i++) {
            encoded.append('%').append(String.format("%02X", bytes[i] & 0xff));
        }
        return encoded.toString();
    }

    /**
     * The text as a URI query: characters a query may hold stay as they are (so stray '&amp;', '='
     * and '+' still split and confuse), a '%' not starting an escape and everything else is
     * percent-encoded; at most about 2000 characters (see {@link #segment(String)}).
     */
    static String uriSafe(String text) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < text.length() && safe.length() < 2000; ) {
            int c = text.codePointAt(i);
            if (c == '%' && isHex(text, i + 1) && isHex(text, i + 2)) {
                safe.append(text, i, i + 3);   // an escape, whole (the cut must not end inside one)
                i += 3;
                continue;
            }
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0)) {
                safe.append((char) c);
            } else {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    safe.append('%').append(String.format("%02X", b & 0xff));
                }
            }
            i += Character.charCount(c);
        }
        return safe.toString();
    }

    private static boolean isHex(String text, int index) {
        return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
    }

    /** A form payload mutated field by field: a value made hostile, a field dropped or doubled, a cut, broken escapes. */
    static String mutateForm(String form, String hostile, Random random) {
        List<String[]> fields = new ArrayList<>();
        for (String pair : form.split("&")) {
            fields.add(pair.split("=", 2));
        }
        String encodedHostile = random.nextBoolean() ? URLEncoder.encode(hostile, StandardCharsets.UTF_8) : hostile;
        int at = random.nextInt(fields.size());
        switch (random.nextInt(6)) {
            case 0 -> fields.set(at, new String[]{fields.get(at)[0], encodedHostile});
            case 1 -> fields.remove(at);
            case 2 -> fields.add(new String[]{fields.get(at)[0], encodedHostile});
            case 3 -> {
                return form.substring(0, random.nextInt(Math.max(1, form.length())));
            }
            case 4 -> fields.set(at, new String[]{fields.get(at)[0], random.nextBoolean() ? "%" : random.nextBoolean() ? "%zz" : "%C3%28%FF%00"});
            default -> fields.add(random.nextInt(fields.size() + 1), new String[]{encodedHostile});
        }
        StringBuilder mutated = new StringBuilder();
        for (String[] field : fields) {
            if (mutated.length() > 0) {
                mutated.append('&');
            }
            mutated.append(String.join("=", field));
        }
        return mutated.toString();
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
