package com.dlradapter.config;

import com.dlradapter.api.ApiGate;
import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.security.Cidr;
import com.dlradapter.security.ClientAddress;
import com.dlradapter.security.ProviderAccess;
import com.dlradapter.security.RateLimiter;
import com.dlradapter.security.SecretFiles;
import com.dlradapter.security.HmacSignature;
import com.dlradapter.security.SignatureScheme;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Builds the webhook and admin API gates from the {@code dlr.providers.*}, {@code dlr.http.*} and
 * {@code dlr.rate-limit.*} settings. By default only failed authentications are limited, per
 * client and shared by the webhooks and {@code /api/**}; the limits of authenticated traffic per
 * client and per provider are off unless set.
 */
final class WebhookSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSecurity.class);

    private final ClientAddress clients;
    private final RateLimiter failedAuthentications;

    private WebhookSecurity(ClientAddress clients, RateLimiter failedAuthentications) {
        this.clients = clients;
        this.failedAuthentications = failedAuthentications;
    }

    static WebhookSecurity fromSettings(Settings settings) {
        RateLimiter failed = new RateLimiter(
                settings.doubleValue("dlr.rate-limit.failed-auth.per-second", 1),
                settings.doubleValue("dlr.rate-limit.failed-auth.burst", 20));
        return new WebhookSecurity(new ClientAddress(Cidr.parseAll(settings.list("dlr.http.trusted-proxies"))), failed);
    }

    /**
     * @param declaredSignatures a provider's {@code signature:} block, read from its loaded mapping
     *                           on every request (so a reloaded mapping's block applies at once), or null
     */
    WebhookGate webhookGate(Settings settings, Collection<String> providers, Predicate<String> known, Path dataDirectory,
                            Function<String, String> webhookMethods, Function<String, SignatureScheme> declaredSignatures) {
        Map<String, ProviderAccess> access = new LinkedHashMap<>();
        for (String provider : providers) {
            ProviderAccess policy = providerAccess(provider, settings, dataDirectory);
            if (!policy.requiresToken()) {
                LOG.warn("Webhook of provider '{}' accepts callers without a token (dlr.providers.{}.auth=none)", provider, provider);
            }
            access.put(provider, policy);
        }
        LOG.info("Webhook access: {}", access.values());
        RateLimiter perClient = new RateLimiter(
                settings.doubleValue("dlr.rate-limit.client.per-second", 0),
                settings.doubleValue("dlr.rate-limit.client.burst", 100));
        RateLimiter perProvider = new RateLimiter(
                settings.doubleValue("dlr.rate-limit.provider.per-second", 0),
                settings.doubleValue("dlr.rate-limit.provider.burst", 400));
        LOG.info("Rate limits per node: failed authentications {} per client (webhooks and /api together), "
                        + "authenticated webhook requests {} per client and {} per provider",
                describe(failedAuthentications), describe(perClient), describe(perProvider));
        // A provider added by hot reload gets its policy (and, if needed, its token) when its
        // mapping is loaded (WebhookGate.provide), or at the latest on its first call.
        Function<String, ProviderAccess> newProviders = provider -> known.test(provider)
                ? providerAccess(provider, settings, dataDirectory) : null;
        return new WebhookGate(access, newProviders, clients, failedAuthentications, perClient, perProvider, webhookMethods,
                settings.longValue("dlr.max-body-bytes", 262_144), declaredSignatures,
                settings.optional("dlr.http.public-base-url").map(url -> url.replaceAll("/+$", "")).orElse(null));
    }

    ApiGate apiGate(String token) {
        return new ApiGate(token, clients, failedAuthentications);
    }

    /**
     * Who may call one provider's webhook ({@code dlr.providers.<id>.*}): a token unless
     * {@code auth=none}, from {@code token}, {@code token-file} or generated at first start into
     * {@code <dlr.data.dir>/provider-tokens/<id>}; an optional IP allow-list; the signature secret, and
     * the HMAC settings of a provider whose mapping declares no signature scheme.
     */
    static ProviderAccess providerAccess(String provider, Settings settings, Path dataDirectory) {
        String prefix = "dlr.providers." + provider + ".";
        String auth = settings.text(prefix + "auth", "token").toLowerCase();
        String token;
        switch (auth) {
            case "none" -> token = null;
            case "token" -> token = secret(settings, prefix + "token")
                    .orElseGet(() -> SecretFiles.generated(dataDirectory.resolve("provider-tokens").resolve(provider),
                            "webhook token of provider '" + provider + "'",
                            "send it as /webhooks/" + provider + "?token=..., as the path segment /webhooks/" + provider
                                    + "/<token> or as the basic-auth password; set " + prefix + "token, "
                                    + prefix + "token-file or " + prefix + "auth=none to change this"));
            default -> throw new IllegalArgumentException("setting " + prefix + "auth: '" + auth + "' is not token or none");
        }
        List<Cidr> allowFrom = Cidr.parseAll(settings.list(prefix + "allow-from"));
        // read whether or not a scheme needs it now: a reloaded mapping may declare one
        Optional<String> secret = secret(settings, prefix + "signature.secret");
        HmacSignature signature = null;
        Optional<String> header = settings.optional(prefix + "signature.header");
        if (header.isPresent()) {
            if (secret.isEmpty()) {
                throw new IllegalArgumentException(prefix + "signature.header is set but neither " + prefix
                        + "signature.secret nor " + prefix + "signature.secret-file");
            }
            signature = new HmacSignature(header.get(),
                    settings.text(prefix + "signature.algorithm", "HmacSHA256"),
                    settings.text(prefix + "signature.encoding", "hex"),
                    settings.text(prefix + "signature.prefix", ""));
        }
        return new ProviderAccess(provider, token, allowFrom, signature, secret.orElse(null));
    }

    /** A secret from the setting {@code key} (environment) or from the file named by {@code key-file}. */
    static Optional<String> secret(Settings settings, String key) {
        Optional<String> direct = settings.optional(key);
        if (direct.isPresent()) {
            return direct;
        }
        return settings.optional(key + "-file").map(file -> SecretFiles.read(Path.of(file), key + "-file"));
    }

    private static String describe(RateLimiter limiter) {
        return limiter.enabled() ? limiter.perSecond() + "/s (burst " + (long) limiter.burst() + ")" : "off";
    }
}
