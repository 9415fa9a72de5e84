package com.dlradapter.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Reads the CPU time of the adapter, of the database (when it has processes of its own) and of
 * this JVM at both ends of a load generator's measured window; optionally also the adapter's CPU
 * by thread group ({@link ThreadCpu}).
 *
 * <p>A thread dump takes a while (jcmd attaches, then the JVM prints), and after the window's end
 * the load has stopped; so both dumps are taken inside the window, under load: the first right
 * at its start, the second timed to finish at its end (started as long before the end as the
 * first one took). The split is given as shares of the process's CPU between the two dumps,
 * applied to the window's exact figure.
 */
final class CpuWindow implements LoadGenerator.Window {

    private final long adapterPid;
    private final ProcessCpu adapter;
    private final ProcessCpu database;
    private final ProcessCpu loadGenerator = ProcessCpu.self("load generator");
    private final boolean threads;
    private final Duration length;
    private long startNanos;
    private double[] start;
    private CompletableFuture<ThreadCpu.Split> split;
    private Usage usage;

    /**
     * @param database null: it runs inside the adapter
     * @param threads  also split the adapter's CPU by thread group
     * @param length   the measured window's length (to time the second thread dump)
     */
    CpuWindow(long adapterPid, ProcessCpu database, boolean threads, Duration length) {
        this.adapterPid = adapterPid;
        this.adapter = ProcessCpu.process("adapter", adapterPid);
        this.database = database;
        this.threads = threads;
        this.length = length;
    }

    /**
     * CPU milliseconds spent inside the window, its wall time, and the adapter's split by thread
     * group (null when not asked for or jcmd failed).
     */
    record Usage(double wallSeconds, double adapterMillis, double databaseMillis, double loadGeneratorMillis,
                 ThreadCpu.Split adapterThreads) {

        /** No database process of its own (H2 inside the adapter). */
        boolean databaseInAdapter() {
            return Double.isNaN(databaseMillis);
        }

        /** Cores used on average: CPU seconds per wall second. */
        double utilisation(double millis) {
            return millis / 1000.0 / wallSeconds;
        }
    }

    @Override
    public void started() throws Exception {
        startNanos = System.nanoTime();
        start = read();
        if (threads) {
            try {
                ThreadCpu.Snapshot first = ThreadCpu.take(adapterPid, adapter);
                long took = System.nanoTime() - startNanos;
                long secondAt = startNanos + length.toNanos() - took;
                split = CompletableFuture.supplyAsync(() -> secondDump(first),
                        CompletableFuture.delayedExecutor(Math.max(0, secondAt - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (IOException e) {
                System.out.println("no split by thread (jcmd failed): " + e.getMessage());
            }
        }
    }

    @Override
    public void ended() throws Exception {
        long endNanos = System.nanoTime();
        double[] end = read();
        ThreadCpu.Split threadSplit = null;
        if (split != null) {
            try {
                threadSplit = split.join();
            } catch (CompletionException e) {
                System.out.println("no split by thread (jcmd failed): " + e.getCause().getMessage());
            }
        }
        usage = new Usage((endNanos - startNanos) / 1e9, end[0] - start[0],
                database == null ? Double.NaN : end[1] - start[1], end[2] - start[2], threadSplit);
    }

    Usage usage() {
        if (usage == null) {
            throw new IllegalStateException("the window has not ended");
        }
        return usage;
    }

    private ThreadCpu.Split secondDump(ThreadCpu.Snapshot first) {
        try {
            return ThreadCpu.split(first, ThreadCpu.take(adapterPid, adapter));
        } catch (IOException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    private double[] read() {
        return new double[] {adapter.millis(), database == null ? Double.NaN : database.millis(), loadGenerator.millis()};
    }
}
