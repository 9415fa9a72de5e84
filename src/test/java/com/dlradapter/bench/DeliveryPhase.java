package com.dlradapter.bench;

import com.dlradapter.support.AdapterProcess;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Outbound delivery under load: a fresh adapter with one outbound webhook target, an in-process
 * {@link WebhookReceiver} that answers 200 at once. The webhooks are driven as in the main phase
 * (warm-up, then {@code bench.delivery-load} measured), then the load stops and the backlog drains
 * until it is empty or {@code bench.delivery-drain-timeout} has passed.
 *
 * <p>Every stored receipt becomes exactly one delivery to the one target (no filters), so the
 * backlog is the receipts answered 200 minus the distinct deliveries received (by
 * {@code webhook-id}): counted at the receiver, whatever the adapter's tables look like.
 */
final class DeliveryPhase {

    /** The target's name in the adapter's settings (dlr.outbound.bench.*). */
    private static final String TARGET = "bench";
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /**
     * @param receiptsPerSecond  receipts answered 2xx per second in the measured window
     * @param deliveriesPerSecond distinct deliveries received per second in the same window
     * @param backlogAtLoadEnd   receipts accepted (whole run) minus deliveries received, when the last answer came
     * @param drainSeconds       from the end of the load until the backlog was empty, or the timeout
     * @param drainedPerSecond   deliveries received per second while draining (NaN: nothing to drain)
     * @param left               backlog when the drain ended (0: drained)
     * @param adapterMillisPerDelivery adapter CPU per delivery while draining (only delivery work then)
     * @param databaseMillisPerDelivery database processes' CPU per delivery while draining (NaN: in the adapter)
     * @param repeatedRequests   requests received beyond the distinct deliveries (retries, a repeat)
     */
    record Result(LoadGenerator.Result load, double receiptsPerSecond, double deliveriesPerSecond,
                  long backlogAtLoadEnd, double drainSeconds, double drainedPerSecond, long left,
                  double adapterMillisPerDelivery, double databaseMillisPerDelivery, long repeatedRequests,
                  ReceiptCheck check) {

        boolean correct() {
            return check.correct() && load.runFailures() == 0 && load.runAnswersOtherThan(LoadGenerator.OK) == 0;
        }
    }

    private final AdapterLauncher launcher;
    private final BenchOptions options;

    DeliveryPhase(AdapterLauncher launcher, BenchOptions options) {
        this.launcher = launcher;
        this.options = options;
    }

    Result run(BenchDatabase database) throws Exception {
        String url = database.freshUrl();
        String secret = "whsec_" + Base64.getEncoder().encodeToString("bench-delivery-secret-32-bytes!!".getBytes());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Map<String, String> target = Map.of("DLR_OUTBOUND_TARGETS", TARGET,
                    "DLR_OUTBOUND_BENCH_URL", receiver.url(), "DLR_OUTBOUND_BENCH_SECRET", secret);
            String run = database.name() + "-deliveries";
            try (AdapterProcess adapter = launcher.start(run, url, database.durability(), target)) {
                Workload workload = Workload.remembering(99);
                DeliveryCount during = new DeliveryCount(receiver);
                System.out.printf("[%s] deliveries: POST /webhooks/{provider}, each receipt forwarded to %s%n", run,
                        receiver.url());
                LoadGenerator.Result load = new LoadGenerator(AdapterLauncher.port(adapter), options.connections())
                        .run(connection -> workload.nextWebhook(), options.warmUp(), options.deliveryLoad(), during);
                long accepted = load.accepted().cardinality();
                long backlog = accepted - receiver.delivered();
                System.out.printf("[%s] load over: %.0f receipts/s, %.0f deliveries/s; backlog %d, draining (at most %s)%n",
                        run, load.okPerSecond(), during.perSecond(), backlog, options.drainTimeout());

                ProcessCpu adapterCpu = ProcessCpu.process("adapter", adapter.pid());
                ProcessCpu databaseCpu = database.cpu();
                double adapterBefore = adapterCpu.millis();
                double databaseBefore = databaseCpu == null ? Double.NaN : databaseCpu.millis();
                long deliveredBefore = receiver.delivered();
                long start = System.nanoTime();
                long deadline = start + options.drainTimeout().toNanos();
                long nextProgress = start + PROGRESS_EVERY.toNanos();
                while (receiver.delivered() < accepted && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    if (System.nanoTime() >= nextProgress) {
                        System.out.printf("[%s] draining: %d left%n", run, accepted - receiver.delivered());
                        nextProgress += PROGRESS_EVERY.toNanos();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long drained = receiver.delivered() - deliveredBefore;
                double adapterMillis = adapterCpu.millis() - adapterBefore;
                double databaseMillis = databaseCpu == null ? Double.NaN : databaseCpu.millis() - databaseBefore;
                long left = Math.max(0, accepted - receiver.delivered());
                System.out.printf("[%s] drain over after %.1f s: %d delivered, %d left%n", run, seconds, drained, left);
                adapter.stop();
                return new Result(load, load.okPerSecond(), during.perSecond(), backlog, seconds,
                        drained == 0 ? Double.NaN : drained / seconds, left,
                        drained == 0 ? Double.NaN : adapterMillis / drained,
                        drained == 0 ? Double.NaN : databaseMillis / drained,
                        receiver.requests() - receiver.delivered(),
                        ReceiptCheck.of(url, workload, load.accepted()));
            }
        }
    }

    /** Deliveries received inside the load generator's measured window. */
    private static final class DeliveryCount implements LoadGenerator.Window {
        private final WebhookReceiver receiver;
        private long startNanos;
        private long startCount;
        private double perSecond;

        DeliveryCount(WebhookReceiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void started() {
            startNanos = System.nanoTime();
            startCount = receiver.delivered();
        }

        @Override
        public void ended() {
            perSecond = (receiver.delivered() - startCount) / ((System.nanoTime() - startNanos) / 1e9);
        }

        double perSecond() {
            return perSecond;
        }
    }
}
