package com.dlradapter.security;

import com.dlradapter.ingest.WebhookGate;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Standard Webhooks secret that is not a {@code whsec_<base64>} key is told on the provider's
 * line of the start-up summary (as a missing secret is), not only in the 401 of every call.
 */
class SignatureSecretSummaryTest {

    @TempDir
    Path data;
    @TempDir
    Path routes;
    @TempDir
    Path mappings;

    @Test
    void aMalformedStandardWebhooksSecretIsToldInTheSummary() throws Exception {
        ShippedFiles.copyRoutes(routes);
        ShippedFiles.copyMappings(mappings);
        String acme = Files.readString(Path.of("mappings", "acme.yaml"));
        for (String id : new String[] {"swgood", "swbad"}) {
            Files.writeString(mappings.resolve(id + ".yaml"), acme.replace("provider: acme", "provider: " + id)
                    + "\nsignature:\n  scheme: standard-webhooks\n");
            Files.writeString(routes.resolve(id + ".yaml"), Files.readString(Path.of("routes", "acme.yaml"))
                    .replace("webhook-acme", "webhook-" + id).replace("value: acme", "value: " + id));
        }
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.routes.dir", routes.toString());
        settings.put("dlr.mappings.dir", mappings.toString());
        settings.put("dlr.providers.swgood.signature.secret",
                "whsec_" + Base64.getEncoder().encodeToString("a-good-key-0123456789".getBytes()));
        settings.put("dlr.providers.swbad.signature.secret", "whsec_not base64!");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            WebhookGate gate = adapter.bean("webhookGate", WebhookGate.class);
            assertThat(gate.describeSignature("swgood"))
                    .isEqualTo("signature standard-webhooks (headers webhook-id, webhook-timestamp, webhook-signature)");
            assertThat(gate.describeSignature("swbad")).isEqualTo("signature standard-webhooks (headers webhook-id, "
                    + "webhook-timestamp, webhook-signature), BAD SECRET: the signature secret is not a whsec_<base64> key: "
                    + "every call answers 401 until dlr.providers.swbad.signature.secret is fixed")
                    .doesNotContain("not base64!");
        }
    }

}
