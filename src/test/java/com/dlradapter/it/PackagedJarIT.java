package com.dlradapter.it;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged adapter exactly as a user runs it: {@code java -jar target/dlr-adapter.jar} from
 * the repository root, configured only by environment variables (Camel's rule: DLR_HTTP_PORT is
 * dlr.http.port, DLR_MAX_BODY_BYTES is dlr.max-body-bytes).
 */
class PackagedJarIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;

    @TempDir
    Path data;

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the adapter stops on SIGTERM").isTrue();
        }
    }

    @Test
    void theJarRunsOnItsEmbeddedDefaultsConfiguredByEnvironment() throws Exception {
        int httpPort = RunningAdapter.freePort();
        int managementPort = RunningAdapter.freePort();
        Path log = data.resolve("adapter.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/dlr-adapter.jar")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("DLR_"));
        env.put("DLR_HTTP_PORT", String.valueOf(httpPort));
        env.put("DLR_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("DLR_CLUSTER_PORT", String.valueOf(RunningAdapter.freePort()));
        env.put("DLR_CLUSTER_NAME", "dlr-it-" + System.nanoTime());
        env.put("DLR_DATA_DIR", data.toString());
        env.put("DLR_DB_URL", "jdbc:h2:file:" + data.resolve("dlr") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        env.put("DLR_MAX_BODY_BYTES", "2000");
        process = builder.start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
            assertThat(process.isAlive()).as("the adapter is running; log:%n%s", read(log)).isTrue();
            assertThat(status(get("http://127.0.0.1:" + managementPort + "/observe/health", null))).isEqualTo(200);
        });

        // No dlr.api.token: one was generated, owner-only, and printed once.
        Path tokenFile = data.resolve("api-token");
        assertThat(tokenFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String token = Files.readString(tokenFile).trim();
        assertThat(read(log)).contains(token);

        String zeckta = """
                {"eventId": "jar-1", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57.487133482Z",
                 "message": {"uuid": "jar-message", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}""";
        // No provider token either: each provider got one, owner-only, printed once.
        Path zecktaTokenFile = data.resolve("provider-tokens").resolve("zeckta");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(zecktaTokenFile))).isEqualTo("rw-------");
        String zecktaToken = Files.readString(zecktaTokenFile).trim();
        assertThat(read(log)).contains(zecktaToken);
        assertThat(post("http://127.0.0.1:" + httpPort + "/webhooks/zeckta", zeckta).statusCode())
                .as("secure by default").isEqualTo(401);
        HttpResponse<String> stored = post("http://127.0.0.1:" + httpPort + "/webhooks/zeckta?token=" + zecktaToken, zeckta);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        assertThat(post("http://127.0.0.1:" + httpPort + "/webhooks/zeckta/" + zecktaToken, "{\"x\":\"" + "y".repeat(3000) + "\"}")
                .statusCode()).as("DLR_MAX_BODY_BYTES applies").isEqualTo(413);
        HttpResponse<String> state = get("http://127.0.0.1:" + httpPort + "/api/messages/zeckta/jar-message", token);
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).contains("\"status\":\"DELIVERED\"");
        assertThat(status(get("http://127.0.0.1:" + httpPort + "/observe/health", null)))
                .as("management endpoints are not on the public port").isEqualTo(404);
    }

    private HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(HttpResponse<String> response) {
        return response.statusCode();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
