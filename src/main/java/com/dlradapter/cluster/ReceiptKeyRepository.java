package com.dlradapter.cluster;

import com.hazelcast.map.IMap;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The idempotent consumer's receipt keys in the cluster's shared Hazelcast map (its time-to-live
 * is the map's, see {@link com.dlradapter.config.ClusterMember}). Each call is one map operation:
 * Camel's HazelcastIdempotentRepository wraps every one in a distributed lock and unlock, three
 * operations where {@code containsKey} and {@code putIfAbsent} are atomic already (the benchmark
 * measured its lock waits on the request path). Nothing here decides what is stored: the
 * database's unique key does, so a key the map lost or never saw only costs a database lookup.
 */
public class ReceiptKeyRepository extends ServiceSupport implements IdempotentRepository {

    private final IMap<String, Boolean> keys;

    public ReceiptKeyRepository(IMap<String, Boolean> keys) {
        this.keys = keys;
    }

    @Override
    public boolean contains(String key) {
        return keys.containsKey(key);
    }

    /** Called only after the receipt is committed (the consumer is not eager). */
    @Override
    public boolean add(String key) {
        return keys.putIfAbsent(key, Boolean.TRUE) == null;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public boolean remove(String key) {
        keys.delete(key);
        return true;
    }

    @Override
    public void clear() {
        keys.clear();
    }
}
