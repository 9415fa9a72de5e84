package com.dlradapter.observe;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.store.StoreOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapter's own Prometheus metrics (scraped at /observe/metrics on the management port, next
 * to Camel's): receipts stored by provider, status and source; duplicates; dead letters; the
 * webhook answer latency as a histogram; status API calls and their errors; outbound delivery
 * attempts, failures and backlog; email digests. The README's Operations section lists them.
 */
public class AdapterMetrics {

    private final MeterRegistry registry;

    private final Counter digestsSent;
    private final Counter digestsFailed;
    private final DistributionSummary groupReceipts;
    private final Timer groupTime;
    private final Map<ReceiptLabels, Counter> receipts = new ConcurrentHashMap<>();
    private final Map<AnswerLabels, Timer> answers = new ConcurrentHashMap<>();
    private final Map<DeliveryLabels, Counter> deliveryAttempts = new ConcurrentHashMap<>();
    private final Map<DeliveryLabels, Counter> deliveriesFailed = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> lastPolled = new ConcurrentHashMap<>();

    public AdapterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.digestsSent = Counter.builder("dlr.email.digests.sent")
                .description("Email alert digests accepted by the SMTP server").register(registry);
        this.digestsFailed = Counter.builder("dlr.email.digests.failed")
                .description("Email alert digests the SMTP server did not take (retried later)").register(registry);
        this.groupReceipts = DistributionSummary.builder("dlr.group.commit.receipts")
                .description("Receipts committed together in one transaction").register(registry);
        this.groupTime = Timer.builder("dlr.group.commit").description("Time to write, commit and flush one group of receipts")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** dlr_receipts_stored_total{provider,status,source} or dlr_receipts_duplicate_total{provider,source}. */
    public void stored(StoreOutcome outcome, ReceiptSource source) {
        DeliveryReceipt receipt = outcome.receipt();
        // a receipt counts a handful of times a second per label set: look each counter up once
        receipts.computeIfAbsent(new ReceiptLabels(receipt.provider(), outcome.duplicate() ? null : receipt.status(), source),
                this::receiptCounter).increment();
    }

    private Counter receiptCounter(ReceiptLabels labels) {
        String sourceName = labels.source().name().toLowerCase();
        if (labels.status() == null) {
            return Counter.builder("dlr.receipts.duplicate").description("Receipts received again and not stored twice")
                    .tag("provider", labels.provider()).tag("source", sourceName).register(registry);
        }
        return Counter.builder("dlr.receipts.stored").description("Receipts committed to the store")
                .tag("provider", labels.provider()).tag("status", labels.status().name()).tag("source", sourceName)
                .register(registry);
    }

    /** The labels of a receipt counter; status null: a duplicate. */
    private record ReceiptLabels(String provider, CanonicalStatus status, ReceiptSource source) {
    }

    /** dlr_dead_letters_total{provider,source}. */
    public void deadLettered(String provider, ReceiptSource source) {
        Counter.builder("dlr.dead.letters").description("Payloads no mapping could use, kept as dead letters")
                .tag("provider", String.valueOf(provider)).tag("source", source.name().toLowerCase())
                .register(registry).increment();
    }

    /** dlr_webhook_answer_seconds{provider,code} histogram. */
    public void webhookAnswered(String provider, int code, Duration took) {
        answers.computeIfAbsent(new AnswerLabels(String.valueOf(provider), code), labels ->
                Timer.builder("dlr.webhook.answer").description("Time from a webhook request to its answer")
                        .tag("provider", labels.provider()).tag("code", String.valueOf(labels.code()))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry)).record(took);
    }

    private record AnswerLabels(String provider, int code) {
    }

    /** dlr_polling_calls_total{provider,outcome}: a status API call that went as expected (answered, not-found). */
    public void polled(String provider, String outcome) {
        pollCalls(provider, outcome).increment();
        lastPolled.put(String.valueOf(provider), java.time.Instant.now());
    }

    /** When this node last called the provider's status API and got an expected answer; null when not since the start. */
    public java.time.Instant lastSuccessfulPoll(String provider) {
        return lastPolled.get(provider);
    }

    /** This node's status API calls of the provider that went wrong since the start, by kind (the outcome label). */
    public Map<String, Long> pollErrors(String provider) {
        Map<String, Long> errors = new java.util.TreeMap<>();
        registry.find("dlr.polling.errors").tag("provider", provider).counters()
                .forEach(counter -> errors.merge(counter.getId().getTag("outcome"), (long) counter.count(), Long::sum));
        return errors;
    }

    /**
     * A status API call that went wrong and is tried again: counted in dlr_polling_calls_total and
     * in dlr_polling_errors_total{provider,outcome}, with the same outcome.
     */
    public void pollFailed(String provider, String outcome) {
        pollCalls(provider, outcome).increment();
        Counter.builder("dlr.polling.errors").description("Status API calls that went wrong and are tried again")
                .tag("provider", String.valueOf(provider)).tag("outcome", outcome)
                .register(registry).increment();
    }

    private Counter pollCalls(String provider, String outcome) {
        return Counter.builder("dlr.polling.calls").description("Status API calls, by outcome")
                .tag("provider", String.valueOf(provider)).tag("outcome", outcome)
                .register(registry);
    }

    /** dlr_delivery_attempts_total{sink,target,outcome}: one attempt to deliver (delivered, retrying, failed). */
    public void deliveryAttempted(String sink, String target, String outcome) {
        // counted per delivery: each label set's counter looked up once
        deliveryAttempts.computeIfAbsent(new DeliveryLabels(sink, target, outcome), labels ->
                Counter.builder("dlr.delivery.attempts").description("Outbound delivery attempts (webhooks, JDBC sinks), by outcome")
                        .tag("sink", labels.sink()).tag("target", labels.target()).tag("outcome", labels.outcome())
                        .register(registry)).increment();
    }

    /** dlr_deliveries_failed_total{sink,target,outcome}: a delivery given up for good (gave-up, gone, not-sent). */
    public void deliveryFailed(String sink, String target, String outcome) {
        deliveriesFailed.computeIfAbsent(new DeliveryLabels(sink, target, outcome), labels ->
                Counter.builder("dlr.deliveries.failed").description("Outbound deliveries failed for good, by why")
                        .tag("sink", labels.sink()).tag("target", labels.target()).tag("outcome", labels.outcome())
                        .register(registry)).increment();
    }

    /** The labels of a delivery counter: configured sink targets and a few outcomes, a bounded set. */
    private record DeliveryLabels(String sink, String target, String outcome) {
    }

    /**
     * dlr_deliveries_pending{sink,target} for every configured target, and dlr_email_alerts_pending:
     * the outbound backlog, read from the backlog's cached counts (never one query per scrape).
     */
    public void outboundBacklog(OutboundBacklog backlog, Collection<String> webhookTargets, Collection<String> jdbcSinks) {
        webhookTargets.forEach(target -> pendingGauge(backlog, "webhook", target));
        jdbcSinks.forEach(target -> pendingGauge(backlog, "jdbc", target));
        Gauge.builder("dlr.email.alerts.pending", backlog, OutboundBacklog::waitingAlerts)
                .description("Email alerts waiting for their digest").strongReference(true).register(registry);
    }

    private void pendingGauge(OutboundBacklog backlog, String sink, String target) {
        Gauge.builder("dlr.deliveries.pending", backlog, b -> b.pending(sink, target))
                .description("Outbound deliveries not yet delivered nor failed (the backlog)")
                .tag("sink", sink).tag("target", target).strongReference(true).register(registry);
    }

    /** dlr_email_digests_sent_total and dlr_email_digests_failed_total, at 0 from the start. */
    public void emailDigest(boolean sent) {
        (sent ? digestsSent : digestsFailed).increment();
    }

    /**
     * dlr_group_commit_receipts (receipts per transaction) and dlr_group_commit_seconds (commit and
     * flush of one group): how much the concurrent requests share, and what a commit costs.
     */
    public void groupCommitted(int receipts, long nanos) {
        groupReceipts.record(receipts);
        groupTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
