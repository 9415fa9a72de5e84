package com.dlradapter.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark's results as markdown tables, ready for docs/performance.md: the summary (one row
 * per database), CPU per phase and process, the adapter's CPU by thread group, the overload
 * phase and the delivery phase.
 */
final class Report {

    private final BenchOptions options;
    private final List<DatabaseRun.Result> results;

    Report(BenchOptions options, List<DatabaseRun.Result> results) {
        this.options = options;
        this.results = results;
    }

    void print() {
        System.out.println();
        System.out.printf("Run of %s, commit `%s` (%s), %s warm-up + %s measured per phase, %d connections"
                        + " (overload %s), machine: %d cores, %s %s, Java %s%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), options.commit(), options.jar(),
                seconds(options.warmUp().toSeconds()), seconds(options.measure().toSeconds()), options.connections(),
                options.overload() ? options.overloadConnections() + " connections" : "skipped",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"));
        if (!options.adapterEnv().isEmpty()) {
            System.out.println("adapter settings: " + options.adapterEnv());
        }
        summary();
        cpu();
        threads();
        if (options.overload()) {
            overload();
        }
        if (options.deliveries()) {
            deliveries();
        }
        System.out.println();
        for (DatabaseRun.Result r : results) {
            System.out.printf(Locale.ROOT, "%s: %s; ceiling p50 %.1f ms, p99 %.1f ms; %s%n", r.database(), r.durability(),
                    r.ceiling().load().percentileMillis(50), r.ceiling().load().percentileMillis(99), r.groupCommits());
        }
    }

    private void summary() {
        System.out.println();
        System.out.println("| database | receipts/s | p50 ms | p99 ms | max ms | errors | adapter CPU ms/receipt"
                + " | database CPU ms/receipt | ceiling req/s | ceiling adapter CPU ms/request | CPU ratio | rate ratio"
                + " | peak heap MiB | peak RSS MiB | acknowledged / stored / distinct sent (repeats) | correct |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (DatabaseRun.Result r : results) {
            DatabaseRun.Phase webhooks = r.webhooks();
            DatabaseRun.Phase ceiling = r.ceiling();
            double adapter = webhooks.perAnswer(webhooks.cpu().adapterMillis());
            double ceilingAdapter = ceiling.perAnswer(ceiling.cpu().adapterMillis());
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %d | %.3f | %s | %.0f | %.3f | %.1f | %.1f%% | %d | %d | %s (%d) | %s |%n",
                    r.database(), webhooks.load().okPerSecond(), webhooks.load().percentileMillis(50),
                    webhooks.load().percentileMillis(99), webhooks.load().percentileMillis(100), webhooks.load().errors(),
                    adapter, databaseMillis(webhooks, webhooks.cpu().databaseMillis()), ceiling.load().perSecond(),
                    ceilingAdapter, adapter / ceilingAdapter,
                    100.0 * webhooks.load().okPerSecond() / ceiling.load().perSecond(),
                    r.peakHeap() >> 20, r.peakRss() >> 20, r.check().summary(), r.repeats(), r.correct() ? "yes" : "NO");
        }
    }

    private void cpu() {
        System.out.println();
        System.out.println("| database | phase | per | adapter ms | database ms | load generator ms | adapter cores"
                + " | database cores | load generator cores | wall s |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (DatabaseRun.Result r : results) {
            cpuRow(r.database(), "ceiling", "request", r.ceiling());
            cpuRow(r.database(), "webhooks", "receipt", r.webhooks());
            if (r.overload() != null) {
                cpuRow(r.database(), "overload", "receipt", r.overload());
            }
        }
    }

    private void cpuRow(String database, String phase, String per, DatabaseRun.Phase p) {
        CpuWindow.Usage cpu = p.cpu();
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.3f | %s | %.3f | %.2f | %s | %.2f | %.1f |%n", database, phase, per,
                p.perAnswer(cpu.adapterMillis()), databaseMillis(p, cpu.databaseMillis()),
                p.perAnswer(cpu.loadGeneratorMillis()), cpu.utilisation(cpu.adapterMillis()),
                cpu.databaseInAdapter() ? "in the adapter" : String.format(Locale.ROOT, "%.2f", cpu.utilisation(cpu.databaseMillis())),
                cpu.utilisation(cpu.loadGeneratorMillis()), cpu.wallSeconds());
    }

    /** Shares of the adapter's CPU by thread group, applied to its CPU per receipt in the window. */
    private void threads() {
        List<DatabaseRun.Result> split = results.stream().filter(r -> r.webhooks().cpu().adapterThreads() != null).toList();
        if (split.isEmpty()) {
            return;
        }
        System.out.println();
        StringBuilder header = new StringBuilder("| adapter threads (webhooks phase) |");
        StringBuilder rule = new StringBuilder("|---|");
        for (DatabaseRun.Result r : split) {
            header.append(' ').append(r.database()).append(" ms/receipt | ").append(r.database()).append(" share |");
            rule.append("---:|---:|");
        }
        System.out.println(header);
        System.out.println(rule);
        List<String> groups = new ArrayList<>(ThreadCpu.GROUPS);
        groups.add(ThreadCpu.ENDED);
        for (String group : groups) {
            StringBuilder row = new StringBuilder("| " + group + " |");
            for (DatabaseRun.Result r : split) {
                double share = r.webhooks().cpu().adapterThreads().share(group);
                row.append(String.format(Locale.ROOT, " %.3f | %.1f%% |", share * adapterPerReceipt(r), 100 * share));
            }
            System.out.println(row);
        }
        StringBuilder total = new StringBuilder("| whole adapter process |");
        for (DatabaseRun.Result r : split) {
            total.append(String.format(Locale.ROOT, " %.3f | 100%% |", adapterPerReceipt(r)));
        }
        System.out.println(total);
        for (DatabaseRun.Result r : split) {
            ThreadCpu.Split threads = r.webhooks().cpu().adapterThreads();
            if (threads.share("other") < 0.01) {
                continue;
            }
            System.out.println(r.database() + ", the threads in \"other\": " + threads.otherByName().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(6)
                    .map(e -> String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), 100 * e.getValue() / threads.total()))
                    .collect(Collectors.joining(", ")));
        }
    }

    private static double adapterPerReceipt(DatabaseRun.Result r) {
        return r.webhooks().perAnswer(r.webhooks().cpu().adapterMillis());
    }

    private void overload() {
        System.out.println();
        System.out.println("| database | connections | answers/s | receipts/s (2xx) | answers by status | p50 ms | p99 ms"
                + " | max ms | answers > 2 s | 503 without Retry-After | timeouts | connection errors | peak RSS MiB |");
        System.out.println("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (DatabaseRun.Result r : results) {
            LoadGenerator.Result load = r.overload().load();
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d |%n",
                    r.database(), options.overloadConnections(), load.perSecond(), load.okPerSecond(),
                    load.statuses().toString().replace(",", ""), load.percentileMillis(50), load.percentileMillis(99),
                    load.percentileMillis(100), load.slowAnswers(), load.unavailableWithoutRetryAfter(), load.timeouts(),
                    load.connectionErrors(), r.overloadPeakRss() >> 20);
        }
    }

    private void deliveries() {
        System.out.println();
        System.out.println("| database | receipts/s during load | deliveries/s during load | backlog at load end"
                + " | drain deliveries/s | drain s | left | adapter CPU ms/delivery (drain) | database CPU ms/delivery (drain)"
                + " | repeated requests | acknowledged / stored / distinct sent | correct |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (DatabaseRun.Result r : results) {
            DeliveryPhase.Result d = r.deliveries();
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %d | %s | %.1f | %d | %s | %s | %d | %s | %s |%n",
                    r.database(), d.receiptsPerSecond(), d.deliveriesPerSecond(), d.backlogAtLoadEnd(),
                    Double.isNaN(d.drainedPerSecond()) ? "nothing to drain" : String.format(Locale.ROOT, "%.0f", d.drainedPerSecond()),
                    d.drainSeconds(), d.left(), orDash(d.adapterMillisPerDelivery()),
                    r.database().equals("h2") ? "in the adapter" : orDash(d.databaseMillisPerDelivery()),
                    d.repeatedRequests(), d.check().summary(), d.correct() ? "yes" : "NO");
        }
    }

    private static String databaseMillis(DatabaseRun.Phase phase, double millis) {
        return Double.isNaN(millis) ? "in the adapter" : String.format(Locale.ROOT, "%.3f", phase.perAnswer(millis));
    }

    private static String orDash(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String seconds(long seconds) {
        return seconds + " s";
    }
}
