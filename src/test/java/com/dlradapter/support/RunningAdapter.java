package com.dlradapter.support;

import com.dlradapter.config.AdapterConfiguration;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The adapter as a user runs it (camel-main, the YAML routes in routes/, the mappings in
 * mappings/, application.properties), started in the test JVM on free ports with the settings a
 * test overrides. Talks to it over real HTTP on 127.0.0.1.
 */
public final class RunningAdapter implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> settings;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Main main;

    private RunningAdapter(Map<String, String> settings, int httpPort) {
        this.settings = settings;
        this.httpPort = httpPort;
    }

    /** The API's bearer token in {@link #defaults(Path)}. */
    public static final String API_TOKEN = "test-api-token";

    /** Defaults for a test: a fresh H2 file database in {@code dataDirectory}, free ports, a fixed API token. */
    public static Map<String, String> defaults(Path dataDirectory) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("dlr.http.port", String.valueOf(freePort()));
        settings.put("dlr.cluster.port", String.valueOf(freePort()));
        settings.put("dlr.management.port", String.valueOf(freePort()));
        settings.put("dlr.cluster.name", "dlr-test-" + System.nanoTime());
        settings.put("dlr.data.dir", dataDirectory.toString());
        settings.put("dlr.db.url", "jdbc:h2:file:" + dataDirectory.resolve("dlr").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        settings.put("dlr.api.token", API_TOKEN);
        // Quartz keeps schedulers in a JVM-wide registry by the context's name: one name per adapter.
        settings.put("camel.main.name", "dlr-adapter-test-" + System.nanoTime());
        // Every provider's webhook needs its token (secure by default): test-<provider>-token.
        for (String provider : PROVIDERS) {
            settings.put("dlr.providers." + provider + ".token", "test-" + provider + "-token");
        }
        // A slow test machine must not turn a cold first commit into a 503 (AnswerBudgetTest is about that).
        settings.put("dlr.http.answer-budget", "30s");
        // Rate limits off unless a test is about them: the suite drives load from one address.
        settings.put("dlr.rate-limit.client.per-second", "0");
        settings.put("dlr.rate-limit.provider.per-second", "0");
        settings.put("dlr.rate-limit.failed-auth.per-second", "0");
        return settings;
    }

    /**
     * {@link #defaults(Path)} on the given database: the H2 file in {@code dataDirectory}, or a
     * fresh PostgreSQL schema (user and password are in its URL).
     */
    public static Map<String, String> defaults(Path dataDirectory, TestDatabases.Kind kind) {
        Map<String, String> settings = defaults(dataDirectory);
        if (kind == TestDatabases.Kind.POSTGRESQL) {
            settings.put("dlr.db.url", TestDatabases.freshPostgresSchema());
            settings.put("dlr.db.username", "");
        }
        return settings;
    }

    /**
     * Outbound deliveries (webhooks, JDBC sinks) taken up and retried quickly, for a test that waits
     * for them: the routing outbox and the deliveries polled every 100 ms, a retry after 200 ms,
     * doubling to at most 1 s. Returns {@code settings}, changed.
     */
    public static Map<String, String> fastDelivery(Map<String, String> settings) {
        settings.put("dlr.routing.poll-interval", "100");
        settings.put("dlr.delivery.poll-interval", "100");
        settings.put("dlr.delivery.initial-delay", "200ms");
        settings.put("dlr.delivery.max-delay", "1s");
        return settings;
    }

    /** The provider ids of the mappings in mappings/. */
    public static final java.util.Set<String> PROVIDERS =
            new com.dlradapter.mapping.MappingLoader().loadDirectory(Path.of("mappings")).keySet();

    /**
     * The providers whose mapping declares a {@code signature:} scheme (Twilio, Vonage): their
     * webhooks refuse an unsigned call, whatever its body, with {@code 401} once the token passed.
     */
    public static final java.util.Set<String> SIGNING_PROVIDERS =
            new com.dlradapter.mapping.MappingLoader().loadDirectory(Path.of("mappings")).values().stream()
                    .filter(mapping -> mapping.signature() != null).map(com.dlradapter.mapping.ProviderMapping::provider)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * Whether an answer is the {@code 401} of a signing provider's webhook to a call without a
     * valid signature (the token was right: its refusal names the signature, not the token). The
     * tests that post unsigned payloads to every webhook take it as a refusal like a {@code 4xx};
     * signed calls are {@code BuiltInProvidersTest}'s and {@code ProviderSignaturesTest}'s.
     */
    public static boolean refusedForItsSignature(HttpResponse<String> answer) {
        return answer.statusCode() == 401 && answer.body().contains("signature") && !answer.body().contains("token");
    }

    /** The webhook path of {@code provider} with its configured token as {@code ?token=}. */
    public String webhook(String provider) {
        String token = settings.get("dlr.providers." + provider + ".token");
        return "/webhooks/" + provider + (token == null ? "" : "?token=" + token);
    }

    public Map<String, String> settings() {
        return settings;
    }

    public static RunningAdapter start(Map<String, String> settings) {
        RunningAdapter adapter = new RunningAdapter(Map.copyOf(settings), Integer.parseInt(settings.get("dlr.http.port")));
        adapter.startMain();
        return adapter;
    }

    private void startMain() {
        main = new Main();
        main.configure().addConfiguration(AdapterConfiguration.class);
        settings.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            // a start refused half-way has already started some services (the Hazelcast member): stop them
            try {
                main.stop();
                if (main.getCamelContext() != null) {
                    main.getCamelContext().stop();
                }
            } catch (RuntimeException ignored) {
                // the start's failure is what matters
            }
            main = null;
            throw new IllegalStateException("the adapter did not start: " + e.getMessage(), e);
        }
        if (main.getCamelContext() == null || main.getCamelContext().getStatus() != ServiceStatus.Started) {
            throw new IllegalStateException("the adapter did not start");
        }
    }

    /** Stops and starts again with the same settings (same database file, same ports). */
    public void restart() {
        stop();
        startMain();
    }

    public void stop() {
        if (main != null) {
            main.stop();
            main = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** A URL on the management server (health), which is never the public port. */
    public String managementUrl(String path) {
        return "http://127.0.0.1:" + settings.get("dlr.management.port") + path;
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body, "application/json");
    }

    public HttpResponse<String> post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + API_TOKEN).GET());
    }

    /** A JSON POST to the API ({@code /api/...}) with the API token of {@link #defaults(Path)}. */
    public HttpResponse<String> postApi(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + API_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A GET on the API with its token that must answer 200; the JSON it answered. */
    public JsonNode getJson(String path) {
        HttpResponse<String> answer = get(path);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        return json(answer.body());
    }

    /** The query API's state of a message ({@code GET /api/messages/{provider}/{messageId}}), which must be there. */
    public JsonNode message(String provider, String messageId) {
        return getJson("/api/messages/" + provider + "/" + messageId);
    }

    /**
     * Asks the query API for the message until it is there and {@code until} holds of its state,
     * for at most {@code atMost}; that state.
     */
    public JsonNode awaitMessage(String provider, String messageId, Duration atMost, Predicate<JsonNode> until) {
        String path = "/api/messages/" + provider + "/" + messageId;
        return await().atMost(atMost).until(() -> {
            HttpResponse<String> answer = get(path);
            return answer.statusCode() == 200 ? json(answer.body()) : null;
        }, state -> state != null && until.test(state));
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    /** A call without a body ({@code POST} of a retry or a replay, {@code DELETE}, ...); {@code token} null: no token. */
    public HttpResponse<String> call(String method, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("HTTP request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        // Below the kernel's ephemeral range (32768-60999 by default): a port from that range can be
        // taken meanwhile as the local port of any outgoing connection (a JDBC or HTTP client),
        // and the test's server then fails to bind. One JVM hands out each port once.
        for (int tries = 0; tries < PORTS; tries++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // another process listens there: the next one
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
    }

    private static final int FIRST_PORT = 20000;
    private static final int PORTS = 12000;
    /** A random start, so that test JVMs running side by side rarely try the same ports. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(PORTS));
}
