package com.dlradapter.mapping;

import com.dlradapter.security.HmacSignature;
import com.dlradapter.security.StandardWebhooksSignature;
import com.dlradapter.security.TwilioSignature;
import com.dlradapter.security.VonageSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A mapping's {@code signature:} block: read into its scheme, or refused naming the file and the key. */
class SignatureBlockTest {

    @TempDir
    Path directory;

    private static final String MAPPING = """
            provider: signer
            shapes:
              - fields:
                  messageId: $.id
                  providerStatus: $.state
            statuses:
              ok: DELIVERED
            """;

    private ProviderMapping load(String block) throws Exception {
        Path file = directory.resolve("signer.yaml");
        Files.writeString(file, MAPPING + block);
        return new MappingLoader().load(file);
    }

    @Test
    void eachSchemeIsReadWithItsKeysAndDefaults() throws Exception {
        assertThat(load("").signature()).as("no block, no scheme").isNull();
        assertThat(load("signature:\n  scheme: twilio\n").signature()).isEqualTo(new TwilioSignature("X-Twilio-Signature"));
        assertThat(load("signature: {scheme: vonage, algorithm: sha512, tolerance: 2m}\n").signature())
                .isEqualTo(new VonageSignature("sig", VonageSignature.Algorithm.SHA512, Duration.ofMinutes(2)));
        assertThat(load("signature:\n  scheme: standard-webhooks\n").signature())
                .isEqualTo(new StandardWebhooksSignature(Duration.ofMinutes(5)));
        assertThat(load("signature:\n  scheme: hmac\n  header: X-Hub-Signature-256\n  prefix: sha256=\n  encoding: base64\n").signature())
                .isEqualTo(new HmacSignature("X-Hub-Signature-256", "HmacSHA256", "base64", "sha256="));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not an object      | 'signature: twilio'                                  | field 'signature': must be an object",
            "no scheme          | 'signature: {header: X-Sig}'                         | field 'signature': 'scheme' is required",
            "unknown scheme     | 'signature: {scheme: stripe}'                        | field 'signature': scheme 'stripe' is not hmac, twilio, vonage or standard-webhooks",
            "foreign key        | 'signature: {scheme: twilio, algorithm: sha1}'       | field 'signature': key 'algorithm' does not belong to scheme twilio",
            "the secret         | 'signature: {scheme: twilio, secret: abc}'           | field 'signature': key 'secret' does not belong to scheme twilio",
            "nested value       | 'signature: {scheme: vonage, algorithm: [sha1]}'     | field 'signature', key 'algorithm': must be a single value",
            "bad algorithm      | 'signature: {scheme: hmac, header: X, algorithm: HmacNone}' | field 'signature': signature algorithm 'HmacNone' is not available",
            "bad tolerance      | 'signature: {scheme: standard-webhooks, tolerance: -5m}'    | field 'signature': 'tolerance': '-5m' is not a duration",
    })
    void aWrongBlockIsRefusedNamingTheFileAndTheKey(String what, String block, String message) {
        assertThatThrownBy(() -> load(block + "\n"))
                .isInstanceOf(MappingDefinitionException.class)
                .hasMessageContaining("signer.yaml")
                .hasMessageContaining(message);
    }
}
