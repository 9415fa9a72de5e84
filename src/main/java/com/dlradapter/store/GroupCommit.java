package com.dlradapter.store;

import com.dlradapter.canonical.DeliveryReceipt;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit: the receipts of concurrent requests are written in one transaction, committed and
 * made durable once, and only then is each caller let go (and answered 200). A request never waits
 * for a batch to fill: a committer takes whatever is queued the moment it is free, so under light
 * load a batch is one receipt and under heavy load the cost of a commit (and of H2's CHECKPOINT)
 * is shared by up to {@code maxBatch} receipts.
 *
 * <p>If a batch's transaction fails, it is rolled back and each of its receipts is stored in a
 * transaction of its own, so one bad receipt (or a conflict with another node) fails only itself.
 */
public class GroupCommit extends ServiceSupport implements ReceiptWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** Makes committed work survive a crash (H2's CHECKPOINT; nothing on PostgreSQL). */
    @FunctionalInterface
    public interface Flush {
        void flush() throws SQLException;
    }

    /** Told of every group commit: how many receipts it carried and how long it took. */
    @FunctionalInterface
    public interface Observer {
        void committed(int receipts, long nanos);
    }

    private final ReceiptStore store;
    private final Flush flush;
    private volatile Observer observer = (receipts, nanos) -> { };
    private final int maxBatch;
    private final int committers;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public GroupCommit(ReceiptStore store, Flush flush, int maxBatch, int committers) {
        if (maxBatch < 1 || committers < 1) {
            throw new IllegalArgumentException("group commit needs a batch of at least 1 and at least 1 committer");
        }
        this.store = store;
        this.flush = flush;
        this.maxBatch = maxBatch;
        this.committers = committers;
    }

    public void observe(Observer observer) {
        this.observer = observer;
    }

    /** Stores the receipt with whatever else is queued; returns once it is committed and durable. */
    @Override
    public StoreOutcome store(DeliveryReceipt receipt, String rawPayload) throws SQLException {
        if (!running) {
            throw new SQLException("the receipt store is stopped", "08003");
        }
        Pending pending = new Pending(receipt, rawPayload, new CompletableFuture<>());
        queue.add(pending);
        try {
            // bounded, so a request can never hang on a commit: a group takes milliseconds, and
            // one that takes a minute means the database is as good as away (503)
            return pending.result.get(1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SQLException("no commit within a minute", "08006", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the commit", "08006", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw new SQLException("the commit failed: " + error, "08006", error);
            }
            throw new SQLException(cause.getMessage(), "08006", cause);
        }
    }

    @Override
    protected void doStart() {
        running = true;
        for (int i = 1; i <= committers; i++) {
            Thread thread = new Thread(this::commitLoop, "dlr-group-commit-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        threads.clear();
        // anything still queued was never committed: its callers get an error (503), not a 200
        for (Pending pending; (pending = queue.poll()) != null; ) {
            pending.result.completeExceptionally(new SQLException("the receipt store is stopping", "08003"));
        }
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // never let the committer die with callers waiting (a driver's AssertionError
                // under -ea did): they are answered 503 and the loop goes on
                LOG.error("Group commit failed unexpectedly", e);
                batch.forEach(p -> p.result.completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        long start = System.nanoTime();
        List<StoreOutcome> outcomes;
        try {
            outcomes = store.storeAll(batch.stream().map(p -> new ReceiptStore.Item(p.receipt, p.rawPayload)).toList());
        } catch (SQLException | RuntimeException | Error e) {
            // The database is away: every receipt of the group fails at once (503, the provider
            // retries); storing them one by one would wait out the connection timeout once each.
            if (batch.size() == 1 || (e instanceof SQLException sql && SqlStates.isUnavailable(sql))) {
                batch.forEach(p -> p.result.completeExceptionally(e));
                return;
            }
            LOG.debug("A batch of {} receipts failed ({}); storing each on its own", batch.size(), e.getMessage());
            storeOneByOne(batch);
            return;
        }
        try {
            flush.flush();
        } catch (SQLException | RuntimeException e) {
            // committed but maybe not durable: the providers must retry (their retry is a duplicate)
            batch.forEach(p -> p.result.completeExceptionally(e));
            return;
        }
        observer.committed(batch.size(), System.nanoTime() - start);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result.complete(outcomes.get(i));
        }
    }

    private void storeOneByOne(List<Pending> batch) {
        List<StoreOutcome> outcomes = new ArrayList<>(batch.size());
        List<Pending> stored = new ArrayList<>(batch.size());
        SQLException unavailable = null;
        for (Pending pending : batch) {
            if (unavailable != null) {
                pending.result.completeExceptionally(unavailable);
                continue;
            }
            try {
                outcomes.add(store.store(pending.receipt, pending.rawPayload));
                stored.add(pending);
            } catch (SQLException e) {
                pending.result.completeExceptionally(e);
                unavailable = SqlStates.isUnavailable(e) ? e : null;
            } catch (RuntimeException | Error e) {
                pending.result.completeExceptionally(e);
            }
        }
        try {
            flush.flush();
        } catch (SQLException | RuntimeException e) {
            stored.forEach(p -> p.result.completeExceptionally(e));
            return;
        }
        for (int i = 0; i < stored.size(); i++) {
            stored.get(i).result.complete(outcomes.get(i));
        }
    }

    private record Pending(DeliveryReceipt receipt, String rawPayload, CompletableFuture<StoreOutcome> result) {
    }
}
