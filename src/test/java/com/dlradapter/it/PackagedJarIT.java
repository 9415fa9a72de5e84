package com.dlradapter.it;

import com.dlradapter.support.AdapterProcess;
import com.dlradapter.support.Payloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged adapter exactly as a user runs it: {@code java -jar target/dlr-adapter.jar} from
 * the repository root, configured only by environment variables (Camel's rule: DLR_HTTP_PORT is
 * dlr.http.port, DLR_MAX_BODY_BYTES is dlr.max-body-bytes).
 */
class PackagedJarIT {

    @TempDir
    Path data;

    @Test
    void theJarRunsOnItsEmbeddedDefaultsConfiguredByEnvironment() throws Exception {
        Map<String, String> env = AdapterProcess.defaults(data);
        env.put("DLR_MAX_BODY_BYTES", "2000");
        env.put("DLR_PROVIDERS_ZECKTA_TOKEN", "jar-token");
        try (AdapterProcess adapter = AdapterProcess.start(env, data.resolve("adapter.log"))) {
            // No dlr.api.token: one was generated, owner-only, and printed once.
            Path tokenFile = data.resolve("api-token");
            assertThat(tokenFile).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String token = Files.readString(tokenFile).trim();
            assertThat(adapter.log()).contains(token);

            HttpResponse<String> stored = adapter.post("/webhooks/zeckta?token=jar-token",
                    Payloads.zeckta("jar-1", "MESSAGE_DELIVERED", "DELIVERED", "jar-message"));
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            assertThat(adapter.post("/webhooks/zeckta?token=jar-token", "{\"x\":\"" + "y".repeat(3000) + "\"}").statusCode())
                    .as("DLR_MAX_BODY_BYTES applies").isEqualTo(413);
            HttpResponse<String> state = adapter.get(adapter.url("/api/messages/zeckta/jar-message"), token);
            assertThat(state.statusCode()).isEqualTo(200);
            assertThat(state.body()).contains("\"status\":\"DELIVERED\"");
            assertThat(adapter.get(adapter.url("/observe/health")).statusCode())
                    .as("management endpoints are not on the public port").isEqualTo(404);
        }
    }
}
