package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.ReceiptSource;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The mapping checker for architects, run from the jar:
 * <pre>
 * java -jar target/dlr-adapter.jar check mappings/acme.yaml                      # run its samples
 * java -jar target/dlr-adapter.jar check mappings/                               # every mapping of the folder
 * java -jar target/dlr-adapter.jar check mappings/acme.yaml payload.txt \
 *      [--content-type application/x-www-form-urlencoded] [--source poll]      # map one payload
 * </pre>
 * Exit codes: 0 all good; 1 a sample failed or the payload cannot be mapped; 2 a mapping file is
 * invalid, a file is missing, a mapping was given where a payload belongs, or the command is
 * wrong. Fits a CI pipeline.
 */
public final class MappingChecker {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;

    private final PrintStream out;
    private final PrintStream err;

    public MappingChecker(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** {@code args} as after the word {@code check}. */
    public int run(List<String> args) {
        List<String> positional = new ArrayList<>();
        String contentType = null;
        ReceiptSource source = ReceiptSource.WEBHOOK;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--content-type") && i + 1 < args.size()) {
                contentType = args.get(++i);
            } else if (arg.equals("--source") && i + 1 < args.size()) {
                String name = args.get(++i);
                if (!name.equals("webhook") && !name.equals("poll")) {
                    return usage("--source must be webhook or poll");
                }
                source = name.equals("poll") ? ReceiptSource.POLL : ReceiptSource.WEBHOOK;
            } else if (arg.startsWith("--")) {
                return usage("unknown option " + arg);
            } else {
                positional.add(arg);
            }
        }
        if (positional.isEmpty() || positional.size() > 2) {
            return usage("give a mapping file, and optionally a payload file");
        }
        Path target = Path.of(positional.get(0));
        if (!Files.exists(target)) {
            err.println("MISSING " + target + ": no such file or folder");
            return INVALID;
        }
        if (Files.isDirectory(target)) {
            return positional.size() == 2
                    ? usage("a payload is mapped by one mapping file, not a folder (" + target + ")")
                    : checkFolder(target);
        }
        ProviderMapping mapping;
        try {
            mapping = new MappingLoader().load(target);
        } catch (MappingDefinitionException e) {
            err.println("INVALID MAPPING " + e.getMessage());
            return INVALID;
        }
        return positional.size() == 2
                ? mapPayload(mapping, Path.of(positional.get(1)), contentType, source)
                : runSamples(mapping);
    }

    /**
     * Every mapping file of a folder: each one's samples, an invalid file reported and the others
     * still checked, and two files for one provider refused as the adapter's start would.
     */
    private int checkFolder(Path folder) {
        List<Path> files;
        try (var listing = Files.list(folder)) {
            files = listing.filter(MappingLoader::isMappingFile).sorted().toList();
        } catch (IOException e) {
            err.println("MISSING " + folder + ": cannot list the folder: " + e.getMessage());
            return INVALID;
        }
        if (files.isEmpty()) {
            err.println("MISSING " + folder + ": no mapping files (*.yaml, *.yml) in the folder");
            return INVALID;
        }
        MappingLoader loader = new MappingLoader();
        java.util.Map<String, Path> providers = new java.util.HashMap<>();
        int invalid = 0;
        int failed = 0;
        for (Path file : files) {
            out.println("== " + file);
            ProviderMapping mapping;
            try {
                mapping = loader.load(file);
            } catch (MappingDefinitionException e) {
                err.println("INVALID MAPPING " + e.getMessage());
                out.println("INVALID (see the error output)");
                invalid++;
                continue;
            }
            Path clash = providers.putIfAbsent(mapping.provider(), file);
            if (clash != null) {
                err.println("INVALID MAPPING " + file + ": provider '" + mapping.provider() + "' is already defined by " + clash);
                out.println("INVALID (see the error output)");
                invalid++;
                continue;
            }
            if (runSamples(mapping) != OK) {
                failed++;
            }
        }
        out.println(files.size() + " mapping files: " + (files.size() - invalid - failed) + " passed, " + failed
                + " failed, " + invalid + " invalid");
        return invalid > 0 ? INVALID : failed > 0 ? FAILED : OK;
    }

    private int runSamples(ProviderMapping mapping) {
        if (mapping.samples().isEmpty()) {
            out.println(mapping.file() + ": valid; it has no samples to run");
            return OK;
        }
        int failed = 0;
        for (SampleCheck.Result result : SampleCheck.runAll(mapping)) {
            if (result.passed()) {
                out.println("PASS " + result.sample());
            } else {
                failed++;
                out.println("FAIL " + result.sample() + ": " + result.detail());
            }
        }
        out.println((mapping.samples().size() - failed) + " passed, " + failed + " failed");
        return failed == 0 ? OK : FAILED;
    }

    private int mapPayload(ProviderMapping mapping, Path payloadFile, String contentType, ReceiptSource source) {
        if (!Files.exists(payloadFile)) {
            err.println("MISSING " + payloadFile + ": no such payload file");
            return INVALID;
        }
        String payload;
        try {
            payload = Files.readString(payloadFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return usage("cannot read " + payloadFile + ": " + e.getMessage());
        }
        String provider = mappingIn(payload);
        if (provider != null) {
            err.println("NOT A PAYLOAD " + payloadFile + " is a mapping file (provider: " + provider + "), not a payload; "
                    + "to check several mappings give each on its own, or their folder (check " + mapping.file().getParent() + ")");
            return INVALID;
        }
        MappingEngine engine = new MappingEngine(() -> java.util.Map.of(mapping.provider(), mapping));
        try {
            var receipts = engine.map(mapping.provider(), payload, contentType, source, Instant.now());
            out.println(CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(receipts));
            return OK;
        } catch (UnmappablePayloadException e) {
            err.println("UNMAPPABLE " + e.getMessage());
        } catch (MalformedPayloadException | UnsupportedPayloadFormatException e) {
            err.println("REFUSED " + e.getMessage());
        } catch (IOException e) {
            err.println("FAILED " + e.getMessage());
        }
        return FAILED;
    }

    /**
     * The provider a text names if it is a mapping file (a YAML object with {@code provider} and
     * {@code shapes}), else null: a mapping given by mistake where a payload belongs would be read
     * as a payload and fail for a reason that says nothing of the mistake.
     */
    private static String mappingIn(String text) {
        try {
            var root = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(text);
            return root != null && root.isObject() && root.path("provider").isTextual() && root.has("shapes")
                    ? root.path("provider").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;   // not YAML: a payload (form, XML, broken JSON) the mapping will judge
        }
    }

    private int usage(String problem) {
        err.println(problem);
        err.println("usage: java -jar dlr-adapter.jar check <mapping.yaml | mappings-folder> [payload-file] "
                + "[--content-type TYPE] [--source webhook|poll]");
        return INVALID;
    }
}
