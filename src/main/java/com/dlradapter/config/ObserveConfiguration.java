package com.dlradapter.config;

import com.dlradapter.observe.AdapterMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;

/** observe/: the adapter's metrics, in the registry the management server's /observe/metrics serves. */
final class ObserveConfiguration {

    private ObserveConfiguration() {
    }

    /**
     * The adapter's metrics share Camel's Prometheus registry (camel-micrometer-prometheus looks
     * it up as "metricsRegistry"); routes reach them as {@code adapterMetrics}.
     */
    static AdapterMetrics metrics(CamelContext context) {
        MeterRegistry meterRegistry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meterRegistry == null) {
            meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", meterRegistry);
        }
        AdapterMetrics metrics = new AdapterMetrics(meterRegistry);
        context.getRegistry().bind("adapterMetrics", metrics);
        return metrics;
    }
}
