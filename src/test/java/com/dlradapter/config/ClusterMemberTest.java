package com.dlradapter.config;

import com.dlradapter.support.RunningAdapter;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

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
