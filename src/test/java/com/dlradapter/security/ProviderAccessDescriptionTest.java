package com.dlradapter.security;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up log's "Webhook access" line: it must not say "signature none" of a provider whose
 * mapping declares a scheme (Twilio, Vonage: the record only knows the HMAC settings), and never
 * shows a secret.
 */
class ProviderAccessDescriptionTest {

    @Test
    void aProviderSignedByItsMappingIsNotDescribedAsUnsigned() {
        ProviderAccess twilio = new ProviderAccess("twilio", "a-token", List.of(), null, "the-auth-token");
        assertThat(twilio.toString()).isEqualTo("ProviderAccess[twilio, token required, allowFrom [], signature secret set]")
                .doesNotContain("signature none").doesNotContain("the-auth-token").doesNotContain("a-token");

        ProviderAccess settings = new ProviderAccess("acme", null, List.of(),
                new HmacSignature("X-Signature", "HmacSHA256", "hex", ""), "hmac-secret");
        assertThat(settings.toString()).isEqualTo(
                "ProviderAccess[acme, token none, allowFrom [], signature settings hmac header X-Signature, signature secret set]");
    }
}
