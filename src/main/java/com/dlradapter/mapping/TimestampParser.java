package com.dlradapter.mapping;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses a provider's timestamps into UTC instants. Formats are tried in order: {@code ISO}
 * (ISO-8601, any fraction of a second, with or without an offset), {@code EPOCH_SECONDS},
 * {@code EPOCH_MILLIS}, or a {@link DateTimeFormatter} pattern such as {@code yyyy-MM-dd hh:mm a}.
 * A timestamp that carries no offset is read in the provider's time zone. Only the years 1970 to
 * 9999 (UTC) are accepted: anything outside is no real delivery time, and each database would
 * treat it differently (PostgreSQL refuses year 999999999, and writes a far past as -infinity).
 */
public final class TimestampParser {

    /** The earliest timestamp accepted: 1970-01-01T00:00:00Z. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** The latest timestamp accepted: the last instant of the year 9999 (UTC). */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** How a timestamp out of range is described in an error. */
    public static final String RANGE = "outside the years 1970 to 9999 (UTC)";

    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffsetId().optionalEnd()
            .toFormatter(Locale.ROOT);

    private final ZoneId zone;
    private final List<Format> formats;
    private final String description;

    private enum Kind { ISO, EPOCH_SECONDS, EPOCH_MILLIS, PATTERN }

    private record Format(Kind kind, DateTimeFormatter formatter) {
    }

    private TimestampParser(ZoneId zone, List<Format> formats, String description) {
        this.zone = zone;
        this.formats = formats;
        this.description = description;
    }

    public static TimestampParser of(ZoneId zone, List<String> formatNames, String where) {
        List<String> names = formatNames.isEmpty() ? List.of("ISO") : formatNames;
        List<Format> formats = new ArrayList<>();
        for (String name : names) {
            switch (name) {
                case "ISO" -> formats.add(new Format(Kind.ISO, ISO));
                case "EPOCH_SECONDS" -> formats.add(new Format(Kind.EPOCH_SECONDS, null));
                case "EPOCH_MILLIS" -> formats.add(new Format(Kind.EPOCH_MILLIS, null));
                default -> {
                    try {
                        formats.add(new Format(Kind.PATTERN, new DateTimeFormatterBuilder().parseCaseInsensitive()
                                .appendPattern(name).toFormatter(Locale.ENGLISH)));
                    } catch (IllegalArgumentException e) {
                        throw new MappingDefinitionException(where + ": invalid timestamp format '" + name + "': "
                                + e.getMessage(), e);
                    }
                }
            }
        }
        return new TimestampParser(zone, List.copyOf(formats), String.join(", ", names));
    }

    /** The instant, or an {@link UnmappablePayloadException} naming the value and the formats tried. */
    public Instant parse(Object value) {
        if (value == null) {
            return null;
        }
        boolean outOfRange = false;
        for (Format format : formats) {
            Instant instant = tryParse(format, value);
            if (instant != null && inRange(instant)) {
                return instant;
            }
            // read one way it is out of range; a later format may still read it (seconds, then millis)
            outOfRange |= instant != null;
        }
        if (outOfRange) {
            throw new UnmappablePayloadException("timestamp '" + value + "' is " + RANGE);
        }
        throw new UnmappablePayloadException("timestamp '" + value + "' matches none of the formats [" + description
                + "] (zone " + zone + ")");
    }

    /** Whether the instant is within the years 1970 to 9999 (UTC), both included. */
    public static boolean inRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    private Instant tryParse(Format format, Object value) {
        try {
            return switch (format.kind()) {
                case EPOCH_SECONDS -> epoch(value, 1);
                case EPOCH_MILLIS -> epoch(value, 1000);
                case ISO, PATTERN -> fromTemporal(format.formatter().parse(value.toString().trim()));
            };
        } catch (java.time.DateTimeException | ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * The instant of a parsed date and time, in its own zone or offset when it has one, else in the
     * provider's. Asks the parsed fields directly rather than trying ZonedDateTime, OffsetDateTime
     * and LocalDateTime in turn, which costs an exception per miss.
     */
    private Instant fromTemporal(TemporalAccessor parsed) {
        LocalDate date = parsed.query(TemporalQueries.localDate());
        LocalTime time = parsed.query(TemporalQueries.localTime());
        if (date == null || time == null) {
            return null;
        }
        ZoneId own = parsed.query(TemporalQueries.zone());
        return LocalDateTime.of(date, time).atZone(own != null ? own : zone).toInstant();
    }

    private static Instant epoch(Object value, int perSecond) {
        BigDecimal number = value instanceof Number n ? new BigDecimal(n.toString()) : new BigDecimal(value.toString().trim());
        if (number.precision() > 40 || Math.abs((long) number.scale()) > 40) {
            return null;   // 1e-2147483647 is valid JSON: dividing it would take for ever; no real epoch looks like it
        }
        BigDecimal seconds = number.divide(BigDecimal.valueOf(perSecond), 9, java.math.RoundingMode.FLOOR);
        long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        return Instant.ofEpochSecond(whole, seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue());
    }
}
