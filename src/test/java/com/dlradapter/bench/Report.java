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

    /** One window's CPU, and how many receipts (or requests, or deliveries) per second it served. */
    private record CpuRow(String database, String phase, String per, CpuWindow.Usage cpu, double unitsPerSecond) {

        double perUnit(double millis) {
            return millis / cpu.wallSeconds() / unitsPerSecond;
        }
    }

    /** One pair of columns of a thread table: a window's split, and the process's CPU per unit. */
    private record ThreadColumn(String label, String unit, ThreadCpu.Split split, double processPerUnit) {
    }

    void print() {
        System.out.println();
        System.out.printf("Run of %s, commit `%s` (%s), %d s warm-up + %d s measured per phase, %d connections"
                        + " (overload: %s), machine: %d cores, %s %s, Java %s%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), options.commit(), options.jar(),
                options.warmUp().toSeconds(), options.measure().toSeconds(), options.connections(),
                options.overload() ? options.overloadConnections() + " connections" : "skipped",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"));
        if (!options.adapterEnv().isEmpty()) {
            System.out.println("adapter settings: " + options.adapterEnv());
        }
        summary();
        cpu();
        threads("adapter threads, webhooks phase", results.stream()
                .map(r -> column(r.database(), "receipt", r.webhooks())).toList());
        if (options.overload()) {
            overload();
        }
        if (options.deliveries()) {
            deliveries();
            List<ThreadColumn> columns = new ArrayList<>();
            for (DatabaseRun.Result r : results) {
                DeliveryPhase.Result d = r.deliveries();
                columns.add(column(r.database() + " load", "receipt", d.webhooks()));
                if (d.drained() > 0) {
                    columns.add(new ThreadColumn(r.database() + " drain", "delivery", d.drain().adapterThreads(),
                            d.perDelivery(d.drain().adapterMillis())));
                }
            }
            threads("adapter threads, delivery phase", columns);
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
            Phase webhooks = r.webhooks();
            Phase ceiling = r.ceiling();
            double adapter = webhooks.perAnswer(webhooks.cpu().adapterMillis());
            double ceilingAdapter = ceiling.perAnswer(ceiling.cpu().adapterMillis());
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %d | %.3f | %s | %.0f | %.3f | %.1f | %.1f%% | %d | %d | %s (%d) | %s |%n",
                    r.database(), webhooks.load().okPerSecond(), webhooks.load().percentileMillis(50),
                    webhooks.load().percentileMillis(99), webhooks.load().percentileMillis(100), webhooks.load().errors(),
                    adapter, databaseMillis(webhooks.cpu(), webhooks.perAnswer(webhooks.cpu().databaseMillis())),
                    ceiling.load().perSecond(), ceilingAdapter, adapter / ceilingAdapter,
                    100.0 * webhooks.load().okPerSecond() / ceiling.load().perSecond(),
                    r.peakHeap() >> 20, r.peakRss() >> 20, r.check().summary(), r.repeats(), r.correct() ? "yes" : "NO");
        }
    }

    private void cpu() {
        List<CpuRow> rows = new ArrayList<>();
        for (DatabaseRun.Result r : results) {
            rows.add(row(r.database(), "ceiling", "request", r.ceiling()));
            rows.add(row(r.database(), "webhooks", "receipt", r.webhooks()));
            if (r.overload() != null) {
                rows.add(row(r.database(), "overload", "receipt", r.overload()));
            }
            if (r.deliveries() != null) {
                DeliveryPhase.Result d = r.deliveries();
                rows.add(row(r.database(), "delivery load", "receipt", d.webhooks()));
                if (d.drained() > 0) {
                    rows.add(new CpuRow(r.database(), "delivery drain", "delivery", d.drain(), d.drainedPerSecond()));
                }
            }
        }
        System.out.println();
        System.out.println("| database | phase | per | adapter CPU ms | database CPU ms | load generator CPU ms"
                + " | adapter cores | database cores | load generator cores | wall s |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (CpuRow row : rows) {
            CpuWindow.Usage cpu = row.cpu();
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.3f | %s | %.3f | %.2f | %s | %.2f | %.1f |%n", row.database(),
                    row.phase(), row.per(), row.perUnit(cpu.adapterMillis()),
                    databaseMillis(cpu, row.perUnit(cpu.databaseMillis())), row.perUnit(cpu.loadGeneratorMillis()),
                    cpu.utilisation(cpu.adapterMillis()), databaseCores(cpu), cpu.utilisation(cpu.loadGeneratorMillis()),
                    cpu.wallSeconds());
        }
    }

    private static CpuRow row(String database, String phase, String per, Phase p) {
        return new CpuRow(database, phase, per, p.cpu(), p.load().okPerSecond());
    }

    private static ThreadColumn column(String label, String unit, Phase p) {
        return new ThreadColumn(label, unit, p.cpu().adapterThreads(), p.perAnswer(p.cpu().adapterMillis()));
    }

    /** Shares of the adapter's CPU by thread group, applied to its CPU per unit in the window. */
    private static void threads(String title, List<ThreadColumn> columns) {
        List<ThreadColumn> split = columns.stream().filter(c -> c.split() != null).toList();
        if (split.isEmpty()) {
            return;
        }
        System.out.println();
        StringBuilder header = new StringBuilder("| " + title + " |");
        StringBuilder rule = new StringBuilder("|---|");
        for (ThreadColumn c : split) {
            header.append(String.format(" %s ms/%s | %s share |", c.label(), c.unit(), c.label()));
            rule.append("---:|---:|");
        }
        System.out.println(header);
        System.out.println(rule);
        List<String> groups = new ArrayList<>(ThreadCpu.GROUPS);
        groups.add(ThreadCpu.ENDED);
        for (String group : groups) {
            StringBuilder row = new StringBuilder("| " + group + " |");
            for (ThreadColumn c : split) {
                double share = c.split().share(group);
                row.append(String.format(Locale.ROOT, " %.3f | %.1f%% |", share * c.processPerUnit(), 100 * share));
            }
            System.out.println(row);
        }
        StringBuilder total = new StringBuilder("| whole adapter process |");
        for (ThreadColumn c : split) {
            total.append(String.format(Locale.ROOT, " %.3f | 100%% |", c.processPerUnit()));
        }
        System.out.println(total);
        for (ThreadColumn c : split) {
            ThreadCpu.Split threads = c.split();
            if (threads.share("other") >= 0.01) {
                System.out.println(c.label() + ", the threads in \"other\": " + threads.otherByName().entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(6)
                        .map(e -> String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), 100 * e.getValue() / threads.total()))
                        .collect(Collectors.joining(", ")));
            }
        }
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
                    r.database(), d.webhooks().load().okPerSecond(), d.deliveriesPerSecond(), d.backlogAtLoadEnd(),
                    d.drained() == 0 ? "nothing to drain" : String.format(Locale.ROOT, "%.0f", d.drainedPerSecond()),
                    d.drain().wallSeconds(), d.left(), orDash(d.perDelivery(d.drain().adapterMillis())),
                    databaseMillis(d.drain(), d.perDelivery(d.drain().databaseMillis())),
                    d.repeatedRequests(), d.check().summary(), d.correct() ? "yes" : "NO");
        }
    }

    /** A database figure, or "in the adapter" for H2. */
    private static String databaseMillis(CpuWindow.Usage cpu, double millis) {
        return cpu.databaseInAdapter() ? "in the adapter" : orDash(millis);
    }

    private static String databaseCores(CpuWindow.Usage cpu) {
        return cpu.databaseInAdapter() ? "in the adapter"
                : String.format(Locale.ROOT, "%.2f", cpu.utilisation(cpu.databaseMillis()));
    }

    private static String orDash(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }
}
