package com.dlradapter.cluster;

import com.dlradapter.store.ReceiptKeyCache;
import com.hazelcast.map.IMap;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The idempotent consumer's receipt keys in the cluster's shared Hazelcast map (its time-to-live
 * is the map's, see {@link com.dlradapter.config.ClusterMember}). The group commit asks it once per
 * group ({@code getAll}) and tells it once per group, after the commit ({@code setAll}): two
 * map calls for a whole group instead of two per receipt, each of which would wait for a Hazelcast
 * partition thread (the benchmark's profile). No lock is taken: the database's unique key decides
 * what is stored, so a key the map lost or never saw only costs a database lookup.
 */
public class ReceiptKeyRepository implements ReceiptKeyCache {

    private final IMap<String, Boolean> keys;

    public ReceiptKeyRepository(IMap<String, Boolean> keys) {
        this.keys = keys;
    }

    @Override
    public Set<String> known(Collection<String> wanted) {
        Set<String> asked = wanted instanceof Set<String> set ? set : Set.copyOf(wanted);
        return keys.getAll(asked).keySet();
    }

    /**
     * Called only after the receipts are committed and answered, on the committer's thread (no
     * Hazelcast async thread to hand the completion to).
     */
    @Override
    public void remember(Collection<String> committed) {
        Map<String, Boolean> entries = new HashMap<>(committed.size() * 2);
        committed.forEach(key -> entries.put(key, Boolean.TRUE));
        keys.setAll(entries);
    }
}
