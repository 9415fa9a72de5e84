package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A post of many receipts costs time linear in its items: 6,000 receipts in one request (an
 * operator who raised dlr.max-receipts-per-request) are stored and answered in a few seconds. The
 * pipeline used to split the request and store the receipts one group commit after the other,
 * aggregating the answers: 22 s of CPU and no answer before the request timeout.
 */
class LargeBatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECEIPTS = 6_000;

    @TempDir
    Path data;

    @Test
    void sixThousandReceiptsInOnePostAreStoredAndAnsweredWellWithinTheRequestTimeout() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.max-receipts-per-request", String.valueOf(RECEIPTS));
        settings.put("dlr.max-body-bytes", String.valueOf(4 << 20));
        String batch = UUID.randomUUID().toString();
        StringJoiner body = new StringJoiner(",", "[", "]");
        for (int i = 0; i < RECEIPTS; i++) {
            body.add(item(batch, i));
        }
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            // warm the pipeline up first, so the bound below measures the items, not a cold JVM
            assertThat(adapter.post(adapter.webhook("mplus"), "[" + item("warm-up", 0) + "]").statusCode()).isEqualTo(200);
            long start = System.nanoTime();
            HttpResponse<String> response = adapter.post(adapter.webhook("mplus"), body.toString());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(response.body());
            assertThat(answer.get("receipts")).hasSize(RECEIPTS);
            assertThat(seconds).as("answered well before the 30 s request timeout").isLessThan(15);
            assertThat(Sql.number(adapter.bean("dataSource", DataSource.class), "SELECT COUNT(*) FROM receipt_event WHERE provider = 'mplus'")).isEqualTo(RECEIPTS + 1);
        }
    }

    private static String item(String batch, int i) {
        return "{\"destination\": \"+4411111" + String.format("%05d", i) + "\", \"delivered\": " + (i % 7 != 0)
                + ", \"batchuuid\": \"" + batch + "\", \"messageuuid\": \"" + UUID.randomUUID()
                + "\", \"receiptInfo\": {\"code\": \"00\", \"description\": \"Successful\"}}";
    }
}
