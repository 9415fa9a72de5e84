package com.dlradapter.http;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The HTTP methods a provider's webhook route takes ({@code methods} of routes/webhook-template.kamelet.yaml,
 * e.g. "GET, POST"), read from the route serving {@code /webhooks/{provider}}, so that the
 * path-token form {@code /webhooks/{provider}/{token}}, one route for every provider, answers 405
 * where the provider's own route would. Cached per provider (callers ask only for known
 * providers); any route added, removed, started or stopped (hot reload) clears the cache.
 */
public final class WebhookMethods extends EventNotifierSupport implements Function<String, String> {

    /** Any method: the provider's route has no httpMethodRestrict. */
    public static final String ANY = "*";
    private static final String NONE = "";

    private final CamelContext context;
    private final ConcurrentHashMap<String, String> methods = new ConcurrentHashMap<>();

    public WebhookMethods(CamelContext context) {
        this.context = context;
        setIgnoreCamelContextEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeEvents(true);
        setIgnoreStepEvents(true);
    }

    /** "GET, POST", {@link #ANY}, or null when no route serves {@code /webhooks/{provider}}. */
    @Override
    public String apply(String provider) {
        String known = methods.computeIfAbsent(provider, this::find);
        return known.isEmpty() ? null : known;
    }

    private String find(String provider) {
        String path = "/webhooks/" + provider;
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint endpoint && path.equals(endpoint.getPath())) {
                String restrict = endpoint.getHttpMethodRestrict();
                if (restrict == null || restrict.isBlank()) {
                    return ANY;
                }
                return String.join(", ", restrict.toUpperCase(Locale.ROOT).replace(" ", "").split(","));
            }
        }
        return NONE;
    }

    /** Whether {@code method} is one of {@code allowed} ("GET, POST" or {@link #ANY}). */
    public static boolean allows(String allowed, String method) {
        if (ANY.equals(allowed)) {
            return true;
        }
        int from = 0;
        while (from < allowed.length()) {
            int comma = allowed.indexOf(',', from);
            int end = comma < 0 ? allowed.length() : comma;
            int start = from;
            while (start < end && allowed.charAt(start) == ' ') {
                start++;
            }
            if (end - start == method.length() && allowed.regionMatches(true, start, method, 0, method.length())) {
                return true;
            }
            from = end + 1;
        }
        return false;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        methods.clear();
    }
}
