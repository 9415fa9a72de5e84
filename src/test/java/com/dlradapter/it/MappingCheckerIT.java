package com.dlradapter.it;

import com.dlradapter.support.ShippedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapping checker exactly as the guide runs it: {@code java -jar target/dlr-adapter.jar check
 * <mapping> [payload]} in its own process, from the repository root; its exit codes are what a
 * CI pipeline sees.
 */
class MappingCheckerIT {

    private static final String FORM = "application/x-www-form-urlencoded";

    @TempDir
    Path directory;

    private record Run(int exitCode, String out, String err) {
    }

    private Run check(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "target/dlr-adapter.jar", "check"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the checker ends").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theShippedSamplesPassWithExitCode0() throws Exception {
        Run run = check("mappings/acme.yaml");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("PASS status callback, delivered").contains("passed, 0 failed");
    }

    @Test
    void aPayloadIsPrintedAsItsCanonicalReceiptWithExitCode0() throws Exception {
        Path payload = directory.resolve("acme.txt");
        Files.writeString(payload, "MessageSid=SM9&MessageStatus=failed&ErrorCode=30008");
        Run run = check("mappings/acme.yaml", payload.toString(), "--content-type", FORM);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"messageId\" : \"SM9\"").contains("\"status\" : \"FAILED\"")
                .contains("\"code\" : \"30008\"");
    }

    @Test
    void anUnmappablePayloadSaysWhyWithExitCode1() throws Exception {
        Path payload = directory.resolve("acme.txt");
        Files.writeString(payload, "MessageSid=SM5&MessageStatus=teleported");
        Run run = check("mappings/acme.yaml", payload.toString(), "--content-type", FORM);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("UNMAPPABLE").contains("teleported");
    }

    @Test
    void aFailingSampleIsNamedWithExitCode1() throws Exception {
        Path mapping = directory.resolve("acme.yaml");
        Files.writeString(mapping, Files.readString(Path.of("mappings/acme.yaml"))
                .replace("      status: SENT\n      final: false\n      providerStatus: sent",
                        "      status: DELIVERED\n      final: false\n      providerStatus: sent"));
        Run run = check(mapping.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL status callback, sent").contains("status: expected \"DELIVERED\", got \"SENT\"")
                .contains("1 failed");
    }

    @Test
    void anInvalidMappingOrAWrongCommandExits2() throws Exception {
        Path mapping = directory.resolve("acme.yaml");
        Files.writeString(mapping, Files.readString(Path.of("mappings/acme.yaml"))
                .replace("  delivered: DELIVERED\n", "  delivered: NOT_A_STATUS\n"));
        Run invalid = check(mapping.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("INVALID MAPPING").contains(mapping.toString()).contains("NOT_A_STATUS");

        Run usage = check();
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("usage: java -jar dlr-adapter.jar check");
    }
    /** {@code check .}: mappings and routes cross-checked by the jar, the report free of Camel's log lines. */
    @Test
    void theProjectFolderIsCrossCheckedWithExitCode0() throws Exception {
        Run run = check(".");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("== mappings/acme.yaml").contains("== routes/acme.yaml\nOK, routes acme")
                .contains("0 invalid; 0 mappings without a route").doesNotContain("AbstractCamelContext").doesNotContain("INFO");

        Path routes = Files.createDirectories(directory.resolve("routes"));
        Files.copy(Path.of("routes/webhook-template.kamelet.yaml"), routes.resolve("webhook-template.kamelet.yaml"));
        Files.writeString(routes.resolve("nomap.yaml"), ShippedFiles.webhookRoute("nomap"));
        Run orphan = check("mappings", routes.toString());
        assertThat(orphan.exitCode()).isEqualTo(2);
        assertThat(orphan.err()).contains("INVALID ROUTE " + routes.resolve("nomap.yaml"))
                .contains("provider 'nomap' has no mapping").contains("WARNING mappings/acme.yaml");
    }
}
