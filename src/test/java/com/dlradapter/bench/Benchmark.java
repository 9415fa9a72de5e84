package com.dlradapter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole-pipeline benchmark ({@code mvn -Pbench verify}; not part of the test suite). For each
 * database it starts the packaged adapter as a user runs it ({@code java -Xmx512m -jar
 * target/dlr-adapter.jar}, or the jar of {@code -Dbench.jar}), then drives it from this process over
 * 127.0.0.1 with the {@link Workload} mix, each phase a warm-up and a measured window:
 * <ol>
 *   <li>the ceiling: a bare route on the same HTTP server that only parses the JSON;</li>
 *   <li>the webhooks: receipts/s, latency, CPU per receipt of the adapter, of the database's
 *       processes and of this JVM ({@link ProcessCpu}), the adapter's CPU by thread group
 *       ({@link ThreadCpu});</li>
 *   <li>overload: the webhooks with many more connections; refusals (503) expected, every one
 *       answered at once with {@code Retry-After};</li>
 *   <li>deliveries, on a fresh adapter with one outbound webhook target ({@link DeliveryPhase}).</li>
 * </ol>
 * It prints markdown tables ({@link Report}) and never fails on a number: it exits 1 only when
 * the correctness check fails (an event answered 2xx not stored exactly once, something stored
 * that was not sent, an error answer outside the overload phase).
 *
 * <p>Settings: system properties, see {@link BenchOptions} and the README (Performance > Benchmark).
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.fromSystemProperties();
        Path work = Files.createDirectories(Path.of("target/bench"));
        AdapterLauncher launcher = new AdapterLauncher(options, work);
        System.out.printf("dlr-adapter benchmark of %s (commit %s): %s warm-up + %s measured per phase, %d connections,"
                        + " overload %s, deliveries %s, databases %s%n", options.jar(), options.commit(), options.warmUp(),
                options.measure(), options.connections(),
                options.overload() ? options.overloadConnections() + " connections" : "off",
                options.deliveries() ? options.deliveryLoad() + " load, drain at most " + options.drainTimeout() : "off",
                options.databases());
        List<DatabaseRun.Result> results = new ArrayList<>();
        for (String name : options.databases()) {
            try (BenchDatabase database = BenchDatabase.named(name, work)) {
                results.add(new DatabaseRun(launcher, options).run(database));
            }
        }
        new Report(options, results).print();
        if (results.stream().anyMatch(r -> !r.correct())) {
            System.out.println("CORRECTNESS CHECK FAILED (see the tables)");
            System.exit(1);
        }
    }
}
