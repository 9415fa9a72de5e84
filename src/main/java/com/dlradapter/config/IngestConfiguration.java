package com.dlradapter.config;

import com.dlradapter.http.WebhookMethods;
import com.dlradapter.ingest.ReceiptIngest;
import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.ingest.WebhookTimer;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.mapping.ProviderMapping;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.store.GroupCommit;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;

import java.nio.file.Path;

/**
 * ingest/: the webhook gate (who may call, how much, what a payload may be) and the steps of
 * routes/ingest.yaml (map, store through the group commit, keep a dead letter), as plain processors.
 */
final class IngestConfiguration {

    private IngestConfiguration() {
    }

    /** The gate in front of every webhook route; a provider added by hot reload gets its access policy when its mapping loads. */
    static WebhookGate webhookGate(CamelContext context, Settings settings, WebhookSecurity security,
                                   MappingConfiguration.Mappings mappings, Path dataDirectory, WebhookMethods webhookMethods) {
        MappingRegistry registry = mappings.registry();
        MappingEngine engine = mappings.engine();
        WebhookGate webhookGate = security.webhookGate(settings, registry.mappings().keySet(), engine::knows, dataDirectory,
                webhookMethods, provider -> {
                    ProviderMapping mapping = registry.mappings().get(provider);
                    return mapping == null ? null : mapping.signature();
                });
        registry.onReload(webhookGate::provide);
        context.getRegistry().bind("webhookGate", webhookGate);
        // the gate's two entries, as plain processors for the webhook routes (one per request)
        context.getRegistry().bind("admitWebhook", (Processor) webhookGate::admit);
        context.getRegistry().bind("admitPathTokenWebhook", (Processor) webhookGate::admitPathToken);
        return webhookGate;
    }

    /** Each webhook exchange's answer latency, by provider and status. */
    static void timeWebhooks(CamelContext context, AdapterMetrics metrics, MappingEngine engine) {
        context.getManagementStrategy().addEventNotifier(new WebhookTimer(metrics, engine::knows));
    }

    /** The ingest route's steps (routes/ingest.yaml). */
    static void bindSteps(CamelContext context, MappingEngine engine, GroupCommit groupCommit, StoreConfiguration store,
                          AdapterMetrics metrics) {
        ReceiptIngest ingest = new ReceiptIngest(engine, groupCommit, store.deadLetters(), store.database(), metrics);
        context.getRegistry().bind("mapPayload", (Processor) ingest::map);
        context.getRegistry().bind("storeReceipts", (Processor) ingest::store);
        context.getRegistry().bind("keepDeadLetter", (Processor) ingest::deadLetter);
    }
}
