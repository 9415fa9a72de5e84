package com.dlradapter.config;

import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.security.Cidr;
import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** Builds the webhook gate from the {@code dlr.providers.*}, {@code dlr.http.*} and {@code dlr.rate-limit.*} settings. */
final class WebhookSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSecurity.class);

    private WebhookSecurity() {
    }

    static WebhookGate gate(Settings settings, Collection<String> providers, Predicate<String> known, Path dataDirectory) {
        Map<String, ProviderAccess> access = new LinkedHashMap<>();
        for (String provider : providers) {
            ProviderAccess policy = ProviderAccess.fromSettings(provider, settings, dataDirectory);
            if (!policy.requiresToken()) {
                LOG.warn("Webhook of provider '{}' accepts callers without a token (dlr.providers.{}.auth=none)", provider, provider);
            }
            access.put(provider, policy);
        }
        LOG.info("Webhook access: {}", access.values());
        ClientAddress clients = new ClientAddress(Cidr.parseAll(settings.list("dlr.http.trusted-proxies")));
        RateLimiter perClient = new RateLimiter(
                settings.doubleValue("dlr.rate-limit.client.per-second", 50),
                settings.doubleValue("dlr.rate-limit.client.burst", 100));
        RateLimiter perProvider = new RateLimiter(
                settings.doubleValue("dlr.rate-limit.provider.per-second", 200),
                settings.doubleValue("dlr.rate-limit.provider.burst", 400));
        // A provider added by hot reload gets its policy (and, if needed, its token) when its
        // mapping is loaded (WebhookGate.provide), or at the latest on its first call.
        Function<String, ProviderAccess> newProviders = provider -> known.test(provider)
                ? ProviderAccess.fromSettings(provider, settings, dataDirectory) : null;
        return new WebhookGate(access, newProviders, clients, perClient, perProvider,
                settings.longValue("dlr.max-body-bytes", 262_144));
    }
}
