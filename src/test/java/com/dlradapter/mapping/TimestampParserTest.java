package com.dlradapter.mapping;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Timestamps outside the years 1970 to 9999 are unmappable, in every format. */
class TimestampParserTest {

    private final TimestampParser iso = TimestampParser.of(ZoneId.of("UTC"), List.of("ISO"), "test");
    private final TimestampParser epoch = TimestampParser.of(ZoneId.of("UTC"), List.of("EPOCH_SECONDS", "EPOCH_MILLIS"), "test");
    private final TimestampParser pattern = TimestampParser.of(ZoneId.of("Africa/Lagos"), List.of("yyyy-MM-dd HH:mm"), "test");

    @Test
    void theYears1970To9999AreAcceptedAndNothingOutside() {
        assertThat(iso.parse("1970-01-01T00:00:00Z")).isEqualTo(Instant.EPOCH);
        assertThat(iso.parse("9999-12-31T23:59:59.999999999Z")).isEqualTo(TimestampParser.LATEST);
        for (String outside : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "1970-01-01T00:30:00+01:00")) {
            assertThatThrownBy(() -> iso.parse(outside)).as(outside)
                    .isInstanceOf(UnmappablePayloadException.class).hasMessageContaining("outside the years 1970 to 9999");
        }
        // a local time is read in the provider's zone first: 1970-01-01 00:30 in Lagos is 1969 in UTC
        assertThatThrownBy(() -> pattern.parse("1970-01-01 00:30")).isInstanceOf(UnmappablePayloadException.class);
        assertThat(pattern.parse("1970-01-01 01:30")).isEqualTo(Instant.parse("1970-01-01T00:30:00Z"));
    }

    @Test
    void epochNumbersOutOfRangeAreUnmappable() {
        assertThat(epoch.parse(new BigInteger("1718000000"))).isEqualTo(Instant.ofEpochSecond(1_718_000_000L));
        // seconds first: a value in milliseconds is out of range as seconds, so read as milliseconds
        assertThat(epoch.parse(new BigInteger("1718000000123"))).isEqualTo(Instant.ofEpochMilli(1_718_000_000_123L));
        for (String outside : List.of("-1", "253402300800000", "-62135596800")) {
            assertThatThrownBy(() -> epoch.parse(new BigInteger(outside))).as(outside)
                    .isInstanceOf(UnmappablePayloadException.class).hasMessageContaining("outside the years 1970 to 9999");
        }
    }

    @Test
    void extremeEpochNumbersAreRefusedWithoutComputingThem() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (Object value : List.<Object>of(new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE),
                    new BigDecimal(BigInteger.ONE, -Integer.MAX_VALUE), new BigDecimal(BigInteger.TEN, Integer.MIN_VALUE),
                    new BigInteger("9".repeat(60)), "-1e-2147483647", "1e2147483647")) {
                assertThatThrownBy(() -> epoch.parse(value)).as(String.valueOf(value))
                        .isInstanceOf(UnmappablePayloadException.class);
            }
        });
    }
}
