package com.dlradapter.routing;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases.Kind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst is routed at the pace it was stored: one turn of the routing worker drains the outbox
 * batch after batch, not one batch per poll interval (which capped routing at batch-size events
 * per interval, 50 a second by default, far below what the adapter stores).
 */
class RoutingDrainTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void oneTurnRoutesTheWholeBacklogBatchAfterBatch(Kind kind) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.delivery.batch-size", "5");
        settings.put("dlr.routing.poll-interval", "6000");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            for (int i = 0; i < 60; i++) {
                assertThat(adapter.post(adapter.webhook("zeckta"),
                        Payloads.zeckta("drain-" + i, "MESSAGE_DELIVERED", "DELIVERED", "drain-msg-" + i)).statusCode())
                        .isEqualTo(200);
            }
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            // 60 events, 5 a batch: all routed within one turn (at most two turns of 6 s), where
            // one batch a turn would leave 50 or more behind
            await().atMost(Duration.ofSeconds(14)).until(() -> count(dataSource) == 0);
        }
    }

    private static long count(DataSource dataSource) throws Exception {
        return Sql.number(dataSource, "SELECT COUNT(*) FROM routing_outbox");
    }
}
