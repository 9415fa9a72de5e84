package com.dlradapter.mapping;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The architects' mapping checker: its messages and exit codes. */
class MappingCheckerTest {

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String... args) {
        return new MappingChecker(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void allShippedSamplesPass() {
        assertThat(check("mappings/acme.yaml")).as(out()).isEqualTo(MappingChecker.OK);
        assertThat(out()).contains("PASS status callback, delivered").contains("passed, 0 failed");
    }

    @Test
    void aFailingSampleSaysWhichFieldAndExits1() throws Exception {
        String broken = Files.readString(Path.of("mappings/acme.yaml"))
                .replace("      status: SENT\n      final: false\n      providerStatus: sent",
                        "      status: DELIVERED\n      final: false\n      providerStatus: sent");
        Path file = directory.resolve("acme.yaml");
        Files.writeString(file, broken);
        assertThat(check(file.toString())).isEqualTo(MappingChecker.FAILED);
        assertThat(out()).contains("FAIL status callback, sent").contains("status: expected \"DELIVERED\", got \"SENT\"")
                .contains("1 failed");
    }

    @Test
    void aPayloadIsPrintedAsCanonicalReceipts() throws Exception {
        Path payload = directory.resolve("receipt.txt");
        Files.writeString(payload, "MessageSid=SM9&MessageStatus=delivered&To=%2B15558675310");
        assertThat(check("mappings/acme.yaml", payload.toString(), "--content-type", "application/x-www-form-urlencoded"))
                .as(err()).isEqualTo(MappingChecker.OK);
        assertThat(out()).contains("\"messageId\" : \"SM9\"").contains("\"status\" : \"DELIVERED\"")
                .contains("\"recipient\" : \"+15558675310\"");
    }

    @Test
    void anUnmappablePayloadSaysWhyAndExits1() throws Exception {
        Path payload = directory.resolve("receipt.json");
        Files.writeString(payload, "{\"eventId\": \"e\", \"message\": {\"uuid\": \"m\", \"status\": \"LOST\"}}");
        assertThat(check("mappings/zeckta.yaml", payload.toString())).isEqualTo(MappingChecker.FAILED);
        assertThat(err()).startsWith("UNMAPPABLE").contains("provider status 'LOST' is not in the statuses table");
    }

    @Test
    void anInvalidMappingOrCommandExits2() throws Exception {
        Path file = directory.resolve("bad.yaml");
        Files.writeString(file, "provider: bad\nshapes: []\n");
        assertThat(check(file.toString())).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).startsWith("INVALID MAPPING").contains(file.toString()).contains("field 'shapes'");
        assertThat(check()).isEqualTo(MappingChecker.INVALID);
        assertThat(check("mappings/acme.yaml", "--source", "carrier-pigeon")).isEqualTo(MappingChecker.INVALID);
    }

    @Test
    void aFolderIsCheckedMappingByMapping() throws Exception {
        assertThat(check("mappings")).as(out() + err()).isEqualTo(MappingChecker.OK);
        assertThat(out()).contains("== mappings" + java.io.File.separator + "acme.yaml")
                .contains("== mappings" + java.io.File.separator + "zeckta.yaml")
                .contains("PASS status callback, delivered")
                .contains("5 mapping files: 5 passed, 0 failed, 0 invalid");
        assertThat(err()).doesNotContain("Is a directory");

        // one failing and one invalid file: both named, the others still checked
        try (var files = Files.list(Path.of("mappings"))) {
            for (Path file : files.toList()) {
                Files.copy(file, directory.resolve(file.getFileName()));
            }
        }
        Path acme = directory.resolve("acme.yaml");
        Files.writeString(acme, Files.readString(acme).replace("recipient: $.To", "recipient: $.Too"));
        Files.writeString(directory.resolve("bad.yaml"), "provider: bad\nshapes: []\n");
        out.reset();
        err.reset();
        assertThat(check(directory.toString())).isEqualTo(MappingChecker.INVALID);
        assertThat(out()).contains("FAIL status callback, queued").contains("PASS")
                .contains("6 mapping files: 4 passed, 1 failed, 1 invalid");
        assertThat(err()).contains("INVALID MAPPING " + directory.resolve("bad.yaml")).contains("field 'shapes'");
    }

    @Test
    void aMissingFileIsReportedAsMissing() throws Exception {
        Path gone = directory.resolve("no-such.yaml");
        assertThat(check(gone.toString())).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).startsWith("MISSING " + gone).doesNotContain("YAML");
        err.reset();
        assertThat(check("mappings/acme.yaml", directory.resolve("no-such.txt").toString())).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).startsWith("MISSING " + directory.resolve("no-such.txt"));
        assertThatMessage(() -> new MappingLoader().load(gone)).contains(gone + ": no such file").doesNotContain("YAML");
    }

    @Test
    void aSecondMappingGivenAsAPayloadIsRefusedPlainly() {
        assertThat(check("mappings/acme.yaml", "mappings/zeckta.yaml")).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).startsWith("NOT A PAYLOAD mappings/zeckta.yaml is a mapping file (provider: zeckta), not a payload")
                .contains("check mappings");
    }

    private static org.assertj.core.api.AbstractStringAssert<?> assertThatMessage(Runnable call) {
        try {
            call.run();
        } catch (MappingDefinitionException e) {
            return assertThat(e.getMessage());
        }
        throw new AssertionError("no MappingDefinitionException");
    }
}
