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
    private final Launch launch;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    private AdapterProcess(Map<String, String> environment, Path log, Launch launch) {
        this.environment = environment;
        this.log = log;
        this.launch = launch;
    }

    /**
     * How the jar is run: which jar, from which working folder (null: the repository root) and
     * under which umask (null: this JVM's own).
     */
    public record Launch(Path jar, Path workingDirectory, String umask) {
        public static final Launch DEFAULT = new Launch(Path.of("target/dlr-adapter.jar"), null, null);

        public Launch withUmask(String umask) {
            return new Launch(jar, workingDirectory, umask);
        }

        ProcessBuilder builder() {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String jarPath = jar.toAbsolutePath().toString();
            ProcessBuilder builder = umask == null
                    ? new ProcessBuilder(java, "-Xmx512m", "-jar", jarPath)
                    : new ProcessBuilder("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" -Xmx512m -jar \"$1\"", java, jarPath);
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            return builder;
        }
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
        // a slow test machine must not turn a cold first commit into a 503
        env.put("DLR_HTTP_ANSWER_BUDGET", "30s");
        env.put("DLR_RATE_LIMIT_CLIENT_PER_SECOND", "0");
        env.put("DLR_RATE_LIMIT_PROVIDER_PER_SECOND", "0");
        env.put("DLR_RATE_LIMIT_FAILED_AUTH_PER_SECOND", "0");
        return env;
    }

    /** Starts the jar and waits until its health endpoint answers 200. */
    public static AdapterProcess start(Map<String, String> environment, Path log) throws IOException {
        return start(Launch.DEFAULT, environment, log);
    }

    /** The same with another build of the jar (the benchmark's before/after comparisons). */
    public static AdapterProcess start(Map<String, String> environment, Path log, Path jar) throws IOException {
        return start(new Launch(jar, null, null), environment, log);
    }

    public static AdapterProcess start(Launch launch, Map<String, String> environment, Path log) throws IOException {
        AdapterProcess adapter = new AdapterProcess(Map.copyOf(environment), log, launch);
        adapter.launch();
        return adapter;
    }

    /** Runs the jar until it exits by itself (a refused start), at most {@code timeout}; its exit code. */
    public static int runUntilExit(Launch launch, Map<String, String> environment, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Process process = processBuilder(launch, environment, log).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the adapter is still running after " + timeout + "; log:\n"
                    + (Files.exists(log) ? Files.readString(log) : ""));
        }
        return process.exitValue();
    }

    private static ProcessBuilder processBuilder(Launch launch, Map<String, String> environment, Path log) {
        ProcessBuilder builder = launch.builder()
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("DLR_"));
        builder.environment().putAll(environment);
        return builder;
    }

    private void launch() throws IOException {
        // readiness answers 200 a moment before the start-up summary is written: a start is complete
        // once this run's summary is in the log too (a restart appends to the same log)
        long summariesBefore = summaries();
        process = processBuilder(launch, environment, log).start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                        assertThat(process.isAlive()).as("the adapter is running; log:%n%s", log()).isTrue();
                        assertThat(get(managementUrl("/observe/health/ready")).statusCode()).isEqualTo(200);
                        assertThat(summaries()).as("start-up summaries in the log").isGreaterThan(summariesBefore);
                    });
        } catch (RuntimeException | AssertionError e) {
            // never ready: the caller gets no handle to stop it, so it is stopped here, not left running
            process.destroyForcibly();
            throw e;
        }
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

    private long summaries() throws IOException {
        return log().lines().filter(line -> line.contains("dlr-adapter is up")).count();
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
