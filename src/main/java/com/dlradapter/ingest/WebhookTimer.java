package com.dlradapter.ingest;

import com.dlradapter.observe.AdapterMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Records the answer latency of every webhook exchange (a platform-http exchange that names a
 * provider) when it completes or fails, tagged with the provider and the HTTP status answered.
 * The provider label is a provider with a mapping, or {@value #UNKNOWN} for any other name in the
 * path: a label never takes its value from the request, so requests to made-up providers cannot
 * grow the scrape.
 */
public class WebhookTimer extends EventNotifierSupport {

    /** The provider label of a request to a provider that has no mapping. */
    public static final String UNKNOWN = "unknown";

    private final AdapterMetrics metrics;
    private final Predicate<String> knownProvider;

    public WebhookTimer(AdapterMetrics metrics, Predicate<String> knownProvider) {
        this.metrics = metrics;
        this.knownProvider = knownProvider;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        if (!(exchange.getFromEndpoint() instanceof PlatformHttpEndpoint endpoint) || !endpoint.getPath().startsWith("/webhooks/")) {
            return;
        }
        String provider = exchange.getProperty(IngestProperties.PROVIDER, String.class);
        if (provider == null || !knownProvider.test(provider)) {
            provider = UNKNOWN;
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code != null ? code : exchange.isFailed() ? 500 : 200;
        metrics.webhookAnswered(provider, status, Duration.ofMillis(exchange.getClock().elapsed()));
    }
}
