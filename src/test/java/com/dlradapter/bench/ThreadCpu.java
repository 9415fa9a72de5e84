package com.dlradapter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JVM's CPU time by thread group between two moments. The CPU per thread is read from
 * {@code /proc/<pid>/task/<tid>/stat} at the very moment the process's own figure is read (a
 * thread dump takes a while and would not line up with the window's ends); the names come from
 * {@code jcmd <pid> Thread.print} taken just after ({@code nid} is the thread id), because the
 * kernel's copy of a name ({@code comm}) is cut at 15 characters; {@code comm} is kept for a
 * thread that is gone by the time of the dump. The JVM's own threads (GC, JIT compiler, VM
 * thread) are OS threads like the others, so they are counted too.
 */
final class ThreadCpu {

    /** Thread groups in the order they are printed; {@link #ENDED} is derived. */
    static final List<String> GROUPS = List.of(
            "Vert.x event loops", "Vert.x workers", "group committers (dlr-group-commit-*)",
            "Camel timer/quartz threads", "other Camel threads", "Hazelcast (hz.*)", "H2 background threads",
            "GC", "JIT compiler", "other JVM threads", "other");
    /** The process's CPU between the two readings minus its threads' alive at the second one. */
    static final String ENDED = "threads that ended in the window";

    /** {@code "name" ... nid=0x1a2b}: every thread of a Java 17 dump, the JVM's own included. */
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" .*?nid=(\\S+)");

    private ThreadCpu() {
    }

    /** CPU milliseconds per thread id at one moment, and each thread's name. */
    record Snapshot(Map<Long, Double> millisByThread, Map<Long, String> nameByThread) {
    }

    /**
     * The CPU of every thread of {@code pid} now, then their names from a thread dump (the kernel's
     * 15-character names when jcmd fails: the split then is rougher, not wrong).
     */
    static Snapshot take(long pid) throws InterruptedException {
        Map<Long, Double> millis = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    ProcessCpu.Stat stat = ProcessCpu.Stat.parse(Files.readString(task.resolve("stat")));
                    millis.put(stat.pid(), stat.ownTicks() * 1000.0 / ProcessCpu.TICKS_PER_SECOND);
                    names.put(stat.pid(), Files.readString(task.resolve("comm")).trim());
                } catch (IOException e) {
                    // the thread ended while listing
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the threads of " + pid + " (the CPU figures need Linux)", e);
        }
        names.putAll(dumpNames(pid));
        return new Snapshot(millis, names);
    }

    private static Map<Long, String> dumpNames(long pid) throws InterruptedException {
        Map<Long, String> names = new HashMap<>();
        try {
            Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes());
            if (jcmd.waitFor() != 0) {
                System.out.println("jcmd " + pid + " Thread.print failed, thread names cut at 15 characters: "
                        + dump.lines().limit(2).toList());
            }
            for (String line : dump.split("\n")) {
                Matcher thread = THREAD.matcher(line);
                if (thread.find()) {
                    names.put(Long.decode(thread.group(2)), thread.group(1));
                }
            }
        } catch (IOException | NumberFormatException e) {
            System.out.println("jcmd failed, thread names cut at 15 characters: " + e);
        }
        return names;
    }

    /**
     * CPU per thread group between two snapshots, in milliseconds, plus {@link #ENDED}; and the
     * threads of the group "other" by name (digits replaced by N), to name them in the report.
     */
    record Split(Map<String, Double> byGroup, Map<String, Double> otherByName) {

        /** The process's CPU between the two snapshots. */
        double total() {
            return byGroup.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** A group's share of the process's CPU between the snapshots (0 to 1). */
        double share(String group) {
            return byGroup.getOrDefault(group, 0.0) / total();
        }
    }

    /**
     * The CPU spent per group between two snapshots (a thread born after the first counts from
     * zero); {@code processMillis}: the process's CPU between the same two moments.
     */
    static Split split(Snapshot start, Snapshot end, double processMillis) {
        Map<String, Double> byGroup = new LinkedHashMap<>();
        GROUPS.forEach(group -> byGroup.put(group, 0.0));
        Map<String, Double> otherByName = new HashMap<>();
        double threads = 0;
        for (Map.Entry<Long, Double> thread : end.millisByThread().entrySet()) {
            double spent = thread.getValue() - start.millisByThread().getOrDefault(thread.getKey(), 0.0);
            String name = end.nameByThread().get(thread.getKey());
            String group = group(name);
            byGroup.merge(group, spent, Double::sum);
            if (group.equals("other")) {
                otherByName.merge(name.replaceAll("[0-9]+", "N"), spent, Double::sum);
            }
            threads += spent;
        }
        byGroup.put(ENDED, processMillis - threads);
        return new Split(byGroup, otherByName);
    }

    /**
     * The readable group of a thread name (Vert.x, Camel, Hazelcast, H2 and HotSpot naming); the
     * prefixes also match the kernel's names cut at 15 characters.
     */
    static String group(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("vert.x-eventlo")) {
            return "Vert.x event loops";
        }
        if (lower.startsWith("vert.x-worker") || lower.startsWith("vert.x-internal")) {
            return "Vert.x workers";
        }
        // Camel's ExecutorServiceManager names them "Camel (camel-1) thread #7 - dlr-group-commit-1"
        if (lower.contains("dlr-group-comm")) {
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
        if (lower.startsWith("h2-") || lower.startsWith("mvstore")) {
            return "H2 background threads";
        }
        if (lower.startsWith("gc thread") || lower.startsWith("g1 ") || lower.startsWith("zgc")
                || lower.startsWith("parallel gc")) {
            return "GC";
        }
        if (lower.contains("compilerthre") || lower.startsWith("sweeper")) {
            return "JIT compiler";
        }
        if (List.of("vm thread", "vm periodic task thread", "vm periodic tas", "reference handler", "reference handl",
                "finalizer", "signal dispatcher", "signal dispatch", "service thread", "monitor deflation thread",
                "monitor deflati", "common-cleaner", "notification thread", "notification th", "attach listener")
                .contains(lower)) {
            return "other JVM threads";
        }
        return "other";
    }
}
