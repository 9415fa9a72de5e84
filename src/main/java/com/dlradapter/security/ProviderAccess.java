package com.dlradapter.security;

import java.util.List;

/**
 * Who may call one provider's webhook. Secure by default: a token is required unless
 * {@code dlr.providers.<id>.auth=none}. The token comes from {@code dlr.providers.<id>.token}
 * (an environment variable, {@code DLR_PROVIDERS_<ID>_TOKEN}) or {@code dlr.providers.<id>.token-file};
 * with neither, one is generated at first start (or when hot reload adds the provider) into
 * {@code <dlr.data.dir>/provider-tokens/<id>} (owner-only) and shown once in the log. Optionally an IP allow-list ({@code allow-from}).
 *
 * @param signature       the HMAC scheme of the {@code signature.header/algorithm/encoding/prefix}
 *                        settings, or null; a {@code signature:} block in the provider's mapping
 *                        takes its place
 * @param signatureSecret {@code signature.secret} (or {@code signature.secret-file}), or null
 */
public record ProviderAccess(String provider, String token, List<Cidr> allowFrom, SignatureScheme signature,
                             String signatureSecret) {

    public boolean requiresToken() {
        return token != null;
    }

    /**
     * Never the secrets. {@code signature} here is only the {@code signature.*} settings' HMAC: a
     * mapping's block is not known to this record, so "signature none" would be wrong for Twilio
     * and Vonage (the start-up summary tells each provider's actual scheme).
     */
    @Override
    public String toString() {
        return "ProviderAccess[" + provider + ", token " + (token == null ? "none" : "required")
                + ", allowFrom " + allowFrom
                + (signature == null ? "" : ", signature settings " + signature.name() + " " + signature.carrier())
                + (signatureSecret == null ? "" : ", signature secret set") + "]";
    }
}
