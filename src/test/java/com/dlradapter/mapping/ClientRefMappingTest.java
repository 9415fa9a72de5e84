package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The canonical {@code clientRef} (the sender's own reference: Vonage {@code client-ref}, Infobip
 * {@code callbackData}) as a mapping fills it: text, trimmed, null when absent and written as
 * null, at most 255 characters (the column's size; longer is unmappable, naming the field).
 */
class ClientRefMappingTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final Map<String, ProviderMapping> MAPPINGS =
            new MappingLoader().loadDirectory(Path.of("src/test/resources/shape-mappings"));
    private final MappingEngine engine = new MappingEngine(() -> MAPPINGS);

    private DeliveryReceipt map(String body) {
        return engine.map("refsms", body, FORM, ReceiptSource.WEBHOOK, Instant.now()).get(0);
    }

    @Test
    void theMappingFillsTheSendersReferenceTrimmed() throws Exception {
        DeliveryReceipt receipt = map("messageId=r-1&status=delivered&client-ref=%20order-42%20");
        assertThat(receipt.clientRef()).isEqualTo("order-42");
        JsonNode json = CanonicalJson.MAPPER.readTree(CanonicalJson.write(receipt));
        assertThat(json.get("clientRef").asText()).isEqualTo("order-42");
        // the reference is no part of the event's identity: the same event with another is a duplicate
        assertThat(map("messageId=r-1&status=delivered&client-ref=other").id()).isEqualTo(receipt.id());
    }

    @Test
    void withoutAReferenceTheFieldIsNullButPresent() throws Exception {
        for (String body : new String[] {"messageId=r-2&status=accepted", "messageId=r-2&status=accepted&client-ref=%20%20"}) {
            DeliveryReceipt receipt = map(body);
            assertThat(receipt.clientRef()).as(body).isNull();
            JsonNode json = CanonicalJson.MAPPER.readTree(CanonicalJson.write(receipt));
            assertThat(json.has("clientRef")).isTrue();
            assertThat(json.get("clientRef").isNull()).isTrue();
        }
    }

    @Test
    void aReferenceOfUpTo255CharactersIsKeptALongerOneIsUnmappable() {
        assertThat(map("messageId=r-3&status=delivered&client-ref=" + "r".repeat(255)).clientRef()).hasSize(255);
        assertThatThrownBy(() -> map("messageId=r-3&status=delivered&client-ref=" + "r".repeat(256)))
                .isInstanceOf(UnmappablePayloadException.class)
                .hasMessageContaining("field 'clientRef': longer than 255 characters");
    }

    @Test
    void aReferenceThatIsNotASingleValueIsUnmappable() {
        assertThatThrownBy(() -> map("messageId=r-4&status=delivered&client-ref=a&client-ref=b"))
                .isInstanceOf(UnmappablePayloadException.class)
                .hasMessageContaining("field 'clientRef': expected a single value");
    }
}
