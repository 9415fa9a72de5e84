package com.dlradapter.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.LifecycleStrategySupport;

import java.util.Collection;
import java.util.function.Predicate;

/**
 * Which providers are polled: those with a polling route (routes/polling-template.kamelet.yaml, on the
 * Quartz endpoint {@code quartz://dlr-polling/<provider>}) and a status API to call,
 * {@code dlr.providers.<id>.base-url}. The one place that decides it, for the start (a polling route
 * without a base URL is not started, see {@link #onRoutesAdd}), the start-up summary and the query API's
 * {@code polling.state} ({@code off} for a provider that is not polled).
 */
public class PolledProviders extends LifecycleStrategySupport implements Predicate<String> {

    /** The endpoint of a provider's polling route, as routes/polling-template.kamelet.yaml names it. */
    static final String POLL_ENDPOINT = "quartz://dlr-polling/";

    private final CamelContext context;
    private final Predicate<String> statusApi;

    /** @param statusApi whether a provider's status API is configured ({@code dlr.providers.<id>.base-url}) */
    public PolledProviders(CamelContext context, Predicate<String> statusApi) {
        this.context = context;
        this.statusApi = statusApi;
    }

    /**
     * A polling route of a provider without a status API is not started: there is nothing for it
     * to do. Marked not to start automatically (rather than left out of the start), so Camel's
     * route health check counts it as intended, not as a stopped route that makes readiness DOWN;
     * a route added later by hot reload is treated alike.
     */
    @Override
    public void onRoutesAdd(Collection<Route> routes) {
        for (Route route : routes) {
            String provider = pollingRouteProvider(route);
            if (provider != null && !statusApi.test(provider)) {
                route.setAutoStartup(false);
            }
        }
    }

    /** The provider a polling route polls, or null for any other route. */
    private static String pollingRouteProvider(Route route) {
        String uri = route.getEndpoint().getEndpointUri();
        if (!uri.startsWith(POLL_ENDPOINT)) {
            return null;
        }
        String rest = uri.substring(POLL_ENDPOINT.length());
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    @Override
    public boolean test(String provider) {
        return statusApi.test(provider) && hasPollingRoute(provider);
    }

    private boolean hasPollingRoute(String provider) {
        return context.getRoutes().stream().anyMatch(route -> provider.equals(pollingRouteProvider(route)));
    }
}
