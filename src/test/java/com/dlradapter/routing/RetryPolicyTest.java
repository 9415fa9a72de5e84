package com.dlradapter.routing;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The delivery retry schedule with the shipped defaults: 5 s doubling, capped at 5 h, ±20 % jitter, 3 days. */
class RetryPolicyTest {

    private static final Duration INITIAL = Duration.ofSeconds(5);
    private static final Duration MAX_DELAY = Duration.ofHours(5);
    private static final Duration MAX_AGE = Duration.ofDays(3);
    private final RetryPolicy policy = new RetryPolicy(INITIAL, MAX_DELAY, MAX_AGE);

    private List<Long> samples(int failedAttempts) {
        return IntStream.range(0, 2000).mapToObj(i -> policy.delayAfter(failedAttempts).toMillis()).toList();
    }

    @Test
    void theDelayDoublesFromFiveSecondsWithinTwentyPercentJitter() {
        for (int attempt = 1; attempt <= 12; attempt++) {   // 5 s .. 5 s * 2^11 = 10240 s, under the cap
            long base = INITIAL.toMillis() << (attempt - 1);
            List<Long> delays = samples(attempt);
            assertThat(delays).as("attempt %d", attempt).allSatisfy(delay ->
                    assertThat(delay).isBetween((long) (base * 0.8), (long) (base * 1.2)));
            // jittered both ways, not a constant
            assertThat(delays).as("attempt %d", attempt).anyMatch(d -> d < base * 0.9).anyMatch(d -> d > base * 1.1);
        }
        assertThat(samples(1)).allSatisfy(d -> assertThat(d).isBetween(4000L, 6000L));
        assertThat(samples(2)).allSatisfy(d -> assertThat(d).isBetween(8000L, 12000L));
    }

    @Test
    void theDelayIsCappedAtTheMaximumDelay() {
        long max = MAX_DELAY.toMillis();
        for (int attempt : new int[] {13, 14, 20, 40, 41, 1000, Integer.MAX_VALUE}) {
            assertThat(samples(attempt)).as("attempt %d", attempt)
                    .allSatisfy(delay -> assertThat(delay).isBetween((long) (max * 0.8), max))
                    .anyMatch(delay -> delay < max * 0.9);   // still jittered below the cap
        }
    }

    @Test
    void aFirstOrNonsenseAttemptCountWaitsTheInitialDelay() {
        for (int attempt : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThat(samples(attempt)).allSatisfy(delay -> assertThat(delay).isBetween(4000L, 6000L));
        }
    }

    @Test
    void theNextAttemptIsEmptyOnceItWouldFallAfterTheGiveUpTime() {
        Instant now = Instant.parse("2026-06-09T12:00:00Z");
        assertThat(policy.nextAttempt(1, now, now.plusSeconds(3))).as("4-6 s is past a give-up in 3 s").isEmpty();
        assertThat(policy.nextAttempt(1, now, now.plusSeconds(7))).hasValueSatisfying(next ->
                assertThat(next).isBetween(now.plusSeconds(4), now.plusSeconds(6)));
        assertThat(policy.nextAttempt(1, now, now.minusSeconds(1))).isEmpty();
    }

    @RepeatedTest(20)
    void aDeliveryThatAlwaysFailsIsFailedAfterThreeDaysAndNotBefore() {
        Instant queued = Instant.parse("2026-06-09T12:00:00Z");
        Instant giveUp = queued.plus(MAX_AGE);
        Instant now = queued;   // each attempt fails at once, at its scheduled time
        List<Instant> attempts = new ArrayList<>(List.of(now));
        Optional<Instant> next;
        while ((next = policy.nextAttempt(attempts.size(), now, giveUp)).isPresent()) {
            now = next.get();
            attempts.add(now);
        }
        assertThat(attempts.get(attempts.size() - 1)).isBeforeOrEqualTo(giveUp);
        // the give-up is near: a further capped wait (at least 0.8 * 5 h) would pass it
        assertThat(Duration.between(attempts.get(attempts.size() - 1), giveUp)).isLessThan(MAX_DELAY);
        // 12 growing waits (about 11.4 h) and then at most 5 h apart: about 25 attempts in 3 days
        assertThat(attempts).hasSizeBetween(20, 30);
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(Duration.between(attempts.get(i - 1), attempts.get(i))).isLessThanOrEqualTo(MAX_DELAY);
        }
    }
}
