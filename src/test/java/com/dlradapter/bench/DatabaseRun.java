package com.dlradapter.bench;

import com.dlradapter.support.AdapterProcess;

import java.io.IOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark on one database: one adapter for the ceiling, the webhooks and the overload
 * phases, then the correctness check of what it stored; then the delivery phase on a fresh
 * adapter and database.
 */
final class DatabaseRun {

    /**
     * @param overload null when skipped ({@code -Dbench.overload=false})
     * @param deliveries null when skipped ({@code -Dbench.deliveries=false})
     */
    record Result(String database, String durability, Phase ceiling, Phase webhooks, Phase overload,
                  long peakHeap, long peakRss, long overloadPeakRss, long repeats, ReceiptCheck check,
                  String groupCommits, DeliveryPhase.Result deliveries) {

        boolean correct() {
            return check.correct()
                    // every answer of the webhook phase 2xx or a refusal (503, nothing acknowledged: it
                    // shows in the errors column, a target, not a loss), warm-up included; no request failed
                    && webhooks.load().runFailures() == 0
                    && webhooks.load().runAnswersOtherThan(LoadGenerator.OK.or(status -> status == 503)) == 0
                    // under overload a 503 is expected; timeouts and a missing Retry-After are reported, not failed
                    && (overload == null || overload.load().runAnswersOtherThan(LoadGenerator.OK.or(status -> status == 503)) == 0)
                    && (deliveries == null || deliveries.correct());
        }
    }

    private final AdapterLauncher launcher;
    private final BenchOptions options;

    DatabaseRun(AdapterLauncher launcher, BenchOptions options) {
        this.launcher = launcher;
        this.options = options;
    }

    Result run(BenchDatabase database) throws Exception {
        String name = database.name();
        String url = database.freshUrl();
        String durability = database.durability();
        Phase ceiling;
        Phase webhooks;
        Phase overload = null;
        MemorySampler memory;
        MemorySampler overloadMemory = null;
        String groupCommits;
        Workload workload = Workload.remembering(42);
        try (AdapterProcess adapter = launcher.start(name, url, durability, Map.of())) {
            LoadGenerator webhookLoad = new LoadGenerator(AdapterLauncher.port(adapter), options.connections());

            System.out.printf("[%s] ceiling: bare JSON route, %d connections%n", name, options.connections());
            Workload ceilingWorkload = Workload.forgetting(7);
            ceiling = phase(adapter, database, false, webhookLoad, connection -> ceilingWorkload.nextCeiling());
            System.out.printf("[%s] ceiling: %.0f req/s%n", name, ceiling.load().perSecond());

            System.out.printf("[%s] webhooks: POST /webhooks/{provider}, %d connections%n", name, options.connections());
            memory = new MemorySampler(adapter);
            memory.start();
            webhooks = phase(adapter, database, true, webhookLoad, connection -> workload.nextWebhook());
            memory.stop();
            groupCommits = groupCommits(adapter);
            System.out.printf("[%s] webhooks: %.0f receipts/s; %s%n", name, webhooks.load().okPerSecond(), groupCommits);

            if (options.overload()) {
                System.out.printf("[%s] overload: POST /webhooks/{provider}, %d connections%n", name,
                        options.overloadConnections());
                overloadMemory = new MemorySampler(adapter);
                overloadMemory.start();
                overload = phase(adapter, database, false,
                        new LoadGenerator(AdapterLauncher.port(adapter), options.overloadConnections()),
                        connection -> workload.nextWebhook());
                overloadMemory.stop();
                System.out.printf("[%s] overload: %.0f answers/s, %.0f receipts/s, %s%n", name,
                        overload.load().perSecond(), overload.load().okPerSecond(), overload.load().statuses());
            }
            adapter.stop();
        }
        BitSet accepted = (BitSet) webhooks.load().accepted().clone();
        if (overload != null) {
            accepted.or(overload.load().accepted());
        }
        ReceiptCheck check = ReceiptCheck.of(url, workload, accepted);
        System.out.printf("[%s] acknowledged / stored / distinct sent: %s%n", name, check.summary());

        DeliveryPhase.Result deliveries = options.deliveries() ? new DeliveryPhase(launcher, options).run(database) : null;
        return new Result(name, durability, ceiling, webhooks, overload, memory.peakHeap(), memory.peakRss(),
                overloadMemory == null ? 0 : overloadMemory.peakRss(), workload.repeats(), check, groupCommits,
                deliveries);
    }

    private Phase phase(AdapterProcess adapter, BenchDatabase database, boolean threads, LoadGenerator load,
                        java.util.function.Function<Integer, LoadGenerator.RequestSpec> requests) throws Exception {
        CpuWindow cpu = new CpuWindow(adapter.pid(), database.cpu(), threads);
        LoadGenerator.Result result = load.run(requests, options.warmUp(), options.measure(), cpu);
        return new Phase(result, cpu.usage());
    }

    /** Mean receipts per group commit and mean time of one, from the adapter's own metrics. */
    private static String groupCommits(AdapterProcess adapter) throws IOException, InterruptedException {
        Map<String, Double> values = new HashMap<>();
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
}
