package com.dlradapter.bench;

import com.dlradapter.support.AdapterProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts the benchmarked jar as a user runs it ({@code java -Xmx512m -jar ...}), configured only by
 * environment variables: its own ports and data folder, the given database, one token for every
 * provider, rate limits off, the routes of the jar's checkout plus the bare ceiling route, and the
 * experiment's {@code bench.adapter-env}.
 */
final class AdapterLauncher {

    static final String TOKEN = "bench-token";

    private final BenchOptions options;
    private final Path work;
    private final Path routes;

    AdapterLauncher(BenchOptions options, Path work) throws IOException {
        this.options = options;
        this.work = work;
        this.routes = ceilingRoutes(work, options.checkout().resolve("routes"));
    }

    /** {@code run} names the log (and JFR) file; {@code extra} adds settings (an outbound target). */
    AdapterProcess start(String run, String url, String durability, Map<String, String> extra) throws IOException {
        Path data = Files.createDirectories(work.resolve("data-" + run + "-" + System.currentTimeMillis()));
        Map<String, String> env = AdapterProcess.defaults(data);
        env.remove("DLR_HTTP_ANSWER_BUDGET");   // the tests' generous budget: benchmark the default
        env.put("DLR_DB_URL", url);
        env.put("DLR_ROUTES_DIR", routes.toString());
        env.put("DLR_MAPPINGS_DIR", options.checkout().resolve("mappings").toString());
        env.put("DLR_API_TOKEN", TOKEN);
        for (String provider : Workload.PROVIDERS) {
            env.put("DLR_PROVIDERS_" + provider.toUpperCase(Locale.ROOT) + "_TOKEN", TOKEN);
        }
        env.putAll(extra);
        env.putAll(options.adapterEnv());
        if (options.jfr()) {
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename="
                    + work.resolve("adapter-" + run + ".jfr").toAbsolutePath() + ",settings=profile");
        }
        Path log = work.resolve("adapter-" + run + ".log");
        Files.deleteIfExists(log);
        System.out.printf("%n[%s] starting %s (%s); log: %s%n", run, options.jar(), durability, log);
        return AdapterProcess.start(env, log, options.jar());
    }

    static int port(AdapterProcess adapter) {
        return Integer.parseInt(adapter.env("DLR_HTTP_PORT"));
    }

    /** The checkout's routes plus the bare ceiling route, in a folder of the benchmark's own. */
    private static Path ceilingRoutes(Path work, Path checkoutRoutes) throws IOException {
        Path routes = work.resolve("routes");
        if (Files.exists(routes)) {
            try (Stream<Path> old = Files.list(routes)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(routes);
        try (Stream<Path> files = Files.list(checkoutRoutes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.copy(Path.of("src/test/resources/bench/ceiling.yaml"), routes.resolve("bench-ceiling.yaml"));
        return routes.toAbsolutePath();
    }
}
