package com.dlradapter.mapping;

import com.dlradapter.support.ShippedFiles;
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
                .contains("8 mapping files: 8 passed, 0 failed, 0 invalid");
        assertThat(err()).doesNotContain("Is a directory");

        // one failing and one invalid file: both named, the others still checked
        ShippedFiles.copyMappings(directory);
        Path acme = directory.resolve("acme.yaml");
        Files.writeString(acme, Files.readString(acme).replace("recipient: $.To", "recipient: $.Too"));
        Files.writeString(directory.resolve("bad.yaml"), "provider: bad\nshapes: []\n");
        out.reset();
        err.reset();
        assertThat(check(directory.toString())).isEqualTo(MappingChecker.INVALID);
        assertThat(out()).contains("FAIL status callback, queued").contains("PASS")
                .contains("9 mapping files: 7 passed, 1 failed, 1 invalid");
        assertThat(err()).contains("INVALID MAPPING " + directory.resolve("bad.yaml")).contains("field 'shapes'");
    }

    /** {@code check mappings routes}: the shipped routes and mappings agree, each route file named with what it routes. */
    @Test
    void mappingsAndRoutesAreCrossChecked() {
        assertThat(check("mappings", "routes")).as(out() + err()).isEqualTo(MappingChecker.OK);
        assertThat(out()).contains("== routes" + java.io.File.separator + "acme.yaml\nOK, routes acme")
                .contains("== routes" + java.io.File.separator + "cecula.yaml\nOK, routes cecula")
                .contains("== routes" + java.io.File.separator + "api.yaml\nOK\n")
                .containsPattern("\\d+ route files: \\d+ valid, 0 invalid; 0 mappings without a route")
                .doesNotContain("routes not cross-checked");
        assertThat(err()).isEmpty();
        // the folder holding both is the same check
        out.reset();
        assertThat(check(".")).as(out() + err()).isEqualTo(MappingChecker.OK);
        assertThat(out()).contains("== mappings" + java.io.File.separator + "acme.yaml")
                .contains("== routes" + java.io.File.separator + "acme.yaml");
        // the mappings alone say the routes were not looked at
        out.reset();
        assertThat(check("mappings")).isEqualTo(MappingChecker.OK);
        assertThat(out()).contains("routes not cross-checked: give the routes folder too (check mappings routes/)");
    }

    /**
     * A route whose provider has no mapping is an error, as at start (exit 2, the file, route and
     * provider named; the other route files still checked); a mapping no route names is a warning.
     */
    @Test
    void aRouteWithoutItsMappingIsAnErrorAndAMappingWithoutARouteAWarning() throws Exception {
        Path mappings = Files.createDirectories(directory.resolve("mappings"));
        Path routes = Files.createDirectories(directory.resolve("routes"));
        for (String name : List.of("acme.yaml", "zeckta.yaml")) {
            Files.copy(Path.of("mappings", name), mappings.resolve(name));
        }
        for (String name : List.of("webhook-template.kamelet.yaml", "polling-template.kamelet.yaml", "acme.yaml", "cecula.yaml")) {
            Files.copy(Path.of("routes", name), routes.resolve(name));
        }
        assertThat(check(directory.toString())).as(out() + err()).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).contains("INVALID ROUTE " + routes.resolve("cecula.yaml"))
                .contains("route webhook-cecula (template provider-webhook): provider 'cecula' has no mapping")
                .contains("WARNING " + mappings.resolve("zeckta.yaml") + ": no route in " + routes
                        + " names provider 'zeckta'")
                .doesNotContain("provider 'acme' has no mapping").doesNotContain("names provider 'acme'");
        assertThat(out()).contains("== " + routes.resolve("acme.yaml") + "\nOK, routes acme")
                .contains("4 route files: 3 valid, 1 invalid; 1 mapping without a route");

        // the route's mapping added: only the warning is left, and a warning alone exits 0
        Files.copy(Path.of("mappings/cecula.yaml"), mappings.resolve("cecula.yaml"));
        out.reset();
        err.reset();
        assertThat(check(mappings.toString(), routes.toString())).as(out() + err()).isEqualTo(MappingChecker.OK);
        assertThat(err()).startsWith("WARNING " + mappings.resolve("zeckta.yaml")).doesNotContain("INVALID");
        assertThat(out()).contains("4 route files: 4 valid, 0 invalid; 1 mapping without a route");
    }

    /** A route file against its Kamelet's contract, or not YAML at all, is named; a missing routes folder is MISSING. */
    @Test
    void aBadRouteFileOrAMissingRoutesFolderIsNamed() throws Exception {
        Path routes = Files.createDirectories(directory.resolve("routes"));
        Files.copy(Path.of("routes/polling-template.kamelet.yaml"), routes.resolve("polling-template.kamelet.yaml"));
        // named before its Kamelet: still checked against the contract
        Files.writeString(routes.resolve("a-poll.yaml"), """
                - templatedRoute:
                    routeTemplateRef: provider-poller
                    routeId: poll-acme
                    parameters:
                      - name: provider
                        value: acme
                      - name: statusPath
                        value: /v1/{key}
                      - name: per
                        value: weekly
                """);
        Files.writeString(routes.resolve("broken.yaml"), "- route: [unclosed\n");
        assertThat(check("mappings", routes.toString())).as(out() + err()).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).contains("INVALID ROUTE " + routes.resolve("a-poll.yaml"))
                .contains("parameter 'per' is 'weekly': allowed values are message, batch")
                .contains("INVALID ROUTE " + routes.resolve("broken.yaml"));
        assertThat(out()).contains("3 route files: 1 valid, 2 invalid");

        err.reset();
        assertThat(check("mappings", directory.resolve("no-routes").toString())).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).startsWith("MISSING " + directory.resolve("no-routes"));
        err.reset();
        Files.createDirectories(directory.resolve("only/mappings"));
        Files.copy(Path.of("mappings/acme.yaml"), directory.resolve("only/mappings/acme.yaml"));
        assertThat(check(directory.resolve("only").toString())).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).contains("MISSING " + directory.resolve("only/routes"));
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

    /**
     * The routes folder where the mappings folder belongs: alone it is said plainly (not twenty
     * "INVALID MAPPING" lines for its route files); before the mappings folder, the two are taken
     * by what they hold.
     */
    @Test
    void aRoutesFolderGivenAsTheMappingsFolderIsSaidPlainly() {
        assertThat(check("routes")).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).contains("NOT A MAPPINGS FOLDER routes holds route files").contains("check mappings/ routes")
                .doesNotContain("INVALID MAPPING");
        out.reset();
        err.reset();
        assertThat(check("routes", "mappings")).as(out() + err()).isEqualTo(MappingChecker.OK);
        assertThat(out()).contains("== mappings" + java.io.File.separator + "acme.yaml")
                .contains("== routes" + java.io.File.separator + "acme.yaml\nOK, routes acme")
                .containsPattern("\\d+ route files: \\d+ valid, 0 invalid; 0 mappings without a route");
        assertThat(err()).isEmpty();
    }

    /**
     * Two files for one provider in a folder: the checker says it in the start's own words, and
     * reads the same files the start reads (*.yaml and *.yml, in name order; anything else left alone).
     */
    @Test
    void aFolderWithTwoFilesForOneProviderIsRefusedAsTheStartRefusesIt() throws Exception {
        Path first = directory.resolve("a-acme.yaml");
        Path second = directory.resolve("b-acme.yml");
        Files.copy(Path.of("mappings/acme.yaml"), first);
        Files.copy(Path.of("mappings/acme.yaml"), second);
        Files.writeString(directory.resolve("notes.txt"), "not a mapping");
        String refusal = second + ": provider 'acme' is already defined by " + first;

        assertThat(check(directory.toString())).as(out() + err()).isEqualTo(MappingChecker.INVALID);
        assertThat(err()).contains("INVALID MAPPING " + refusal).doesNotContain("notes.txt");
        assertThat(out()).contains("2 mapping files: 1 passed, 0 failed, 1 invalid");
        assertThatMessage(() -> new MappingLoader().loadDirectory(directory)).isEqualTo(refusal);
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
