package com.dlradapter.reload;

import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With hot reload, routes and mappings stay cross-checked when a mapping file is removed: a route
 * must not be left live without its mapping (its webhook answering 404 "unknown provider", the
 * state issue 15 refuses at start and on a route's reload). The mapping keeps serving while its
 * provider's routes are live, and goes once their route file is removed; a mapping no route names
 * goes at once, as before.
 */
class MappingRemovalReloadTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    @TempDir
    Path data;
    @TempDir
    Path routes;
    @TempDir
    Path mappings;
    private RunningAdapter adapter;

    @BeforeEach
    void start() throws IOException {
        ShippedFiles.copyRoutes(routes);
        ShippedFiles.copyMappings(mappings);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.reload", "true");
        settings.put("dlr.reload.interval", "200ms");
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        adapter = RunningAdapter.start(settings);
    }

    @AfterEach
    void stop() {
        adapter.close();
    }


    private Map<String, ?> loaded() {
        return adapter.bean("mappingRegistry", MappingRegistry.class).mappings();
    }

    @Test
    void aMappingRemovedWhileItsRouteIsLiveKeepsServingUntilTheRouteGoes() throws Exception {
        Files.delete(mappings.resolve("acme.yaml"));
        // its route still takes acme's receipts, mapped by the mapping it had
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(loaded()).containsKey("acme");
            var answer = adapter.post(adapter.webhook("acme"), "MessageSid=RM1&MessageStatus=sent", FORM);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        });
        // the route file goes: the route, then the mapping whose removal waited for it
        Files.delete(routes.resolve("acme.yaml"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(adapter.context().getRoute("webhook-acme")).isNull();
            assertThat(loaded()).doesNotContainKey("acme");
        });
    }

    @Test
    void aMappingNoRouteNamesGoesAtOnce() throws Exception {
        Files.writeString(mappings.resolve("acme5.yaml"), Files.readString(mappings.resolve("acme.yaml"))
                .replace("provider: acme", "provider: acme5"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(loaded()).containsKey("acme5"));
        Files.delete(mappings.resolve("acme5.yaml"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(loaded()).doesNotContainKey("acme5"));
        assertThat(loaded()).containsKey("acme");
    }
}
