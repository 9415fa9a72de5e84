package com.dlradapter.routing;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each sink target is drained on its own: a slow target does not hold up a fast one, and a target
 * that is down is probed (a round of per-target deliveries per poll interval), not hammered with
 * its whole backlog, while every delivery keeps its retry schedule.
 */
class DeliveryFairnessTest {

    private static final int RECEIPTS = 300;

    @TempDir
    Path data;

    private Map<String, String> settings(WebhookReceiver fast, WebhookReceiver other) {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routing.poll-interval", "100");
        settings.put("dlr.delivery.poll-interval", "500");
        settings.put("dlr.outbound.targets", "fast,other");
        settings.put("dlr.outbound.fast.url", fast.url("/fast"));
        settings.put("dlr.outbound.fast.secret", OutboundWebhookTest.SECRET);
        settings.put("dlr.outbound.other.url", other.url("/other"));
        settings.put("dlr.outbound.other.secret", OutboundWebhookTest.SECRET);
        settings.put("dlr.outbound.other.timeout", "5s");
        return settings;
    }

    @Test
    void aSlowTargetDoesNotHoldUpAFastOne() throws Exception {
        try (WebhookReceiver fast = WebhookReceiver.started(OutboundWebhookTest.SECRET);
             WebhookReceiver slow = WebhookReceiver.started(OutboundWebhookTest.SECRET)) {
            slow.delay(Duration.ofMillis(1500));
            try (RunningAdapter adapter = RunningAdapter.start(settings(fast, slow))) {
                post(adapter, "slow");
                // Waiting on the slow target between rounds, the fast one would get about
                // per-target deliveries every 1.5 s: 300 would take 45 s.
                await().atMost(Duration.ofSeconds(20)).until(() -> fast.acceptedCounts().size() == RECEIPTS);
                assertThat(slow.acceptedCounts().size()).as("the slow target is still far behind").isLessThan(RECEIPTS / 2);
                assertThat(fast.acceptedCounts().values()).allMatch(count -> count == 1);
            }
        }
    }

    @Test
    void aTargetThatIsDownIsProbedNotHammered() throws Exception {
        try (WebhookReceiver fast = WebhookReceiver.started(OutboundWebhookTest.SECRET);
             WebhookReceiver down = WebhookReceiver.started(OutboundWebhookTest.SECRET)) {
            down.answer(503);
            Map<String, String> settings = settings(fast, down);
            settings.put("dlr.delivery.per-target", "5");
            try (RunningAdapter adapter = RunningAdapter.start(settings)) {
                post(adapter, "down");
                await().atMost(Duration.ofSeconds(20)).until(() -> fast.acceptedCounts().size() == RECEIPTS);
                // At most a round of per-target (5) each poll interval (0.5 s), with slack for a
                // slow machine; sending its whole backlog would be 300 at once.
                long since = System.nanoTime();
                int before = down.received().size();
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                        down.received().size() - before <= ((System.nanoTime() - since) / 500_000_000L + 2) * 5);
                assertThat(down.received().size()).as("not the whole backlog at once").isLessThan(RECEIPTS / 2);
                assertThat(OutboundWebhookTest.deliveries(adapter, "failed")).isEmpty();

                down.answer(200);
                // back up: the target gets the rest of its backlog at full speed again
                await().atMost(Duration.ofSeconds(60)).until(() -> down.acceptedCounts().size() == RECEIPTS);
            }
        }
    }

    private static void post(RunningAdapter adapter, String prefix) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            java.util.List<Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < RECEIPTS; i++) {
                String id = prefix + "-" + i;
                answers.add(clients.submit(() -> adapter.post(adapter.webhook("zeckta"),
                        Payloads.zeckta(id, "MESSAGE_DELIVERED", "DELIVERED", id)).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            clients.shutdown();
        }
    }
}
