package com.dlradapter.observe;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metric labels never take their value from a request: a webhook request to a provider without a
 * mapping is counted under provider="unknown", so requests to made-up providers cannot grow the
 * scrape (they grew it from 214 KB to 78 MB).
 */
class MetricLabelTest {

    @TempDir
    Path data;

    @Test
    void requestsToMadeUpProvidersDoNotGrowTheScrape() {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data))) {
            // One of each answer first, so the series that may exist do exist.
            List<String> warmUp = List.of("/webhooks/warm-up/token", "/webhooks/zeckta/wrong");
            for (String path : warmUp) {
                adapter.post(path, "{}");
            }
            String before = scrape(adapter);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                String name = "p" + UUID.randomUUID().toString().replace("-", "");
                names.add(name);
                HttpResponse<String> answer = i % 2 == 0
                        ? adapter.post("/webhooks/" + name + "/" + name, "{}")
                        : adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/webhooks/" + name + "/t?x=1"))).GET());
                assertThat(answer.statusCode()).isEqualTo(404);
                if (i % 100 == 0) {
                    assertThat(adapter.post("/webhooks/" + name + "?token=x", "{}").statusCode()).isEqualTo(404);
                }
            }
            String after = scrape(adapter);
            for (String name : names.subList(0, 50)) {
                assertThat(after).doesNotContain(name);
            }
            // No series was added for them: what differs is counts, and series that come and go by
            // themselves (a first GC of a kind, a polling turn) carry no provider from a request.
            java.util.Set<String> added = new java.util.TreeSet<>(series(after));
            added.removeAll(series(before));
            assertThat(added).as("series added by 1,000 requests to made-up providers")
                    .allSatisfy(key -> assertThat(key).doesNotContain("webhook").doesNotContain("provider="));
            assertThat(after.length() - before.length())
                    .as("the scrape grew from %d to %d bytes; added series %s", before.length(), after.length(), added)
                    .isLessThan(16_384);
            Matcher unknown = Pattern.compile("dlr_webhook_answer_seconds_count\\{code=\"404\",provider=\"unknown\"} (\\d+)").matcher(after);
            assertThat(unknown.find()).as("404s counted under provider=\"unknown\"").isTrue();
            assertThat(Double.parseDouble(unknown.group(1))).isGreaterThanOrEqualTo(1_000);
            assertThat(after).contains("dlr_webhook_answer_seconds_count{code=\"401\",provider=\"zeckta\"}");
        }
    }

    /** Each series of a Prometheus text scrape: its name and labels. */
    static java.util.Set<String> series(String scrape) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                keys.add(line.substring(0, line.lastIndexOf(' ')));
            }
        }
        return keys;
    }

    static String scrape(RunningAdapter adapter) {
        HttpResponse<String> metrics = adapter.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/metrics"))).GET());
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }
}
