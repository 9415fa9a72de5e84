package com.dlradapter.store;

import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit: the receipts of concurrent requests are written in one transaction, committed and
 * made durable once, and only then is each request's future completed (and the request answered
 * 200). A request never waits for a batch to fill: a committer takes whatever is queued the moment
 * it is free, so under light load a batch is one request and under heavy load the cost of a commit
 * (and of H2's flush) is shared by up to {@code maxBatch} receipts. The idempotent consumer's
 * repository ({@link ReceiptKeyCache}) is asked once per batch, and told once, after the commit.
 *
 * <p>Admission is bounded by the answer budget: a request is refused at once ({@link
 * StoreBusyException}, answered 503 with Retry-After) when more receipts are queued than the store
 * commits within half the budget, and a request still queued when its budget has run out is
 * dropped unstored. So under overload every request is answered within the budget, 200 or 503,
 * instead of queueing into the provider's own timeout.
 *
 * <p>If a batch's transaction fails, it is rolled back and each request of it is stored in a
 * transaction of its own, so one bad receipt (or a conflict with another node) fails only its own
 * request.
 *
 * <p>The committers are threads of Camel's {@link ExecutorServiceManager}, named by its thread name
 * pattern, ending in {@code dlr-group-commit-<n>} (by default
 * {@code Camel (camel-1) thread #7 - dlr-group-commit-1}).
 */
public class GroupCommit extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final long BUSY_LOG_INTERVAL = TimeUnit.SECONDS.toNanos(60);

    /** Told of every group commit: how many receipts it carried and how long it took. */
    @FunctionalInterface
    public interface Observer {
        void committed(int receipts, long nanos);
    }

    private final ReceiptStore store;
    private final Durability durability;
    private final ReceiptKeyCache keys;
    private final int maxBatch;
    private final int committers;
    private final long budgetNanos;
    private volatile Observer observer = (receipts, nanos) -> { };
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedReceipts = new AtomicInteger();
    /** Receipts a second the committers manage when busy (EWMA), which sizes the admission bound. */
    private volatile double commitRate = 1_000;
    private final AtomicLong lastBusyLog = new AtomicLong(System.nanoTime() - BUSY_LOG_INTERVAL);
    private final ExecutorServiceManager executors;
    private final List<ExecutorService> threads = new ArrayList<>();
    private volatile boolean running;

    /** @param executors where the committer threads come from (the Camel context's) */
    public GroupCommit(ReceiptStore store, Durability durability, ReceiptKeyCache keys, int maxBatch, int committers,
                       Duration answerBudget, ExecutorServiceManager executors) {
        if (maxBatch < 1 || committers < 1) {
            throw new IllegalArgumentException("group commit needs a batch of at least 1 and at least 1 committer");
        }
        this.store = store;
        this.durability = durability;
        this.keys = keys;
        this.maxBatch = maxBatch;
        this.committers = committers;
        this.budgetNanos = answerBudget.toNanos();
        this.executors = executors;
    }

    public void observe(Observer observer) {
        this.observer = observer;
    }

    /**
     * Queues one request's receipts. The future completes with their outcomes (in order) once they
     * are committed and durable, or fails: {@link StoreBusyException} when the store cannot take
     * them within the budget counted from {@code receivedNanos} ({@link System#nanoTime()}), another
     * {@link SQLException} when the database failed.
     */
    CompletableFuture<List<StoreOutcome>> submit(List<ReceiptStore.Item> items, long receivedNanos) {
        return enqueue(items, deadline(receivedNanos, items.size())).result();
    }

    /** Stores the receipts with whatever else is queued; returns once they are committed and durable. */
    public List<StoreOutcome> storeAll(List<ReceiptStore.Item> items, long receivedNanos) throws SQLException {
        long deadline = deadline(receivedNanos, items.size());
        Submitted submitted = enqueue(items, deadline);
        try {
            // never longer than the budget (plus a commit in progress): then 503, and the provider retries
            long wait = Math.max(deadline - System.nanoTime(), 0) + TimeUnit.MILLISECONDS.toNanos(250);
            return submitted.result().get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // what is still queued of it is not stored any more (a part being committed may be)
            submitted.parts().forEach(part -> part.result.completeExceptionally(busy("no commit within the answer budget")));
            throw busy("no commit within the answer budget");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the commit", "08006", e);
        } catch (ExecutionException e) {
            throw asSqlException(e.getCause());
        }
    }

    /**
     * The request's answer is due within the budget; a request of more receipts than a group gets
     * the time the committers need for the rest of them on top (a provider's post of a thousand
     * receipts is legitimate work, not overload).
     */
    private long deadline(long receivedNanos, int receipts) {
        long beyondOneGroup = Math.max(0, receipts - maxBatch);
        return receivedNanos + budgetNanos + (long) (beyondOneGroup * 1e9 / Math.max(commitRate, 1));
    }

    /**
     * A request larger than a group goes in parts of at most {@code maxBatch} receipts, each
     * committed with whatever is queued (one transaction of thousands of receipts made H2 write
     * its undo log to the file for 20 s); it is answered once every part is committed.
     */
    private Submitted enqueue(List<ReceiptStore.Item> items, long deadline) {
        if (!running) {
            return new Submitted(List.of(), CompletableFuture.failedFuture(new SQLException("the receipt store is stopped", "08003")));
        }
        if (queuedReceipts.get() > admissionBound()) {
            return new Submitted(List.of(),
                    CompletableFuture.failedFuture(busy("more receipts are waiting for their commit than can be committed in time")));
        }
        List<Pending> parts = new ArrayList<>(1 + items.size() / maxBatch);
        for (int from = 0; from < items.size(); from += maxBatch) {
            parts.add(new Pending(items.subList(from, Math.min(items.size(), from + maxBatch)), new CompletableFuture<>(), deadline));
        }
        queuedReceipts.addAndGet(items.size());
        queue.addAll(parts);
        if (parts.size() == 1) {
            return new Submitted(parts, parts.get(0).result);
        }
        CompletableFuture<List<StoreOutcome>> all = CompletableFuture.allOf(parts.stream().map(Pending::result)
                .toArray(CompletableFuture[]::new)).thenApply(done -> {
                    List<StoreOutcome> outcomes = new ArrayList<>(items.size());
                    parts.forEach(part -> outcomes.addAll(part.result.join()));
                    return outcomes;
                });
        return new Submitted(parts, all);
    }

    /** A request's parts in the queue, and its answer. */
    private record Submitted(List<Pending> parts, CompletableFuture<List<StoreOutcome>> result) {
    }

    /**
     * Refuses at once ({@link StoreBusyException}) a request that has already waited its whole
     * budget (for a worker thread, under overload) or arrives while more receipts are queued than
     * can be committed in time: called before its payload is mapped, so an overloaded adapter
     * spends nothing on what it will refuse.
     */
    public void admit(long receivedNanos) throws StoreBusyException {
        if (System.nanoTime() - (receivedNanos + budgetNanos) > 0) {
            throw busy("the request waited past its answer budget before it could be taken");
        }
        if (queuedReceipts.get() > admissionBound()) {
            throw busy("more receipts are waiting for their commit than can be committed in time");
        }
    }

    /** Receipts the committers can take within half the answer budget, at least a few batches' worth. */
    private long admissionBound() {
        return Math.max(4L * maxBatch * committers, (long) (commitRate * budgetNanos / 2e9));
    }

    private StoreBusyException busy(String why) {
        long now = System.nanoTime();
        long last = lastBusyLog.get();
        if (now - last >= BUSY_LOG_INTERVAL && lastBusyLog.compareAndSet(last, now)) {
            LOG.warn("Receipt store busy, answering 503 with Retry-After ({}; {} receipts queued, about {} committed a second); "
                    + "logged at most once a minute", why, queuedReceipts.get(), Math.round(commitRate));
        }
        return new StoreBusyException("the receipt store is busy: " + why);
    }

    static SQLException asSqlException(Throwable cause) {
        if (cause instanceof SQLException sql) {
            return sql;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        return new SQLException("the commit failed: " + cause, "08006", cause);
    }

    @Override
    protected void doStart() {
        running = true;
        for (int i = 1; i <= committers; i++) {
            // one single-thread executor per committer, so each keeps its own number in its name
            ExecutorService thread = executors.newSingleThreadExecutor(this, "dlr-group-commit-" + i);
            thread.execute(this::commitLoop);
            threads.add(thread);
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        for (ExecutorService thread : threads) {
            // the loop ends once the queue is drained; interrupted only if it has not in 10 s
            executors.shutdownGraceful(thread, TimeUnit.SECONDS.toMillis(10));
        }
        threads.clear();
        // anything still queued was never committed: its callers get an error (503), not a 200
        for (Pending pending; (pending = queue.poll()) != null; ) {
            pending.result.completeExceptionally(new SQLException("the receipt store is stopping", "08003"));
        }
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>();
        Pending carried = null;
        while (running || !queue.isEmpty() || carried != null) {
            try {
                Pending first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                int receipts = take(first, batch, 0);
                // more of what is queued, up to maxBatch receipts (a part of a request is never split)
                for (Pending next; receipts < maxBatch && (next = queue.poll()) != null; ) {
                    if (receipts + next.items.size() > maxBatch && !batch.isEmpty()) {
                        carried = next;
                        break;
                    }
                    receipts = take(next, batch, receipts);
                }
                if (!batch.isEmpty()) {
                    commit(batch, receipts);
                }
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

    /** Adds a dequeued request to the batch unless it was answered already or its budget ran out. */
    private int take(Pending pending, List<Pending> batch, int receipts) {
        queuedReceipts.addAndGet(-pending.items.size());
        if (pending.result.isDone()) {
            return receipts;   // its caller stopped waiting (answered 503): not stored
        }
        if (System.nanoTime() - pending.deadline > 0) {
            pending.result.completeExceptionally(busy("a request waited past its answer budget"));
            return receipts;
        }
        batch.add(pending);
        return receipts + pending.items.size();
    }

    private void commit(List<Pending> batch, int receipts) {
        long start = System.nanoTime();
        // the idempotent consumer's repository, once for the whole batch
        List<ReceiptStore.Item> items = new ArrayList<>(receipts);
        batch.forEach(p -> items.addAll(p.items));
        Set<String> known = knownKeys(items);
        List<ReceiptStore.Item> fresh = known.isEmpty() ? items
                : items.stream().filter(item -> !known.contains(item.receipt().idempotencyKey())).toList();
        List<StoreOutcome> stored;
        try {
            durability.ensureKept();
            stored = fresh.isEmpty() ? List.of() : store.storeAll(fresh);
        } catch (SQLException | RuntimeException | Error e) {
            // The database is away: every request of the group fails at once (503, the provider
            // retries); storing them one by one would wait out the connection timeout once each.
            if (batch.size() == 1 || (e instanceof SQLException sql && SqlStates.isUnavailable(sql))) {
                batch.forEach(p -> p.result.completeExceptionally(e));
                return;
            }
            LOG.debug("A batch of {} requests failed ({}); storing each on its own", batch.size(), e.getMessage());
            batch.forEach(this::commitAlone);
            return;
        }
        try {
            durability.flush();
            durability.ensureKept();   // an H2 file deleted during the commit took it along
        } catch (SQLException | RuntimeException e) {
            // committed but maybe not durable: the providers must retry (their retry is a duplicate)
            batch.forEach(p -> p.result.completeExceptionally(e));
            return;
        }
        long took = System.nanoTime() - start;
        observer.committed(receipts, took);
        if (!fresh.isEmpty()) {
            // what the database takes, not what the repository answered alone (a storm of
            // duplicates would make the store look far faster than it is and admit too much)
            commitRate = 0.8 * commitRate + 0.2 * (fresh.size() * committers * 1e9 / Math.max(took, 1));
        }
        // hand each request its outcomes, in its own order; then tell the repository, which no
        // answer needs to wait for
        int next = 0;
        for (Pending pending : batch) {
            List<StoreOutcome> outcomes = new ArrayList<>(pending.items.size());
            for (ReceiptStore.Item item : pending.items) {
                outcomes.add(known.contains(item.receipt().idempotencyKey())
                        ? StoreOutcome.duplicate(item.receipt()) : stored.get(next++));
            }
            pending.result.complete(outcomes);
        }
        remember(stored);
    }

    /** After a failed batch: one request in a transaction of its own, so only a bad one fails. */
    private void commitAlone(Pending pending) {
        try {
            durability.ensureKept();
            List<StoreOutcome> outcomes = store.storeAll(pending.items);
            durability.flush();
            durability.ensureKept();
            remember(outcomes);
            pending.result.complete(outcomes);
        } catch (SQLException | RuntimeException | Error e) {
            pending.result.completeExceptionally(e);
        }
    }

    private Set<String> knownKeys(List<ReceiptStore.Item> items) {
        Set<String> wanted = new HashSet<>();
        items.forEach(item -> wanted.add(item.receipt().idempotencyKey()));
        try {
            return keys.known(wanted);
        } catch (RuntimeException e) {
            LOG.debug("Idempotent repository not available ({}); the database alone decides", e.getMessage());
            return Set.of();
        }
    }

    /** Committed keys (stored now, or found stored by the database) go to the repository. */
    private void remember(List<StoreOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        List<String> committed = new ArrayList<>(outcomes.size());
        outcomes.forEach(outcome -> committed.add(outcome.receipt().idempotencyKey()));
        try {
            keys.remember(committed);
        } catch (RuntimeException e) {
            LOG.debug("Idempotent repository not updated ({}); the database keeps the keys", e.getMessage());
        }
    }

    private record Pending(List<ReceiptStore.Item> items, CompletableFuture<List<StoreOutcome>> result, long deadline) {
    }
}
