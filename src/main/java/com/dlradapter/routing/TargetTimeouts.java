package com.dlradapter.routing;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;

import java.time.Duration;

/**
 * Gives one outbound target's (or one provider's status API) HTTP client its own connect and
 * response timeout ({@code dlr.outbound.<name>.timeout}, {@code dlr.providers.<id>.timeout}), and
 * no retries of its own: HttpClient would otherwise repeat a 429 or 503 after its Retry-After,
 * however long, holding a worker thread meanwhile; the delivery schedule and the polling pause
 * decide when to try again.
 */
public class TargetTimeouts implements HttpClientConfigurer {

    private final Duration timeout;

    public TargetTimeouts(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void configureHttpClient(HttpClientBuilder builder) {
        Timeout value = Timeout.ofMilliseconds(timeout.toMillis());
        builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectTimeout(value)
                .setConnectionRequestTimeout(value)
                .setResponseTimeout(value)
                .setRedirectsEnabled(false)
                .build());
        builder.disableAutomaticRetries();
    }
}
