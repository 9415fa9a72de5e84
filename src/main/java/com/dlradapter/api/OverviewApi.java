package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.ops.PolledProviders;
import com.dlradapter.routing.DeliveryBoard;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.ReceiptFlow;
import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /api/overview}: the last hour at a glance for the console's Overview page: receipts
 * per minute by provider and by canonical status, dead letters and failed deliveries in the hour,
 * the outbound backlog per target, and per provider its newest receipt in the hour and its polling
 * state. Every figure is one indexed query (see {@link ReceiptFlow} for the receipts).
 */
public class OverviewApi {

    /** The window: the current minute and the 59 before it. */
    static final int MINUTES = 60;

    private final ReceiptFlow flow;
    private final DeadLetterStore deadLetters;
    private final DeliveryBoard deliveries;
    private final MappingRegistry mappings;
    private final PolledProviders polled;
    private final AdapterMetrics metrics;

    public OverviewApi(ReceiptFlow flow, DeadLetterStore deadLetters, DeliveryBoard deliveries, MappingRegistry mappings,
                       PolledProviders polled, AdapterMetrics metrics) {
        this.flow = flow;
        this.deadLetters = deadLetters;
        this.deliveries = deliveries;
        this.mappings = mappings;
        this.polled = polled;
        this.metrics = metrics;
    }

    /** How long one computed overview is answered to every console: its cost grows with the hour's traffic. */
    static final java.time.Duration REUSE = java.time.Duration.ofSeconds(10);
    private String lastAnswer;
    private long lastAt;

    public void overview(Exchange exchange) throws SQLException {
        String json;
        synchronized (this) {
            if (lastAnswer == null || System.nanoTime() - lastAt > REUSE.toNanos()) {
                lastAnswer = compute();
                lastAt = System.nanoTime();
            }
            json = lastAnswer;
        }
        ApiExchange.answerJson(exchange, 200, json);
    }

    private String compute() throws SQLException {
        Instant now = Instant.now();
        Instant since = now.truncatedTo(ChronoUnit.MINUTES).minus(MINUTES - 1, ChronoUnit.MINUTES);
        ReceiptFlow.Flow receipts = flow.since(since);

        List<String> minutes = new ArrayList<>(MINUTES);
        for (int i = 0; i < MINUTES; i++) {
            minutes.add(since.plus(i, ChronoUnit.MINUTES).toString());
        }
        Map<String, long[]> byProvider = new TreeMap<>();
        Map<String, long[]> byStatus = new TreeMap<>();
        long total = 0;
        for (ReceiptFlow.Count count : receipts.counts()) {
            int minute = (int) ChronoUnit.MINUTES.between(since, count.minute());
            if (minute < 0 || minute >= MINUTES) {
                continue;   // received "in the future" by a clock step: not in this window
            }
            byProvider.computeIfAbsent(count.provider(), key -> new long[MINUTES])[minute] += count.receipts();
            byStatus.computeIfAbsent(count.status(), key -> new long[MINUTES])[minute] += count.receipts();
            total += count.receipts();
        }

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("since", since.toString());
        answer.put("until", now.toString());
        answer.put("minutes", minutes);
        answer.put("receipts", total);
        answer.put("receiptsByProvider", series(byProvider));
        answer.put("receiptsByStatus", series(byStatus));
        answer.put("deadLetters", deadLetters.countSince(since));
        answer.put("failedDeliveries", deliveries.failedSince(since));
        List<Map<String, Object>> backlog = new ArrayList<>();
        for (DeliveryBoard.TargetCounts target : deliveries.targets()) {
            backlog.add(DeliveryApi.view(target));
        }
        answer.put("backlog", backlog);
        answer.put("providers", providers(receipts.lastReceived()));
        return CanonicalJson.write(answer);
    }

    /** A provider's polling on this node, as the overview and /api/providers show it. */
    static Map<String, Object> polling(String provider, PolledProviders polled, AdapterMetrics metrics) {
        Map<String, Object> polling = new LinkedHashMap<>();
        polling.put("state", polled.test(provider) ? "on" : "off");
        Instant lastPoll = metrics.lastSuccessfulPoll(provider);
        polling.put("lastSuccessfulCallAt", lastPoll == null ? null : lastPoll.toString());
        polling.put("errors", metrics.pollErrors(provider));
        return polling;
    }

    private static Map<String, List<Long>> series(Map<String, long[]> counts) {
        Map<String, List<Long>> series = new LinkedHashMap<>();
        counts.forEach((key, perMinute) -> series.put(key, java.util.Arrays.stream(perMinute).boxed().toList()));
        return series;
    }

    /** Every provider with a mapping (and any other that sent receipts this hour), sorted by id. */
    private List<Map<String, Object>> providers(Map<String, Instant> lastReceived) {
        TreeSet<String> ids = new TreeSet<>(mappings.mappings().keySet());
        ids.addAll(lastReceived.keySet());
        List<Map<String, Object>> providers = new ArrayList<>();
        for (String provider : ids) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("provider", provider);
            Instant last = lastReceived.get(provider);
            view.put("lastReceivedAt", last == null ? null : last.toString());
            view.put("polling", polling(provider, polled, metrics));
            providers.add(view);
        }
        return providers;
    }
}
