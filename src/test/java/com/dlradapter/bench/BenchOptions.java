package com.dlradapter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's settings, from system properties (the {@code bench} profile of pom.xml passes
 * them on): see the README, Performance > Benchmark.
 *
 * @param checkout the folder whose {@code routes/} and {@code mappings/} go with the jar: the one
 *                 the jar was built in ({@code <checkout>/target/dlr-adapter.jar}), else this one
 */
record BenchOptions(List<String> databases, Duration warmUp, Duration measure, int connections,
                    boolean overload, int overloadConnections, boolean deliveries, Duration deliveryLoad,
                    Duration drainTimeout, Path jar, Path checkout, boolean jfr, Map<String, String> adapterEnv) {

    static BenchOptions fromSystemProperties() {
        Path jar = Path.of(System.getProperty("bench.jar", "target/dlr-adapter.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": run `mvn package` first, or name a jar with -Dbench.jar=");
        }
        return new BenchOptions(
                Arrays.stream(System.getProperty("bench.databases", "h2,postgresql").split(","))
                        .map(name -> name.trim().toLowerCase(Locale.ROOT)).filter(name -> !name.isEmpty()).toList(),
                duration("bench.warmup", "15s"),
                duration("bench.duration", "60s"),
                Integer.getInteger("bench.connections", 32),
                Boolean.parseBoolean(System.getProperty("bench.overload", "true")),
                Integer.getInteger("bench.overload-connections", 256),
                Boolean.parseBoolean(System.getProperty("bench.deliveries", "true")),
                duration("bench.delivery-load", "30s"),
                duration("bench.delivery-drain-timeout", "120s"),
                jar, checkoutOf(jar),
                Boolean.getBoolean("bench.jfr"),
                adapterEnv(System.getProperty("bench.adapter-env", "")));
    }

    /** The git commit of the checkout (with {@code +changes} when it has uncommitted ones), or "unknown". */
    String commit() {
        String head = git("rev-parse", "--short", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "+changes";
    }

    private String git(String... arguments) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git", "-C", checkout.toString()));
            command.addAll(List.of(arguments));
            Process git = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Path checkoutOf(Path jar) {
        Path folder = jar.getParent();
        if (folder.getFileName().toString().equals("target") && Files.isDirectory(folder.resolveSibling("routes"))) {
            return folder.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    private static Duration duration(String property, String fallback) {
        return Duration.parse("PT" + System.getProperty(property, fallback).trim().toUpperCase(Locale.ROOT));
    }

    /** {@code NAME=value,...} in environment-variable form. */
    private static Map<String, String> adapterEnv(String pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
            }
        }
        return env;
    }
}
