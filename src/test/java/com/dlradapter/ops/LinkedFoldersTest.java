package com.dlradapter.ops;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * routes/ and mappings/ given as symbolic links to folders (a mounted volume, a release's
 * current/ link): every route loads. Camel listed a linked routes folder without following it, so
 * the adapter started with no route and answered 404 on every path.
 */
class LinkedFoldersTest {

    @TempDir
    Path data;
    @TempDir
    Path real;
    @TempDir
    Path links;

    @Test
    void routesAndMappingsFoldersThatAreLinksServeEveryRoute() throws Exception {
        Path routes = Files.createSymbolicLink(links.resolve("routes"),
                ShippedFiles.copyRoutes(Files.createDirectory(real.resolve("routes"))));
        Path mappings = Files.createSymbolicLink(links.resolve("mappings"),
                ShippedFiles.copyMappings(Files.createDirectory(real.resolve("mappings"))));
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            var receipt = adapter.post("/webhooks/zeckta?token=test-zeckta-token", """
                    {"eventId": "linked-1", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                     "message": {"uuid": "linked-m1", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}""");
            assertThat(receipt.statusCode()).as(receipt.body()).isEqualTo(200);
            assertThat(adapter.message("zeckta", "linked-m1").get("status").asText()).isEqualTo("DELIVERED");
        }
    }
}
