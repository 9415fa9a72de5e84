package com.dlradapter.cluster;

import com.dlradapter.store.ReceiptKeyCache;
import com.hazelcast.map.IMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The idempotent consumer's receipt keys in the cluster's shared Hazelcast map (its time-to-live
 * is the map's, set where the Hazelcast member is configured). The group commit asks it once per
 * group ({@code getAll}) and tells it once per group, after the commit ({@code setAllAsync}): two
 * map calls for a whole group instead of two per receipt, each of which would wait for a Hazelcast
 * partition thread (the benchmark's profile). No lock is taken: the database's unique key decides
 * what is stored, so a key the map lost, never saw, or could not be asked about in time only costs
 * a database lookup.
 */
public class ReceiptKeyRepository implements ReceiptKeyCache {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptKeyRepository.class);
    /**
     * How long a group commit waits for the map. A healthy member answers in well under a
     * millisecond; a cluster in trouble (a member leaving, a migration) may not answer for its call
     * timeout, a minute, and every commit would wait with it.
     */
    private static final long LOOKUP_MILLIS = 250;

    private final IMap<String, Boolean> keys;
    /** A lookup that timed out: until it ends, the map is in trouble and is not asked again. */
    private final AtomicReference<CompletableFuture<Set<String>>> stuck = new AtomicReference<>();

    public ReceiptKeyRepository(IMap<String, Boolean> keys) {
        this.keys = keys;
    }

    @Override
    public Set<String> known(Collection<String> wanted) {
        Set<String> asked = wanted instanceof Set<String> set ? set : Set.copyOf(wanted);
        CompletableFuture<Set<String>> timedOut = stuck.get();
        if (timedOut != null) {
            if (!timedOut.isDone()) {
                // the map has not answered a lookup that already timed out: asking again would only
                // block one more pool thread for the map's call timeout
                return Set.of();
            }
            stuck.compareAndSet(timedOut, null);
        }
        CompletableFuture<Set<String>> lookup = CompletableFuture.supplyAsync(() -> keys.getAll(asked).keySet());
        try {
            return lookup.get(LOOKUP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stuck.set(lookup);
            LOG.debug("The receipt-key map did not answer within {} ms; the database alone decides", LOOKUP_MILLIS);
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        } catch (ExecutionException e) {
            throw new IllegalStateException("receipt-key map lookup failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Called only after the receipts are committed and answered; not awaited: the map is a cache. */
    @Override
    public void remember(Collection<String> committed) {
        Map<String, Boolean> entries = new HashMap<>(committed.size() * 2);
        committed.forEach(key -> entries.put(key, Boolean.TRUE));
        keys.setAllAsync(entries).whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.debug("Receipt keys not remembered ({}); the database keeps them", failure.getMessage());
            }
        });
    }
}
