package com.dlradapter.observe;

import com.dlradapter.ingest.IngestProperties;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.time.Duration;

/**
 * Records the answer latency of every webhook exchange (a platform-http exchange that names a
 * provider) when it completes or fails, tagged with the provider and the HTTP status answered.
 */
public class WebhookTimer extends EventNotifierSupport {

    private final AdapterMetrics metrics;

    public WebhookTimer(AdapterMetrics metrics) {
        this.metrics = metrics;
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
        String provider = exchange.getProperty(IngestProperties.PROVIDER, String.class);
        if (provider == null || !(exchange.getFromEndpoint() instanceof PlatformHttpEndpoint)) {
            return;
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code != null ? code : exchange.isFailed() ? 500 : 200;
        metrics.webhookAnswered(provider, status, Duration.ofMillis(exchange.getClock().elapsed()));
    }
}
