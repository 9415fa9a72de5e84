package com.dlradapter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time consumed so far by a process, or by a process and all its descendants, read from
 * Linux's {@code /proc/<pid>/stat} (utime + stime, in clock ticks of {@code getconf CLK_TCK}).
 * Two readings, one at each end of a measured window, give the CPU spent inside the window.
 *
 * <p>For a process tree (PostgreSQL: the postmaster and its backends, checkpointer, WAL writer...)
 * the root's cutime + cstime is counted too: a child that exits inside the window moves its whole
 * CPU time there once the root has reaped it, so the difference of two readings still holds
 * exactly what the exited child spent inside the window.
 */
final class ProcessCpu {

    /** Clock ticks per second of the stat figures ({@code getconf CLK_TCK}, 100 on Linux/x86). */
    static final long TICKS_PER_SECOND = clockTicks();

    private final String label;
    private final long pid;
    private final boolean wholeTree;

    private ProcessCpu(String label, long pid, boolean wholeTree) {
        this.label = label;
        this.pid = pid;
        this.wholeTree = wholeTree;
    }

    /** One process's own threads (a JVM's CPU, GC and JIT included). */
    static ProcessCpu process(String label, long pid) {
        return new ProcessCpu(label, pid, false);
    }

    /** {@code rootPid} and every process whose parent chain leads to it, exited ones included. */
    static ProcessCpu tree(String label, long rootPid) {
        return new ProcessCpu(label, rootPid, true);
    }

    /** This JVM (the load generator). */
    static ProcessCpu self(String label) {
        return process(label, ProcessHandle.current().pid());
    }

    String label() {
        return label;
    }

    /** CPU milliseconds consumed up to now (see the class comment for a tree). */
    double millis() {
        Map<Long, Stat> all = wholeTree ? allProcesses() : Map.of();
        Stat root = wholeTree ? all.get(pid) : read(Path.of("/proc", String.valueOf(pid), "stat"));
        if (root == null) {
            throw new IllegalStateException(label + ": process " + pid + " is gone");
        }
        long ticks = root.ownTicks();
        if (wholeTree) {
            ticks += root.reapedChildrenTicks();
            for (Stat descendant : descendants(all, pid)) {
                ticks += descendant.ownTicks();
            }
        }
        return ticks * 1000.0 / TICKS_PER_SECOND;
    }

    /** The fields of /proc/<pid>/stat the benchmark needs. */
    record Stat(long pid, long parent, long utime, long stime, long cutime, long cstime) {

        long ownTicks() {
            return utime + stime;
        }

        long reapedChildrenTicks() {
            return cutime + cstime;
        }

        /** Parses one stat line; the command name may hold spaces and parentheses, so fields count from the last ')'. */
        static Stat parse(String line) {
            long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 of proc(5): state; 4 ppid; 14 utime; 15 stime; 16 cutime; 17 cstime
            return new Stat(pid, Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]), Long.parseLong(fields[14]));
        }
    }

    private static Stat read(Path stat) {
        try {
            return Stat.parse(Files.readString(stat));
        } catch (IOException | RuntimeException e) {
            return null; // the process ended between listing and reading, or is not ours to read
        }
    }

    private static Map<Long, Stat> allProcesses() {
        Map<Long, Stat> all = new HashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> read(p.resolve("stat")))
                    .filter(java.util.Objects::nonNull)
                    .forEach(stat -> all.put(stat.pid(), stat));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc (the CPU figures need Linux)", e);
        }
        return all;
    }

    private static List<Stat> descendants(Map<Long, Stat> all, long root) {
        Map<Long, List<Stat>> children = new HashMap<>();
        for (Stat stat : all.values()) {
            children.computeIfAbsent(stat.parent(), parent -> new ArrayList<>()).add(stat);
        }
        List<Stat> found = new ArrayList<>();
        List<Long> next = new ArrayList<>(List.of(root));
        while (!next.isEmpty()) {
            long parent = next.remove(next.size() - 1);
            for (Stat child : children.getOrDefault(parent, List.of())) {
                found.add(child);
                next.add(child.pid());
            }
        }
        return found;
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
