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
     * @param webhooks            the webhook load, and the CPU in its measured window (split by thread)
     * @param deliveriesPerSecond distinct deliveries received per second in that window
     * @param backlogAtLoadEnd    receipts accepted (whole run) minus deliveries received, when the last answer came
     * @param drain               the CPU from the end of the load until the backlog was empty or the
     *                            timeout (split by thread); its wall time is the drain's
     * @param drained             deliveries received while draining
     * @param left                backlog when the drain ended (0: drained)
     * @param repeatedRequests    requests received beyond the distinct deliveries (retries)
     */
    record Result(Phase webhooks, double deliveriesPerSecond, long backlogAtLoadEnd, CpuWindow.Usage drain,
                  long drained, long left, long repeatedRequests, ReceiptCheck check) {

        boolean correct() {
            return check.correct() && webhooks.load().runFailures() == 0
                    && webhooks.load().runAnswersOtherThan(LoadGenerator.OK) == 0;
        }

        /** Deliveries per second while draining; NaN when there was nothing to drain. */
        double drainedPerSecond() {
            return drained == 0 ? Double.NaN : drained / drain.wallSeconds();
        }

        /** CPU milliseconds per delivery while draining; NaN when nothing was drained. */
        double perDelivery(double millis) {
            return drained == 0 ? Double.NaN : millis / drained;
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
                CpuWindow loadCpu = new CpuWindow(adapter.pid(), database.cpu(), true);
                System.out.printf("[%s] deliveries: POST /webhooks/{provider}, each receipt forwarded to %s%n", run,
                        receiver.url());
                LoadGenerator.Result load = new LoadGenerator(AdapterLauncher.port(adapter), options.connections())
                        .run(connection -> workload.nextWebhook(), options.warmUp(), options.deliveryLoad(),
                                during.and(loadCpu));
                long accepted = load.accepted().cardinality();
                long backlog = accepted - receiver.delivered();
                System.out.printf("[%s] load over: %.0f receipts/s, %.0f deliveries/s; backlog %d, draining (at most %s)%n",
                        run, load.okPerSecond(), during.perSecond(), backlog, options.drainTimeout());

                CpuWindow drainCpu = new CpuWindow(adapter.pid(), database.cpu(), true);
                long deliveredBefore = receiver.delivered();
                drainCpu.started();
                awaitDrained(run, receiver, accepted);
                drainCpu.ended();
                long drained = receiver.delivered() - deliveredBefore;
                long left = Math.max(0, accepted - receiver.delivered());
                System.out.printf("[%s] drain over after %.1f s: %d delivered, %d left%n", run,
                        drainCpu.usage().wallSeconds(), drained, left);
                adapter.stop();
                return new Result(new Phase(load, loadCpu.usage()), during.perSecond(), backlog, drainCpu.usage(),
                        drained, left, receiver.requests() - receiver.delivered(),
                        ReceiptCheck.of(url, workload, load.accepted()));
            }
        }
    }

    /** Until {@code expected} distinct deliveries have arrived or the drain timeout has passed; progress every 10 s. */
    private void awaitDrained(String run, WebhookReceiver receiver, long expected) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + options.drainTimeout().toNanos();
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        while (receiver.delivered() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            if (System.nanoTime() >= nextProgress) {
                System.out.printf("[%s] draining: %d left%n", run, expected - receiver.delivered());
                nextProgress += PROGRESS_EVERY.toNanos();
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
