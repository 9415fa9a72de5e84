package com.dlradapter.ingest;

import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch whose every item the mapping refuses (an Infobip post whose status groups are all
 * unknown) is one dead letter, the whole payload; its reason still names each item by its index
 * and says why, as the dead letter of one bad item among good ones does (issue 15, point 6), not
 * only the first item's problem without its index.
 */
class AllItemsRefusedTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void theDeadLetterOfABatchWithNoGoodItemNamesEachItem() throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data))) {
            String two = "{\"results\": [" + item("AR-1", "NOPE") + ", " + item("AR-2", "NOPE2") + "]}";
            JsonNode answer = JSON.readTree(adapter.post(adapter.webhook("infobip"), two).body());
            assertThat(answer.get("result").asText()).as(answer.toString()).isEqualTo("dead-lettered");
            assertThat(answer.get("reason").asText())
                    .startsWith("all 2 items were refused: item 0 of 2: mappings/infobip.yaml")
                    .contains("provider status 'NOPE' is not in the statuses table")
                    .contains("; item 1 of 2: mappings/infobip.yaml")
                    .contains("provider status 'NOPE2' is not in the statuses table");

            // many: the first five named, the rest counted
            List<String> items = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                items.add(item("AR-M" + i, "BAD" + i));
            }
            JsonNode many = JSON.readTree(adapter.post(adapter.webhook("infobip"),
                    "{\"results\": [" + String.join(", ", items) + "]}").body());
            assertThat(many.get("reason").asText()).startsWith("all 8 items were refused: item 0 of 8: ")
                    .contains("item 4 of 8: ").doesNotContain("item 5 of 8").endsWith("; and 3 more");
        }
    }

    private static String item(String messageId, String group) {
        return "{\"bulkId\": \"AR\", \"messageId\": \"" + messageId + "\", \"to\": \"41793026727\", \"smsCount\": 1, "
                + "\"status\": {\"groupId\": 9, \"groupName\": \"" + group + "\", \"id\": 99, \"name\": \"X\"}}";
    }
}
