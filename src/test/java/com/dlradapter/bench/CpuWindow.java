package com.dlradapter.bench;

/**
 * Reads the CPU time of the adapter, of the database (when it has processes of its own) and of
 * this JVM at both ends of a load generator's measured window; optionally also the adapter's
 * threads at the same moments, to split its CPU by thread group ({@link ThreadCpu}).
 */
final class CpuWindow implements LoadGenerator.Window {

    private final long adapterPid;
    private final ProcessCpu adapter;
    private final ProcessCpu database;
    private final ProcessCpu loadGenerator = ProcessCpu.self("load generator");
    private final boolean threads;
    private long startNanos;
    private double[] start;
    private ThreadCpu.Snapshot threadsAtStart;
    private Usage usage;

    /**
     * @param database null: it runs inside the adapter
     * @param threads  also split the adapter's CPU by thread group
     */
    CpuWindow(long adapterPid, ProcessCpu database, boolean threads) {
        this.adapterPid = adapterPid;
        this.adapter = ProcessCpu.process("adapter", adapterPid);
        this.database = database;
        this.threads = threads;
    }

    /**
     * CPU milliseconds spent inside the window, its wall time, and the adapter's split by thread
     * group (null when not asked for).
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
    public void started() throws InterruptedException {
        startNanos = System.nanoTime();
        start = read();
        if (threads) {
            threadsAtStart = ThreadCpu.take(adapterPid);
        }
    }

    @Override
    public void ended() throws InterruptedException {
        long endNanos = System.nanoTime();
        double[] end = read();
        ThreadCpu.Split split = threads ? ThreadCpu.split(threadsAtStart, ThreadCpu.take(adapterPid), end[0] - start[0]) : null;
        usage = new Usage((endNanos - startNanos) / 1e9, end[0] - start[0],
                database == null ? Double.NaN : end[1] - start[1], end[2] - start[2], split);
    }

    Usage usage() {
        if (usage == null) {
            throw new IllegalStateException("the window has not ended");
        }
        return usage;
    }

    private double[] read() {
        return new double[] {adapter.millis(), database == null ? Double.NaN : database.millis(), loadGenerator.millis()};
    }
}
