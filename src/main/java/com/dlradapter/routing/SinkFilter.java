package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A sink's filter: the canonical statuses and providers it wants; an empty list means all.
 * Status names are checked at start, so a typo stops the adapter instead of silently matching nothing.
 */
public record SinkFilter(Set<CanonicalStatus> statuses, Set<String> providers) {

    public static SinkFilter of(String setting, List<String> statuses, List<String> providers) {
        Set<CanonicalStatus> parsed = statuses.stream().map(s -> {
            try {
                return CanonicalStatus.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting " + setting + ".statuses: '" + s
                        + "' is not a canonical status (" + List.of(CanonicalStatus.values()) + ")");
            }
        }).collect(Collectors.toUnmodifiableSet());
        return new SinkFilter(parsed, Set.copyOf(providers));
    }

    public boolean matches(String provider, CanonicalStatus status) {
        return (statuses.isEmpty() || statuses.contains(status)) && (providers.isEmpty() || providers.contains(provider));
    }
}
