package com.dlradapter.config;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to the {@code dlr.*} settings. Values come from Camel's properties component, so an
 * environment variable overrides a key by Camel's rule ({@code dlr.http.port} is {@code DLR_HTTP_PORT}).
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String text(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public int integer(String key, int defaultValue) {
        return optional(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
    }

    public long longValue(String key, long defaultValue) {
        return optional(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
    }

    public double doubleValue(String key, double defaultValue) {
        return optional(key).map(v -> parse(key, v, Double::parseDouble)).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return optional(key).map(Boolean::parseBoolean).orElse(defaultValue);
    }

    public Duration duration(String key, Duration defaultValue) {
        return optional(key).map(v -> parse(key, v, Settings::parseDuration)).orElse(defaultValue);
    }

    public List<String> list(String key) {
        return optional(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 72h}, {@code 3d}, or ISO-8601 ({@code PT30S}). */
    public static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase();
        if (value.startsWith("p")) {
            return Duration.parse(value.toUpperCase());
        }
        int split = 0;
        while (split < value.length() && Character.isDigit(value.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 5m, 72h or 3d");
        }
        long amount = Long.parseLong(value.substring(0, split));
        return switch (value.substring(split).trim()) {
            case "ms" -> Duration.ofMillis(amount);
            case "s", "" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 5m, 72h or 3d");
        };
    }

    private interface Parser<T> {
        T parse(String value);
    }

    private static <T> T parse(String key, String value, Parser<T> parser) {
        try {
            return parser.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("setting " + key + ": '" + value + "' is not valid: " + e.getMessage(), e);
        }
    }
}
