package com.dlradapter.cluster;

import com.hazelcast.map.IMap;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The receipt-key map is a cache: a map that stops answering costs a bounded wait once, not one blocked thread per commit. */
class ReceiptKeyRepositoryTest {

    @Test
    void aMapThatStopsAnsweringIsNotAskedAgainUntilItsLastLookupEnds() throws Exception {
        CountDownLatch hung = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        @SuppressWarnings("unchecked")
        IMap<String, Boolean> map = (IMap<String, Boolean>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {IMap.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getAll")) {
                        lookups.incrementAndGet();
                        hung.await(30, TimeUnit.SECONDS);
                        return Map.of("k1", Boolean.TRUE);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        ReceiptKeyRepository repository = new ReceiptKeyRepository(map);

        assertThat(repository.known(Set.of("k1"))).isEmpty();   // timed out: the database decides
        long start = System.nanoTime();
        assertThat(repository.known(Set.of("k1"))).isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(200);
        assertThat(lookups).hasValue(1);                          // not asked while the first is stuck

        hung.countDown();
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(repository.known(Set.of("k1"))).containsExactly("k1"));
        assertThat(lookups.get()).isGreaterThanOrEqualTo(2);
    }
}
