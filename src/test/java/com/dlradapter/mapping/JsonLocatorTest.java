package com.dlradapter.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A plain path walked on the tree reads exactly what Jayway JsonPath reads, missing values included. */
class JsonLocatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration JAYWAY = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .options(Option.SUPPRESS_EXCEPTIONS, Option.DEFAULT_PATH_LEAF_TO_NULL).build();

    private static final List<String> PAYLOADS = List.of(
            "{\"message\": {\"uuid\": \"u-1\", \"cost\": 0.5, \"segments\": 2, \"ok\": true, \"tags\": [\"a\", \"b\"]}}",
            "{\"message\": null, \"err-code\": \"0\", \"results\": [{\"status\": \"DELIVERED\"}, {\"status\": null}]}",
            "{\"message\": [1, 2], \"results\": {\"0\": \"x\"}, \"a\": {\"b\": {\"c\": {\"d\": \"deep\"}}}}",
            "[{\"id\": 1}, {\"id\": 2}]",
            "{}");

    private static final List<String> PATHS = List.of("$", "$.message", "$.message.uuid", "$.message.cost",
            "$.message.segments", "$.message.ok", "$.message.tags", "$.message.tags[1]", "$.message.tags[5]",
            "$['err-code']", "$.results[0].status", "$.results[1].status", "$.results[0]", "$.a.b.c.d", "$.a.x.c",
            "$.message.uuid.more", "$[0].id", "$[1]['id']", "$.missing");

    @Test
    void plainPathsAreWalkedAndReadLikeJayway() throws Exception {
        for (String payload : PAYLOADS) {
            JsonNode root = JSON.readTree(payload);
            for (String path : PATHS) {
                JsonLocator locator = JsonLocator.compile(path, "test");
                assertThat(JsonLocator.plainSteps(JsonPath.compile(path).getPath())).as(path).isNotNull();
                assertThat(plain(locator.read(root))).as("%s in %s", path, payload)
                        .isEqualTo(plain(JsonPath.compile(path).read(root, JAYWAY)));
            }
        }
    }

    @Test
    void otherPathsAreLeftToJayway() throws Exception {
        JsonNode root = JSON.readTree(PAYLOADS.get(1));
        for (String path : List.of("$.results[*].status", "$..status", "$.results[?(@.status == 'DELIVERED')].status",
                "$.results[-1]", "$['err-code','results']")) {
            JsonPath compiled = JsonPath.compile(path);
            assertThat(compiled.isDefinite() ? JsonLocator.plainSteps(compiled.getPath()) : null).as(path).isNull();
            assertThat(plain(JsonLocator.compile(path, "test").read(root))).as(path)
                    .isEqualTo(plain(compiled.read(root, JAYWAY)));
        }
    }

    @Test
    void theElementsOfAnItemsArrayAreCutOutExactlyAsWritten() {
        String root = "[ {\"id\": 1,\n \"s\": \"a\"} , {\"id\":2}]";
        assertThat(JsonLocator.compile("$[*]", "test").elementTexts(root))
                .containsExactly("{\"id\": 1,\n \"s\": \"a\"}", "{\"id\":2}");
        String nested = "{\"batch\": \"b\", \"receipts\": [{\"id\": \"x\", \"n\": [1, 2]}, {\"id\": \"é\"}], \"z\": {}}";
        assertThat(JsonLocator.compile("$.receipts[*]", "test").elementTexts(nested))
                .containsExactly("{\"id\": \"x\", \"n\": [1, 2]}", "{\"id\": \"é\"}");
        assertThat(JsonLocator.compile("$['receipts']", "test").elementTexts(nested)).hasSize(2);
        assertThat(JsonLocator.compile("$.batch", "test").elementTexts(nested)).isNull();
        assertThat(JsonLocator.compile("$.missing[*]", "test").elementTexts(nested)).isNull();
        assertThat(JsonLocator.compile("$..receipts[*]", "test").elementTexts(nested)).isNull();
    }

    /** Jayway hands leaves back as Java values and containers as nodes: compare them as plain values. */
    private static Object plain(Object value) {
        return value instanceof JsonNode node ? JsonValues.unwrap(node) : value instanceof Integer i ? java.math.BigInteger.valueOf(i)
                : value instanceof Long l ? java.math.BigInteger.valueOf(l) : value;
    }
}
