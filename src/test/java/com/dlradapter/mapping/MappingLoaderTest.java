package com.dlradapter.mapping;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A broken mapping is refused with the file and the field named, and stops the start. */
class MappingLoaderTest {

    @TempDir
    Path directory;

    private static final String VALID = """
            provider: acme
            timezone: Europe/Berlin
            timestampFormats: ["dd.MM.yyyy HH:mm", ISO]
            shapes:
              - name: callback
                fields:
                  messageId: $.id
                  providerStatus: $.state
                  occurredAt: $.at
            statuses:
              ok: DELIVERED
              nope: {status: FAILED, reason: It did not work}
            """;

    private Path write(String content) throws Exception {
        Path file = directory.resolve("acme.yaml");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void aValidMappingLoadsAndMapsLocalTimesInItsZone() throws Exception {
        write(VALID);
        Map<String, ProviderMapping> mappings = new MappingLoader().loadDirectory(directory);
        var receipt = new MappingEngine(() -> mappings)
                .map("acme", "{\"id\": \"m1\", \"state\": \"nope\", \"at\": \"01.07.2026 12:00\"}",
                        com.dlradapter.canonical.ReceiptSource.WEBHOOK, java.time.Instant.EPOCH)
                .get(0);
        assertThat(receipt.occurredAt()).hasToString("2026-07-01T10:00:00Z");
        assertThat(receipt.reason().code()).isEqualTo("nope");
        assertThat(receipt.reason().description()).isEqualTo("It did not work");
        assertThat(receipt.final_()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "unknown canonical field      | messageId: $.id|mesageId: $.id                         | field 'mesageId': not a canonical field",
            "invalid JSONPath             | providerStatus: $.state|providerStatus: $.[[            | field 'providerStatus': invalid JSONPath",
            "not a JSONPath               | providerStatus: $.state|providerStatus: state           | field 'providerStatus': 'state' is not a JSONPath",
            "unknown canonical status     | ok: DELIVERED|ok: DONE                                  | field 'statuses.ok': 'DONE' is not a canonical status",
            "unknown time zone            | timezone: Europe/Berlin|timezone: Mars/Olympus          | field 'timezone': unknown time zone",
            "bad timestamp pattern        | \"dd.MM.yyyy HH:mm\"|\"dd.MM.yyyy HH:mm qqqqqqq\"       | field 'timestampFormats'",
            "duplicate status row         | nope: {status|ok: FAILED\\n  nope: {status             | Duplicate field 'ok'",
            "unknown top-level key        | provider: acme|provider: acme\\nproviders: x             | unknown field 'providers'",
    })
    void aBrokenMappingNamesTheFileAndTheField(String label, String from, String to, String message) throws Exception {
        Path file = write(VALID.replace(from, to.replace("\\n", "\n")));
        assertThatThrownBy(() -> new MappingLoader().loadDirectory(directory))
                .isInstanceOf(MappingDefinitionException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "unknown key in a source      | reason.code: {from: $.e, whn: {status: [FAILED]}}        | shape 'callback', field 'reason.code': unknown key 'whn'",
            "unknown status in when       | reason.code: {from: $.e, when: {status: [DELIVERD]}}     | shape 'callback', field 'reason.code', when.status: 'DELIVERD' is not a canonical status",
            "unknown status in not        | reason.code: {from: $.e, when: {status: {not: [OK]}}}    | field 'reason.code', when.status: 'OK' is not a canonical status",
            "unknown key in when          | reason.code: {from: $.e, when: {state: [FAILED]}}        | field 'reason.code', when: must be {status: [statuses]}",
            "unknown table                | reason.description: {from: $.e, table: erors}           | shape 'callback', field 'reason.description', table: no table 'erors' (tables: [errors])",
            "table row not a text         | reason.description: {from: $.e, table: {\"1\": [a]}}    | field 'reason.description', table '1': must be a text",
            "arithmetic and from          | cost.amount: {multiply: [$.p, $.n], from: $.p}          | field 'cost.amount': an arithmetic source is one of multiply",
            "one operand                  | cost.amount: {add: [$.p]}                               | field 'cost.amount', add: give a list of at least two operands",
            "operand not a path           | cost.amount: {add: [$.p, price]}                        | field 'cost.amount', add: 'price' is not a JSONPath",
            "no from                      | reason.code: {when: {status: [FAILED]}}                 | field 'reason.code': give one of 'from'",
            "conditional providerStatus   | providerStatus: {from: $.state, when: {status: [FAILED]}} | field 'providerStatus': cannot have a condition",
            "format not known             | format: [form, jsn]                                     | shape 'callback', field 'format': 'jsn' is not json, form or xml",
            "format list empty            | format: []                                              | shape 'callback', field 'format': list at least one format",
    })
    void aBrokenSourceNamesTheFileTheShapeAndTheField(String label, String line, String message) throws Exception {
        String content;
        if (line.startsWith("format:")) {
            content = VALID.replace("    fields:\n", "    " + line + "\n    fields:\n");
        } else if (line.startsWith("providerStatus:")) {
            content = VALID.replace("      providerStatus: $.state\n", "      " + line + "\n");
        } else {
            content = VALID.replace("      occurredAt: $.at\n", "      occurredAt: $.at\n      " + line + "\n")
                    + "tables:\n  errors: {\"1\": One}\n";
        }
        Path file = write(content);
        assertThatThrownBy(() -> new MappingLoader().loadDirectory(directory))
                .isInstanceOf(MappingDefinitionException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(message);
    }

    @Test
    void anchorsAliasesMergeKeysAndXKeysLoad() throws Exception {
        // `fields: *common` was "field 'fields' is required"; x- keys were "unknown field"
        write("""
                provider: acme
                x-common: &common
                  messageId: $.id
                  providerStatus: $.state
                shapes:
                  - name: plain
                    match: $.plain
                    fields: *common
                  - name: merged
                    fields:
                      <<: *common
                      providerStatus: $.other
                statuses:
                  ok: DELIVERED
                """);
        ProviderMapping mapping = new MappingLoader().loadDirectory(directory).get("acme");
        var engine = new MappingEngine(() -> Map.of("acme", mapping));
        var plain = engine.map("acme", "{\"plain\": 1, \"id\": \"m1\", \"state\": \"ok\"}",
                com.dlradapter.canonical.ReceiptSource.WEBHOOK, java.time.Instant.EPOCH).get(0);
        assertThat(plain.messageId()).isEqualTo("m1");
        var merged = engine.map("acme", "{\"id\": \"m2\", \"state\": \"nope\", \"other\": \"ok\"}",
                com.dlradapter.canonical.ReceiptSource.WEBHOOK, java.time.Instant.EPOCH).get(0);
        assertThat(merged.messageId()).isEqualTo("m2");
        assertThat(merged.providerStatus()).isEqualTo("ok");
    }

    @Test
    void aShapeMayListSeveralFormatsAndOneNameStillWorks() throws Exception {
        write(VALID.replace("    fields:\n", "    format: [form, json]\n    fields:\n"));
        ProviderMapping several = new MappingLoader().loadDirectory(directory).get("acme");
        assertThat(several.shapes().get(0).formats()).containsExactlyInAnyOrder(PayloadFormat.FORM, PayloadFormat.JSON);
        assertThat(several.reads(PayloadFormat.FORM)).isTrue();
        assertThat(several.reads(PayloadFormat.XML)).isFalse();
        write(VALID.replace("    fields:\n", "    format: xml\n    fields:\n"));
        assertThat(new MappingLoader().loadDirectory(directory).get("acme").shapes().get(0).formats())
                .containsExactly(PayloadFormat.XML);
        write(VALID);
        assertThat(new MappingLoader().loadDirectory(directory).get("acme").shapes().get(0).formats())
                .containsExactly(PayloadFormat.JSON);
    }

    @Test
    void aMappingWithoutAMessageIdIsRefused() throws Exception {
        Path file = write(VALID.replace("      messageId: $.id\n", ""));
        assertThatThrownBy(() -> new MappingLoader().loadDirectory(directory))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("field 'messageId': is required");
    }

    @Test
    void theAdapterDoesNotStartWithABrokenMapping(@TempDir Path data) throws Exception {
        Path file = write(VALID.replace("ok: DELIVERED", "ok: DONE"));
        var settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.mappings.dir", directory.toString());
        assertThatThrownBy(() -> RunningAdapter.start(settings).close())
                .hasStackTraceContaining(file.toString())
                .hasStackTraceContaining("field 'statuses.ok'");
    }

    @Test
    void theAdapterDoesNotStartWithAMappingThatFailsItsOwnSamples(@TempDir Path data) throws Exception {
        // a path typo ($.stat for $.state): the file is valid, but its sample gives no status
        Path file = write(VALID.replace("providerStatus: $.state", "providerStatus: $.stat") + """
                samples:
                  - name: delivered
                    contentType: application/json
                    payload: '{"id": "m1", "state": "ok", "at": "2026-01-02T03:04:05Z"}'
                    expect:
                      provider: acme
                      messageId: m1
                      status: DELIVERED
                      final: true
                      providerStatus: ok
                      occurredAt: "2026-01-02T03:04:05Z"
                """);
        var settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.mappings.dir", directory.toString());
        assertThatThrownBy(() -> RunningAdapter.start(settings).close())
                .hasStackTraceContaining(file + ": sample 'delivered' fails")
                .hasStackTraceContaining("providerStatus");
        // the same file with the right path starts (beside the shipped mappings its routes need)
        write(VALID + Files.readString(file).substring(Files.readString(file).indexOf("samples:")));
        try (var files = Files.list(Path.of("mappings"))) {
            for (Path shipped : files.filter(f -> !f.getFileName().toString().equals("acme.yaml")).toList()) {
                Files.copy(shipped, directory.resolve(shipped.getFileName()));
            }
        }
        RunningAdapter.start(settings).close();
    }
}
