package com.dlradapter.config;

import com.dlradapter.support.RunningAdapter;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.exception.RetryableHazelcastException;
import com.hazelcast.spi.exception.WrongTargetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The adapter's own Hazelcast member: its name, its bind address, its key TTL and its allow-list. */
class ClusterMemberTest {

    private ClusterMember member;

    @BeforeEach
    void start() {
        member = new ClusterMember("dlr-member-test-" + System.nanoTime(), "127.0.0.1", RunningAdapter.freePort(),
                List.of(), Duration.ofHours(72));
        member.start();
    }

    @AfterEach
    void stop() {
        member.stop();
    }

    /** Any class outside the allow-list: what a gadget chain would need. */
    static final class NotAllowed implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void javaDeserialisationIsLimitedToTheAllowList() {
        IMap<String, Object> map = member.instance().getMap("probe");
        map.put("allowed", "a string");
        assertThat(map.get("allowed")).isEqualTo("a string");
        assertThatThrownBy(() -> {
            map.put("refused", new NotAllowed());
            map.get("refused");
        }).hasStackTraceContaining(NotAllowed.class.getName()).hasStackTraceContaining("SecurityException");
    }

    /**
     * Hazelcast's default allow-list (java*, javax*, com.hazelcast.*) would admit JDK gadget classes.
     * A PriorityQueue itself has a Hazelcast serializer, but its comparator is Java-serialised: the
     * entry point of the classic PriorityQueue + comparator gadget chains. java.net.URL is URLDNS's.
     */
    @Test
    void jdkClassesOutsideTheAllowListAreRefused() throws Exception {
        IMap<String, Object> map = member.instance().getMap("probe");
        PriorityQueue<String> queue = new PriorityQueue<>(Collections.reverseOrder());
        queue.addAll(List.of("a", "b"));
        assertThatThrownBy(() -> {
            map.put("queue", queue);
            map.get("queue");
        }).hasStackTraceContaining("SecurityException").hasStackTraceContaining("java.util.Collections$ReverseComparator");
        URL url = new URL("http://127.0.0.1/");
        assertThatThrownBy(() -> {
            map.put("url", url);
            map.get("url");
        }).hasStackTraceContaining("SecurityException").hasStackTraceContaining(URL.class.getName());
        assertThat(member.instance().getConfig().getSerializationConfig().getJavaSerializationFilterConfig()
                .isDefaultsDisabled()).isTrue();
    }

    @Test
    void theAllowedTypesStillRoundTrip() {
        IMap<String, Object> map = member.instance().getMap("probe");
        map.put("s", "text");
        map.put("b", Boolean.TRUE);
        map.put("l", 42L);
        assertThat(map.get("s")).isEqualTo("text");
        assertThat(map.get("b")).isEqualTo(Boolean.TRUE);
        assertThat(map.get("l")).isEqualTo(42L);
    }

    /** Members send an operation's error by Java serialisation; refusing it breaks Hazelcast's retries. */
    @Test
    void hazelcastErrorsBetweenMembersStillTravel() {
        IMap<String, Object> map = member.instance().getMap("probe");
        WrongTargetException error = new WrongTargetException(null, null, 3, 1, "probe");
        error.addSuppressed(new IllegalStateException("and this"));
        map.put("error", error);
        assertThat((Throwable) map.get("error")).isInstanceOf(WrongTargetException.class)
                .hasMessage(error.getMessage()).hasSuppressedException(new IllegalStateException("and this"));
        map.put("plain", new RetryableHazelcastException("plain"));
        assertThat(map.get("plain")).isInstanceOf(RetryableHazelcastException.class);
    }

    @Test
    void theMemberHasItsOwnClusterNameAddressAndKeyTtl() {
        HazelcastInstance instance = member.instance();
        assertThat(instance.getConfig().getClusterName()).startsWith("dlr-member-test-");
        assertThat(instance.getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
        assertThat(instance.getConfig().getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(instance.getConfig().getMapConfig(ClusterMember.RECEIPT_KEYS_MAP).getTimeToLiveSeconds())
                .isEqualTo(72 * 3600);
    }
}
