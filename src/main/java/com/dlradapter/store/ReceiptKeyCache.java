package com.dlradapter.store;

import java.util.Collection;
import java.util.Set;

/**
 * A fast memory of the receipt keys already stored, shared by the nodes of a cluster, in front of
 * the database (the idempotent consumer's repository: a Hazelcast map in the adapter). It may
 * forget and it may lag: the database's unique key decides what is a duplicate; the cache only
 * spares the database the duplicates it knows. A key is remembered only after its receipt is
 * committed, so a crash mid-request never turns the provider's retry into a "duplicate".
 */
public interface ReceiptKeyCache {

    /** Which of {@code keys} are known to be stored (one call for a whole group commit). */
    Set<String> known(Collection<String> keys);

    /** Remembers keys whose receipts are committed (one call for a whole group commit). */
    void remember(Collection<String> keys);

    /** No cache: every receipt is checked by the database alone. */
    ReceiptKeyCache NONE = new ReceiptKeyCache() {
        @Override
        public Set<String> known(Collection<String> keys) {
            return Set.of();
        }

        @Override
        public void remember(Collection<String> keys) {
        }
    };
}
