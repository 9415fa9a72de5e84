package com.dlradapter.security;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The data folder is owner-only and every file in it too, whatever the umask (this JVM's is
 * usually 022, which leaves H2's files world-readable), including files created while the adapter
 * runs; a token file someone else could have written is refused at start.
 */
class PrivateFilesTest {

    @TempDir
    Path data;
    @TempDir
    Path secrets;

    @Test
    void theDataFolderIsOwnerOnlyAndEveryFileInItToo() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.remove("dlr.api.token");                      // generated into data/api-token
        settings.remove("dlr.providers.zeckta.token");         // generated into data/provider-tokens/zeckta
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            String token = Files.readString(data.resolve("provider-tokens").resolve("zeckta")).trim();
            assertThat(adapter.post("/webhooks/zeckta?token=" + token,
                    Payloads.zeckta("private-1", "MESSAGE_DELIVERED", "DELIVERED", "private-1")).statusCode()).isEqualTo(200);
            assertPrivate(data);
            assertThat(permissions(data.resolve("dlr.mv.db"))).isEqualTo("rw-------");

            // files and folders that appear while it runs (H2's trace and temporary files) are made private too
            Path later = Files.createFile(data.resolve("dlr.trace.db"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
            Path folder = Files.createDirectory(data.resolve("later"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(permissions(later)).isEqualTo("rw-------");
                assertThat(permissions(folder)).isEqualTo("rwx------");
            });
            Path inside = Files.createFile(folder.resolve("x"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(permissions(inside)).isEqualTo("rw-------"));
        }
    }

    /** The adapter's user, as the token check sees it, is the owner of what this process creates. */
    @Test
    void theProcessUserIsTheOwnerOfTheFilesItCreates() throws Exception {
        Path mine = Files.writeString(secrets.resolve("mine"), "x");
        assertThat(SecretFiles.processUser(mine)).isEqualTo(Files.getOwner(mine));
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-------"));
        SecretFiles.requireTrusted(mine, "a test secret");
    }

    @Test
    void aTokenFileOthersCouldWriteIsRefusedAtStart() throws Exception {
        Path token = secrets.resolve("zeckta-token");
        Files.writeString(token, "from-a-file\n");
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.remove("dlr.providers.zeckta.token");
        settings.put("dlr.providers.zeckta.token-file", token.toString());
        for (String loose : new String[] {"rw-rw-rw-", "rw--w----", "rw-----w-"}) {
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString(loose));
            assertThatThrownBy(() -> RunningAdapter.start(settings)).as(loose)
                    .hasStackTraceContaining("dlr.providers.zeckta.token-file: " + token)
                    .hasStackTraceContaining("is writable by its group or by others (" + loose + ")");
        }
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            assertThat(adapter.post("/webhooks/zeckta?token=from-a-file",
                    Payloads.zeckta("file-1", "MESSAGE_DELIVERED", "DELIVERED", "file-1")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTokenFileOfAnotherUserIsRefusedAtStart() throws Exception {
        Path token = secrets.resolve("zeckta-token");
        Files.writeString(token, "someone-elses\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        // "nobody" (65534): needs root, as the suite runs here; the adapter's own user is root then
        Files.setAttribute(token, "unix:uid", 65534);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.remove("dlr.providers.zeckta.token");
        settings.put("dlr.providers.zeckta.token-file", token.toString());
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasStackTraceContaining("dlr.providers.zeckta.token-file: " + token + " belongs to the user")
                .hasStackTraceContaining("not to the adapter's user");
    }

    @Test
    void aGeneratedTokenFileMadeWritableByOthersIsRefusedAtTheNextStart() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.remove("dlr.api.token");
        settings.remove("dlr.providers.zeckta.token");
        try (RunningAdapter ignored = RunningAdapter.start(settings)) {
            assertThat(data.resolve("provider-tokens").resolve("zeckta")).exists();
        }
        Path providerToken = data.resolve("provider-tokens").resolve("zeckta");
        Files.setPosixFilePermissions(providerToken, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasStackTraceContaining("webhook token of provider 'zeckta': " + providerToken + " is writable");
        Files.setPosixFilePermissions(providerToken, PosixFilePermissions.fromString("rw-------"));
        Path apiToken = data.resolve("api-token");
        Files.setPosixFilePermissions(apiToken, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasStackTraceContaining("admin API token: " + apiToken + " is writable");
    }

    /** The folder and everything in it: folders rwx------, files rw-------. */
    static void assertPrivate(Path folder) throws Exception {
        try (var entries = Files.walk(folder)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                assertThat(permissions(entry)).as(entry.toString())
                        .isEqualTo(Files.isDirectory(entry) ? "rwx------" : "rw-------");
            }
        }
    }

    static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
