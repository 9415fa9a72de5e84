package com.dlradapter.observe;

import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.store.StoreOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The adapter's own Prometheus metrics (scraped at /observe/metrics on the management port, next
 * to Camel's): receipts stored by provider, status and source; duplicates; dead letters; and the
 * webhook answer latency as a histogram.
 */
public class AdapterMetrics {

    private final MeterRegistry registry;

    public AdapterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** dlr_receipts_stored_total{provider,status,source} or dlr_receipts_duplicate_total{provider,source}. */
    public void stored(StoreOutcome outcome, ReceiptSource source) {
        String sourceName = source.name().toLowerCase();
        if (outcome.duplicate()) {
            Counter.builder("dlr.receipts.duplicate").description("Receipts received again and not stored twice")
                    .tag("provider", outcome.receipt().provider()).tag("source", sourceName)
                    .register(registry).increment();
        } else {
            Counter.builder("dlr.receipts.stored").description("Receipts committed to the store")
                    .tag("provider", outcome.receipt().provider())
                    .tag("status", String.valueOf(outcome.receipt().status()))
                    .tag("source", sourceName)
                    .register(registry).increment();
        }
    }

    /** dlr_dead_letters_total{provider,source}. */
    public void deadLettered(String provider, ReceiptSource source) {
        Counter.builder("dlr.dead.letters").description("Payloads no mapping could use, kept as dead letters")
                .tag("provider", String.valueOf(provider)).tag("source", source.name().toLowerCase())
                .register(registry).increment();
    }

    /** dlr_webhook_answer_seconds{provider,code} histogram. */
    public void webhookAnswered(String provider, int code, Duration took) {
        Timer.builder("dlr.webhook.answer").description("Time from a webhook request to its answer")
                .tag("provider", String.valueOf(provider)).tag("code", String.valueOf(code))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(took);
    }
}
