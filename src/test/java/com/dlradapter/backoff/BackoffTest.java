package com.dlradapter.backoff;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two shapes of the one backoff type (the exponential one in detail: routing's RetryPolicyTest). */
class BackoffTest {

    @Test
    void stepsWaitTheNthStepAfterTheNthAttemptAndRepeatTheLast() {
        Backoff polling = new Backoff.Steps(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5)));
        assertThat(polling.delayAfter(0)).as("before the first poll").isEqualTo(Duration.ofMinutes(1));
        assertThat(polling.delayAfter(1)).isEqualTo(Duration.ofMinutes(2));
        assertThat(polling.delayAfter(2)).isEqualTo(Duration.ofMinutes(5));
        assertThat(polling.delayAfter(3)).isEqualTo(Duration.ofMinutes(5));
        assertThat(polling.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
        assertThat(polling.delayAfter(-1)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void stepsNeedAtLeastOneDurationAndAreCopied() {
        assertThatThrownBy(() -> new Backoff.Steps(List.of())).hasMessageContaining("dlr.polling.backoff");
        List<Duration> steps = new ArrayList<>(List.of(Duration.ofSeconds(1)));
        Backoff backoff = new Backoff.Steps(steps);
        steps.set(0, Duration.ofHours(1));
        assertThat(backoff.delayAfter(0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void exponentialDoublesUpToTheCapWithJitter() {
        Backoff deliveries = new Backoff.Exponential(Duration.ofSeconds(5), Duration.ofSeconds(30));
        for (int i = 0; i < 200; i++) {
            assertThat(deliveries.delayAfter(1).toMillis()).isBetween(4000L, 6000L);
            assertThat(deliveries.delayAfter(2).toMillis()).isBetween(8000L, 12000L);
            assertThat(deliveries.delayAfter(10).toMillis()).isBetween(24000L, 30000L);
        }
    }
}
