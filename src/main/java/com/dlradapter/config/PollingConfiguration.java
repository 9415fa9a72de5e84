package com.dlradapter.config;

import com.dlradapter.backoff.Backoff;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.polling.OAuth2Tokens;
import com.dlradapter.polling.PollSchedule;
import com.dlradapter.polling.ProviderPoller;
import com.dlradapter.polling.StatusApi;
import com.dlradapter.routing.TargetTimeouts;
import org.apache.camel.CamelContext;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * polling/: the schedule of non-final messages (kept in the receipt's own transaction) and the
 * steps of routes/polling-template.kamelet.yaml, for the providers with a status API
 * ({@code dlr.providers.<id>.base-url}).
 */
final class PollingConfiguration {

    private PollingConfiguration() {
    }

    /** Whether a provider's status API is configured ({@code dlr.providers.<id>.base-url}): it is polled then. */
    static Predicate<String> statusApi(Settings settings) {
        return provider -> settings.optional("dlr.providers." + provider + ".base-url").isPresent();
    }

    /** A provider's status API settings, read each time they are asked for (a provider may come with hot reload). */
    static Function<String, StatusApi> statusApis(Settings settings) {
        return provider -> {
            String prefix = "dlr.providers." + provider + ".";
            return new StatusApi(provider, settings.optional(prefix + "base-url").orElse(null),
                    settings.optional(prefix + "api-key").orElse(null), settings.optional(prefix + "token-url").orElse(null),
                    settings.optional(prefix + "client-id").orElse(null),
                    settings.optional(prefix + "client-secret").orElse(null), timeout(settings, provider));
        };
    }

    /** The schedule, which commits with each receipt and marks overdue messages (then the store's overdue hooks run). */
    static PollSchedule schedule(Settings settings, StoreConfiguration store) {
        List<Duration> backoff = settings.list("dlr.polling.backoff").stream().map(Settings::parseDuration).toList();
        PollSchedule pollSchedule = new PollSchedule(store.database().dataSource(),
                new Backoff.Steps(backoff.isEmpty() ? List.of(Duration.ofMinutes(1)) : backoff),
                settings.duration("dlr.polling.max-age", Duration.ofHours(72)), store.overdueHooks(), statusApi(settings));
        store.receiptHooks().add(pollSchedule);
        return pollSchedule;
    }

    /** The polling route's beans; each provider's status API calls get its own time bound. */
    static void bind(CamelContext context, Settings settings, StoreConfiguration store, PollSchedule pollSchedule,
                     MappingRegistry mappings, AdapterMetrics metrics) {
        var registry = context.getRegistry();
        registry.bind("overdueHooks", store.overdueHooks());
        registry.bind("pollSchedule", pollSchedule);
        Function<String, StatusApi> apis = statusApis(settings);
        registry.bind("providerPoller", new ProviderPoller(apis, pollSchedule, new OAuth2Tokens(apis),
                settings.integer("dlr.polling.batch-size", 100), metrics));
        // dlr.providers.<id>.timeout; a provider added by hot reload gets its configurer when its
        // mapping is loaded, before its polling route's first call looks it up.
        Consumer<String> bindPollHttp = provider -> {
            if (registry.lookupByName("pollHttp-" + provider) == null) {
                registry.bind("pollHttp-" + provider, new TargetTimeouts(timeout(settings, provider)));
            }
        };
        mappings.mappings().keySet().forEach(bindPollHttp);
        mappings.onReload(bindPollHttp);
    }

    private static Duration timeout(Settings settings, String provider) {
        return settings.duration("dlr.providers." + provider + ".timeout", Duration.ofSeconds(10));
    }
}
