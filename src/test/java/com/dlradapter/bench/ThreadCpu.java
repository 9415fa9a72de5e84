package com.dlradapter.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's CPU time per thread, from {@code jcmd <pid> Thread.print}, which on Java 17 prints
 * {@code cpu=<ms>} for every thread, the JVM's own (GC, JIT compiler, VM thread) included. The
 * difference of two snapshots, grouped by what the threads do, splits a window's CPU by thread
 * group.
 */
final class ThreadCpu {

    /** Thread groups in the order they are printed; {@link #NOT_IN_DUMPS} is derived. */
    static final List<String> GROUPS = List.of(
            "Vert.x event loops", "Vert.x workers", "group committers (dlr-group-commit-*)",
            "Camel timer/quartz threads", "other Camel threads", "Hazelcast (hz.*)", "H2 background writer (MVStore)",
            "GC", "JIT compiler",
            "other JVM threads", "other");
    /**
     * Process CPU minus the threads seen in both dumps: threads that ended (or started and ended)
     * inside the window, and the rounding of the 10 ms /proc ticks.
     */
    static final String NOT_IN_DUMPS = "threads not in both dumps";

    /** {@code "name" ... cpu=12.34ms ... nid=0x1a2b}; JVM-internal threads have no {@code #n} but the same fields. */
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" .*?cpu=([0-9.]+)ms .*?nid=(\\S+)");

    private ThreadCpu() {
    }

    /** CPU per thread at one moment, keyed by the OS thread id (names repeat), and the process total. */
    record Snapshot(Map<String, Double> millisByThread, Map<String, String> nameByThread, double processMillis) {
    }

    /**
     * A thread dump now, then the process's CPU at once: the dump is taken at the end of the jcmd
     * run (after attaching), so the two belong to the same moment within a few milliseconds.
     */
    static Snapshot take(long pid, ProcessCpu process) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes());
        double processMillis = process.millis();
        if (jcmd.waitFor() != 0) {
            throw new IOException("jcmd " + pid + " Thread.print failed: " + dump.lines().limit(3).toList());
        }
        Map<String, Double> millis = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (String line : dump.split("\n")) {
            Matcher thread = THREAD.matcher(line);
            if (thread.find()) {
                millis.put(thread.group(3), Double.parseDouble(thread.group(2)));
                names.put(thread.group(3), thread.group(1));
            }
        }
        return new Snapshot(millis, names, processMillis);
    }

    /**
     * CPU per thread group between two dumps, in milliseconds, plus {@link #NOT_IN_DUMPS}; and the
     * threads of the group "other" by name (digits replaced by N), to name them in the report.
     */
    record Split(Map<String, Double> byGroup, Map<String, Double> otherByName) {

        /** The process's CPU between the two dumps. */
        double total() {
            return byGroup.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** A group's share of the process's CPU between the dumps (0 to 1). */
        double share(String group) {
            return byGroup.getOrDefault(group, 0.0) / total();
        }
    }

    /** The CPU spent per group between two snapshots; a thread born after the first counts from zero. */
    static Split split(Snapshot start, Snapshot end) {
        Map<String, Double> byGroup = new LinkedHashMap<>();
        GROUPS.forEach(group -> byGroup.put(group, 0.0));
        Map<String, Double> otherByName = new HashMap<>();
        double threads = 0;
        for (Map.Entry<String, Double> thread : end.millisByThread().entrySet()) {
            double spent = thread.getValue() - start.millisByThread().getOrDefault(thread.getKey(), 0.0);
            String name = end.nameByThread().get(thread.getKey());
            String group = group(name);
            byGroup.merge(group, spent, Double::sum);
            if (group.equals("other")) {
                otherByName.merge(name.replaceAll("[0-9]+", "N"), spent, Double::sum);
            }
            threads += spent;
        }
        byGroup.put(NOT_IN_DUMPS, end.processMillis() - start.processMillis() - threads);
        return new Split(byGroup, otherByName);
    }

    /** The readable group of a thread name (Vert.x, Camel, Hazelcast and HotSpot naming). */
    static String group(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("vert.x-eventloop-thread")) {
            return "Vert.x event loops";
        }
        if (lower.startsWith("vert.x-worker-thread") || lower.startsWith("vert.x-internal-blocking")) {
            return "Vert.x workers";
        }
        if (lower.startsWith("dlr-group-commit")) {
            return "group committers (dlr-group-commit-*)";
        }
        if (lower.contains("timer://") || lower.contains("quartz") || lower.contains("_worker-")) {
            return "Camel timer/quartz threads";
        }
        if (lower.startsWith("camel")) {
            return "other Camel threads";
        }
        if (lower.startsWith("hz.")) {
            return "Hazelcast (hz.*)";
        }
        if (lower.startsWith("mvstore") || lower.startsWith("h2 ")) {
            return "H2 background writer (MVStore)";
        }
        if (lower.startsWith("gc thread") || lower.startsWith("g1 ") || lower.startsWith("zgc")
                || lower.startsWith("parallel gc")) {
            return "GC";
        }
        if (lower.contains("compilerthread") || lower.startsWith("sweeper")) {
            return "JIT compiler";
        }
        if (List.of("vm thread", "vm periodic task thread", "reference handler", "finalizer", "signal dispatcher",
                "service thread", "monitor deflation thread", "common-cleaner", "notification thread",
                "attach listener").contains(lower)) {
            return "other JVM threads";
        }
        return "other";
    }
}
