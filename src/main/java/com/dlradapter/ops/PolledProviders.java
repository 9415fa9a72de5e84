package com.dlradapter.ops;

import com.dlradapter.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

import java.util.Collection;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which providers are polled: those with a polling route (routes/polling-template.yaml, on the
 * Quartz endpoint {@code quartz://dlr-polling/<provider>}) and a status API to call,
 * {@code dlr.providers.<id>.base-url}. The one place that decides it, for the start (a polling route
 * without a base URL is not started), the start-up summary and the query API's
 * {@code polling.state} ({@code off} for a provider that is not polled).
 */
public class PolledProviders implements Predicate<String> {

    /** The endpoint of a provider's polling route, as routes/polling-template.yaml names it. */
    static final String POLL_ENDPOINT = "quartz://dlr-polling/";

    private final CamelContext context;
    private final Settings settings;

    public PolledProviders(CamelContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    /** Whether the provider's status API is configured: {@code dlr.providers.<id>.base-url}. */
    public static boolean hasStatusApi(Settings settings, String provider) {
        return settings.optional("dlr.providers." + provider + ".base-url").isPresent();
    }

    /**
     * Camel's auto-startup exclusion (matched against the routes' endpoints) for the polling
     * routes of the providers without a status API: there is nothing for them to do. Null: none.
     */
    public static String notPolledPattern(Settings settings, Collection<String> providers) {
        String pattern = providers.stream().filter(provider -> !hasStatusApi(settings, provider))
                .map(provider -> POLL_ENDPOINT + provider + "*")
                .collect(Collectors.joining(","));
        return pattern.isEmpty() ? null : pattern;
    }

    @Override
    public boolean test(String provider) {
        return hasStatusApi(settings, provider) && hasPollingRoute(provider);
    }

    private boolean hasPollingRoute(String provider) {
        for (Route route : context.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.equals(POLL_ENDPOINT + provider) || uri.startsWith(POLL_ENDPOINT + provider + "?")) {
                return true;
            }
        }
        return false;
    }
}
