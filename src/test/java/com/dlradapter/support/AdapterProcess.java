package com.dlradapter.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged adapter in its own JVM, as a user runs it: {@code java -jar target/dlr-adapter.jar}
 * from the repository root, configured only by environment variables. Used by the *IT tests
 * (run by failsafe after `package`).
 */
public final class AdapterProcess implements AutoCloseable {

    private final Map<String, String> environment;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    private AdapterProcess(Map<String, String> environment, Path log) {
        this.environment = environment;
        this.log = log;
    }

    /** Free ports, its own cluster name and data directory; add or override with {@code put}. */
    public static Map<String, String> defaults(Path dataDirectory) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DLR_HTTP_PORT", String.valueOf(RunningAdapter.freePort()));
        env.put("DLR_MANAGEMENT_PORT", String.valueOf(RunningAdapter.freePort()));
        env.put("DLR_CLUSTER_PORT", String.valueOf(RunningAdapter.freePort()));
        env.put("DLR_CLUSTER_NAME", "dlr-it-" + System.nanoTime());
        env.put("DLR_DATA_DIR", dataDirectory.toString());
        env.put("DLR_DB_URL", "jdbc:h2:file:" + dataDirectory.resolve("dlr") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        // Webhooks need their token (secure by default): test-<provider>-token; no rate limits.
        for (String provider : RunningAdapter.PROVIDERS) {
            env.put("DLR_PROVIDERS_" + provider.toUpperCase().replace('-', '_') + "_TOKEN", "test-" + provider + "-token");
        }
        env.put("DLR_RATE_LIMIT_CLIENT_PER_SECOND", "0");
        env.put("DLR_RATE_LIMIT_PROVIDER_PER_SECOND", "0");
        env.put("DLR_RATE_LIMIT_FAILED_AUTH_PER_SECOND", "0");
        return env;
    }

    /** Starts the jar and waits until its health endpoint answers 200. */
    public static AdapterProcess start(Map<String, String> environment, Path log) throws IOException {
        AdapterProcess adapter = new AdapterProcess(Map.copyOf(environment), log);
        adapter.launch();
        return adapter;
    }

    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", "target/dlr-adapter.jar")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("DLR_"));
        builder.environment().putAll(environment);
        process = builder.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                    assertThat(process.isAlive()).as("the adapter is running; log:%n%s", log()).isTrue();
                    assertThat(get(managementUrl("/observe/health/ready")).statusCode()).isEqualTo(200);
                });
    }

    /** Starts it again with the same environment (same database, same ports). */
    public void restart() throws IOException {
        stop();
        launch();
    }

    /** {@code kill -9}: no shutdown hook, no orderly stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and wait for the orderly stop. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** The operating system's process id of the adapter JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    public String env(String name) {
        return environment.get(name);
    }

    /** The webhook path of {@code provider} with its token as {@code ?token=}. */
    public String webhook(String provider) {
        String token = environment.get("DLR_PROVIDERS_" + provider.toUpperCase().replace('-', '_') + "_TOKEN");
        return "/webhooks/" + provider + (token == null ? "" : "?token=" + token);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + environment.get("DLR_HTTP_PORT") + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + environment.get("DLR_MANAGEMENT_PORT") + path;
    }

    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON POST to a full URL with a bearer token (the admin API). */
    public HttpResponse<String> send(String url, String bearerToken, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearerToken)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return get(url, null);
    }

    public HttpResponse<String> get(String url, String bearerToken) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
