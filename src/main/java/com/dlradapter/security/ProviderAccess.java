package com.dlradapter.security;

import com.dlradapter.config.Settings;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Who may call one provider's webhook. Secure by default: a token is required unless
 * {@code dlr.providers.<id>.auth=none}. The token comes from {@code dlr.providers.<id>.token}
 * (an environment variable, {@code DLR_PROVIDERS_<ID>_TOKEN}) or {@code dlr.providers.<id>.token-file};
 * with neither, one is generated at first start (or when hot reload adds the provider) into
 * {@code <dlr.data.dir>/provider-tokens/<id>} (owner-only) and shown once in the log. Optionally an IP allow-list ({@code allow-from}) and an
 * HMAC signature ({@code signature.*}).
 */
public record ProviderAccess(String provider, String token, List<Cidr> allowFrom, Signature signature) {

    public boolean requiresToken() {
        return token != null;
    }

    public static ProviderAccess fromSettings(String provider, Settings settings, Path dataDirectory) {
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
        Signature signature = null;
        Optional<String> header = settings.optional(prefix + "signature.header");
        if (header.isPresent()) {
            String secret = secret(settings, prefix + "signature.secret").orElseThrow(() -> new IllegalArgumentException(
                    prefix + "signature.header is set but neither " + prefix + "signature.secret nor "
                            + prefix + "signature.secret-file"));
            signature = new Signature(header.get(),
                    settings.text(prefix + "signature.algorithm", "HmacSHA256"),
                    settings.text(prefix + "signature.encoding", "hex"),
                    settings.text(prefix + "signature.prefix", ""),
                    secret);
        }
        return new ProviderAccess(provider, token, allowFrom, signature);
    }

    /** A secret from the setting {@code key} (environment) or from the file named by {@code key-file}. */
    static Optional<String> secret(Settings settings, String key) {
        Optional<String> direct = settings.optional(key);
        if (direct.isPresent()) {
            return direct;
        }
        return settings.optional(key + "-file").map(file -> SecretFiles.read(Path.of(file), key + "-file"));
    }

    @Override
    public String toString() {   // never the secrets
        return "ProviderAccess[" + provider + ", token " + (token == null ? "none" : "required")
                + ", allowFrom " + allowFrom + ", signature " + (signature == null ? "none" : signature.header()) + "]";
    }
}
