package com.dlradapter.backoff;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying again, after a number of attempts: the one backoff type of the
 * adapter. Deliveries back off exponentially with jitter ({@link Exponential}, the
 * {@code dlr.delivery.*-delay} settings); polling follows a list of waits ({@link Steps},
 * {@code dlr.polling.backoff}). A leaf package: it knows no setting and no caller.
 */
public sealed interface Backoff permits Backoff.Exponential, Backoff.Steps {

    /**
     * The wait after the {@code attempts}-th attempt; 0 is the wait before the first attempt, where
     * the caller has one (polling: from tracking a message to its first poll).
     */
    Duration delayAfter(int attempts);

    /**
     * The n-th attempt waits {@code initialDelay * 2^(n-1)}, capped at {@code maxDelay}, times a
     * random factor in [0.8, 1.2) (never past the cap); 0 or fewer attempts wait the initial delay.
     */
    record Exponential(Duration initialDelay, Duration maxDelay) implements Backoff {

        @Override
        public Duration delayAfter(int attempts) {
            int doublings = Math.min(Math.max(attempts, 1) - 1, 40);   // no overflow at either end
            double base = initialDelay.toMillis() * Math.pow(2, doublings);
            double capped = Math.min(base, maxDelay.toMillis());
            double jittered = capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2);
            return Duration.ofMillis(Math.max(1, (long) Math.min(jittered, maxDelay.toMillis())));
        }
    }

    /** The n-th attempt waits {@code steps[n]}; the last step repeats, a negative count waits the first. */
    record Steps(List<Duration> steps) implements Backoff {

        public Steps {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("dlr.polling.backoff needs at least one duration");
            }
            steps = List.copyOf(steps);
        }

        @Override
        public Duration delayAfter(int attempts) {
            return steps.get(Math.max(0, Math.min(attempts, steps.size() - 1)));
        }
    }
}
