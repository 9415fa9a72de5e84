package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mapping language's field sources at work: several formats, conditions, tables, arithmetic. */
class MappingEngineTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    private static final String MAPPING = """
            provider: lang
            x-ids: &ids
              messageId: $.messageId
              providerStatus: $.status
            shapes:
              - name: receipt
                format: [form, json]
                fields:
                  <<: *ids
                  reason.code:
                    from: $['err-code']
                    when: {status: {not: [DELIVERED]}}
                  reason.description:
                    from: $['err-code']
                    table: errors
                    default: Unknown error
                    when: {status: {not: [DELIVERED]}}
                  network.operator:
                    from: $.net
                    table: {"1": First Net, "2": Second Net}
                  cost.currency: {from: $.currency, default: EUR}
                  cost.amount:
                    multiply: [$.price, $.count]
                    when: {status: [DELIVERED, SENT]}
                  segments: {add: [$.count, 1]}
                  part: {subtract: [$.count, 1, 1]}
                  parts: {divide: [$.count, $.per]}
                  sender: {const: ACME, when: {status: FAILED}}
            tables:
              errors:
                "0": Delivered
                "2": Absent subscriber
            statuses:
              delivered: DELIVERED
              sent: SENT
              failed: FAILED
            """;

    @TempDir
    Path directory;
    private MappingEngine engine;

    @BeforeEach
    void load() throws Exception {
        Files.writeString(directory.resolve("lang.yaml"), MAPPING);
        Map<String, ProviderMapping> mappings = new MappingLoader().loadDirectory(directory);
        engine = new MappingEngine(() -> mappings);
    }

    private DeliveryReceipt form(String body) {
        return engine.map("lang", body, FORM, ReceiptSource.WEBHOOK, Instant.EPOCH).get(0);
    }

    private DeliveryReceipt json(String body) {
        return engine.map("lang", body, "application/json", ReceiptSource.WEBHOOK, Instant.EPOCH).get(0);
    }

    @Test
    void oneShapeReadsTheSameFieldsAsAFormOrAsJson() {
        DeliveryReceipt fromForm = form("messageId=m1&status=failed&err-code=2&count=2&per=1");
        DeliveryReceipt fromJson = json("{\"messageId\": \"m1\", \"status\": \"failed\", \"err-code\": \"2\", \"count\": 2, \"per\": 1}");
        assertThat(fromJson).isEqualTo(fromForm);
        assertThat(fromForm.status()).isEqualTo(CanonicalStatus.FAILED);
        // a format no shape lists is still refused (415)
        assertThatThrownBy(() -> engine.map("lang", "<r/>", "application/xml", ReceiptSource.WEBHOOK, Instant.EPOCH))
                .isInstanceOf(UnsupportedPayloadFormatException.class);
    }

    @Test
    void aConditionalReasonIsAbsentWhenTheStatusIsNotOneOfIt() {
        DeliveryReceipt delivered = form("messageId=m1&status=delivered&err-code=0");
        assertThat(delivered.status()).isEqualTo(CanonicalStatus.DELIVERED);
        assertThat(delivered.reason()).isNull();
        DeliveryReceipt failed = form("messageId=m1&status=failed&err-code=2");
        assertThat(failed.reason().code()).isEqualTo("2");
        assertThat(failed.reason().description()).isEqualTo("Absent subscriber");
    }

    @Test
    void aTableMissGivesItsDefaultAndNoCodeGivesNothing() {
        assertThat(form("messageId=m1&status=failed&err-code=99").reason().description()).isEqualTo("Unknown error");
        assertThat(form("messageId=m1&status=failed").reason()).isNull();
        // an inline table without default: a miss is null, the code itself is not copied
        assertThat(form("messageId=m1&status=sent&net=1").network().operator()).isEqualTo("First Net");
        assertThat(form("messageId=m1&status=sent&net=7").network()).isNull();
        // a JSON number is looked up by its text
        assertThat(json("{\"messageId\": \"m1\", \"status\": \"sent\", \"net\": 2}").network().operator()).isEqualTo("Second Net");
    }

    @Test
    void aDefaultFillsAFieldThePathsLeaveEmpty() {
        assertThat(form("messageId=m1&status=sent&price=0.5&count=2").cost().currency()).isEqualTo("EUR");
        assertThat(form("messageId=m1&status=sent&price=0.5&count=2&currency=NGN").cost().currency()).isEqualTo("NGN");
    }

    @Test
    void aConstantCanBeConditional() {
        assertThat(form("messageId=m1&status=failed").sender()).isEqualTo("ACME");
        assertThat(form("messageId=m1&status=sent").sender()).isNull();
    }

    @Test
    void arithmeticIsExactOverPathsAndNumbers() {
        DeliveryReceipt receipt = json("{\"messageId\": \"m1\", \"status\": \"delivered\", \"price\": \"0.03330000\","
                + " \"count\": 3, \"per\": 1}");
        assertThat(receipt.cost().amount()).isEqualByComparingTo(new BigDecimal("0.0999"));
        assertThat(receipt.segments()).isEqualTo(4);
        assertThat(receipt.part()).isEqualTo(1);
        assertThat(receipt.parts()).isEqualTo(3);
        assertThatThrownBy(() -> json("{\"messageId\": \"m1\", \"status\": \"delivered\", \"count\": 3, \"per\": 2}"))
                .as("3 / 2 is not a whole number of parts").hasMessageContaining("field 'parts'");
        assertThat(json("{\"messageId\": \"m1\", \"status\": \"delivered\", \"count\": 4, \"per\": 2}").parts()).isEqualTo(2);
        // the condition: no cost on a failure
        assertThat(json("{\"messageId\": \"m1\", \"status\": \"failed\", \"price\": \"0.1\", \"count\": 3}").cost().amount()).isNull();
    }

    @Test
    void aMissingOperandLeavesTheFieldEmpty() {
        DeliveryReceipt receipt = form("messageId=m1&status=delivered&price=0.5");
        assertThat(receipt.cost().amount()).isNull();
        assertThat(receipt.segments()).isNull();
    }

    @Test
    void aNonNumericOperandOrADivisionByZeroIsUnmappableNamingTheField() {
        assertThatThrownBy(() -> form("messageId=m1&status=delivered&price=abc&count=2"))
                .isInstanceOf(UnmappablePayloadException.class)
                .hasMessageContaining("shape 'receipt', field 'cost.amount': operand $.price: 'abc' is not a number");
        assertThatThrownBy(() -> form("messageId=m1&status=sent&count=2&per=0"))
                .isInstanceOf(UnmappablePayloadException.class)
                .hasMessageContaining("field 'parts': division by zero");
        assertThatThrownBy(() -> json("{\"messageId\": \"m1\", \"status\": \"sent\", \"count\": [1]}"))
                .isInstanceOf(UnmappablePayloadException.class)
                .hasMessageContaining("field 'part': operand $.count: an array is not a number");
    }
}
