package com.dlradapter.it;

import com.dlradapter.support.AdapterProcess;
import com.dlradapter.support.AdapterProcess.Launch;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged adapter as an operator meets it: the jar copied alone to another folder runs (on H2
 * and PostgreSQL, from a plain H2 URL as H2's docs write it); a port already in use or a lost
 * database stops the start with a message that says which setting; the data folder is private
 * under any umask; and the start-up log is one screen that tells what runs where.
 */
class OperationsIT {

    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path work;

    private Path data() throws Exception {
        return Files.createDirectories(work.resolve("data"));
    }

    @Test
    void theJarCopiedAloneToAnotherFolderRunsOnH2AndPostgresql() throws Exception {
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Path jar = Files.copy(Path.of("target/dlr-adapter.jar"), elsewhere.resolve("dlr-adapter.jar"));
        Launch alone = new Launch(jar, elsewhere, null);
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            Path data = Files.createDirectories(work.resolve("data-" + kind));
            Map<String, String> env = AdapterProcess.defaults(data);
            env.put("DLR_ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
            env.put("DLR_MAPPINGS_DIR", Path.of("mappings").toAbsolutePath().toString());
            env.put("DLR_API_TOKEN", "ops-token");
            // H2 as its documentation writes a file URL, none of the settings the SQL needs
            env.put("DLR_DB_URL", kind == TestDatabases.Kind.H2
                    ? "jdbc:h2:file:" + data.resolve("db").toAbsolutePath() : TestDatabases.freshPostgresSchema());
            try (AdapterProcess adapter = AdapterProcess.start(alone, env, work.resolve("alone-" + kind + ".log"))) {
                HttpResponse<String> stored = adapter.post(adapter.webhook("zeckta"),
                        Payloads.zeckta("alone-" + kind, "MESSAGE_DELIVERED", "DELIVERED", "alone-message"));
                assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
                assertThat(stored.body()).contains("\"stored\"");
                HttpResponse<String> state = adapter.get(adapter.url("/api/messages/zeckta/alone-message"), "ops-token");
                assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
                assertThat(state.body()).contains("\"status\":\"DELIVERED\"");
                assertThat(adapter.log()).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
            }
        }
        // without its routes/ and mappings/ folders the start says where it looked and what to set
        Map<String, String> env = AdapterProcess.defaults(data());
        Path log = work.resolve("no-routes.log");
        assertThat(AdapterProcess.runUntilExit(alone, env, log, REFUSED_WITHIN)).isEqualTo(1);
        assertThat(Files.readString(log)).contains("no such file or folder: routes").contains("DLR_ROUTES_DIR");
    }

    @Test
    void aSecondAdapterOnAPortInUseStopsNamingTheSetting() throws Exception {
        Map<String, String> first = AdapterProcess.defaults(data());
        try (AdapterProcess running = AdapterProcess.start(first, work.resolve("first.log"))) {
            for (String setting : List.of("DLR_MANAGEMENT_PORT", "DLR_HTTP_PORT")) {
                Map<String, String> second = AdapterProcess.defaults(Files.createDirectories(work.resolve("second-" + setting)));
                second.put(setting, running.env(setting));
                Path log = work.resolve("second-" + setting + ".log");
                assertThat(AdapterProcess.runUntilExit(Launch.DEFAULT, second, log, REFUSED_WITHIN)).as(setting).isEqualTo(1);
                String name = setting.toLowerCase().replace('_', '.');
                assertThat(Files.readString(log)).contains(name + ": port " + running.env(setting)).contains("is already in use");
            }
            assertThat(running.isAlive()).isTrue();
        }
    }

    @Test
    void aLostDatabaseStopsTheNextStart() throws Exception {
        Path data = data();
        Map<String, String> env = AdapterProcess.defaults(data);
        try (AdapterProcess adapter = AdapterProcess.start(env, work.resolve("lost-1.log"))) {
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("lost-1", "MESSAGE_DELIVERED", "DELIVERED", "lost-1"))
                    .statusCode()).isEqualTo(200);
        }
        Files.delete(data.resolve("dlr.mv.db"));
        Path log = work.resolve("lost-2.log");
        assertThat(AdapterProcess.runUntilExit(Launch.DEFAULT, env, log, REFUSED_WITHIN)).isEqualTo(1);
        assertThat(Files.readString(log)).contains("dlr.db.url: the H2 database file " + data.resolve("dlr.mv.db").toAbsolutePath())
                .contains("lost or moved");
        assertThat(data.resolve("dlr.mv.db")).doesNotExist();
    }

    @Test
    void underUmask000TheDataFolderAndEveryFileInItAreOwnerOnly() throws Exception {
        Path data = data();
        Map<String, String> env = AdapterProcess.defaults(data);
        env.remove("DLR_PROVIDERS_ZECKTA_TOKEN");   // generated into data/provider-tokens/zeckta
        try (AdapterProcess adapter = AdapterProcess.start(Launch.DEFAULT.withUmask("000"), env, work.resolve("umask.log"))) {
            String token = Files.readString(data.resolve("provider-tokens").resolve("zeckta")).trim();
            assertThat(adapter.post("/webhooks/zeckta?token=" + token, Payloads.zeckta("u-1", "MESSAGE_DELIVERED", "DELIVERED", "u-1"))
                    .statusCode()).isEqualTo(200);
            assertThat(data.resolve("api-token")).exists();
            try (var entries = Files.walk(data)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry))).as(entry.toString())
                            .isEqualTo(Files.isDirectory(entry) ? "rwx------" : "rw-------");
                }
            }
        }
    }

    @Test
    void theSummaryNamesTheAddressThePublicServerIsBoundTo() throws Exception {
        Map<String, String> env = AdapterProcess.defaults(data());
        env.put("DLR_HTTP_HOST", "127.0.0.1");
        try (AdapterProcess adapter = AdapterProcess.start(env, work.resolve("bound.log"))) {
            String summary = adapter.log().substring(adapter.log().indexOf("dlr-adapter is up"));
            String publicLine = summary.lines().filter(line -> line.contains("webhooks, admin API")).findFirst().orElseThrow();
            assertThat(publicLine).contains("http://127.0.0.1:" + env.get("DLR_HTTP_PORT") + "/webhooks/<provider>, /api/**")
                    .doesNotContain("0.0.0.0").doesNotContain("all interfaces");
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("bound-1", "MESSAGE_DELIVERED", "DELIVERED",
                    "bound-1")).statusCode()).as("served where the summary says").isEqualTo(200);
        }
    }

    @Test
    void theStartUpLogIsOneScreenThatTellsWhatRunsWhere() throws Exception {
        Map<String, String> env = AdapterProcess.defaults(data());
        env.put("DLR_PROVIDERS_ZECKTA_BASE_URL", "http://127.0.0.1:" + RunningAdapter.freePort());
        env.put("DLR_PROVIDERS_ZECKTA_API_KEY", "key");
        try (AdapterProcess adapter = AdapterProcess.start(env, work.resolve("start.log"))) {
            String log = adapter.log();
            String start = log.substring(0, log.indexOf("dlr-adapter is up"));
            String summary = log.substring(log.indexOf("dlr-adapter is up"));
            List<String> lines = (start + summary).lines().toList();
            System.out.println("OperationsIT: the start-up log has " + lines.size() + " lines:\n" + log);
            assertThat(lines.size()).as("start-up log lines").isLessThanOrEqualTo(30);
            String management = "http://127.0.0.1:" + env.get("DLR_MANAGEMENT_PORT") + "/observe/health";
            assertThat(summary).contains(management)
                    .contains("http://0.0.0.0:" + env.get("DLR_HTTP_PORT") + "/webhooks/<provider>")
                    .contains("zeckta: webhook /webhooks/zeckta, polled")
                    .contains("cecula: webhook /webhooks/cecula, not polled (no dlr.providers.cecula.base-url)");
            assertThat(log).doesNotContain("0.0.0.0:" + env.get("DLR_MANAGEMENT_PORT"))
                    .doesNotContain("Started poll-cecula")
                    .doesNotContain("CP Subsystem")
                    .doesNotContain("Polling of cecula is off");
        }
    }
}
