package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.routes.RouteFolderCheck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mapping checker for architects, run from the jar:
 * <pre>
 * java -jar target/dlr-adapter.jar check mappings/acme.yaml                      # run its samples
 * java -jar target/dlr-adapter.jar check mappings/                               # every mapping of the folder
 * java -jar target/dlr-adapter.jar check mappings/ routes/                       # and the routes, cross-checked
 * java -jar target/dlr-adapter.jar check .                                       # the same: mappings/ and routes/ of a folder
 * java -jar target/dlr-adapter.jar check mappings/acme.yaml payload.txt \
 *      [--content-type application/x-www-form-urlencoded] [--source poll]      # map one payload
 * </pre>
 * Exit codes: 0 all good; 1 a sample failed or the payload cannot be mapped; 2 a mapping file is
 * invalid, a route file would be refused at start (e.g. its provider has no mapping), a file is
 * missing, a mapping was given where a payload belongs, or the command is wrong. A mapping no
 * route uses is a warning only. Fits a CI pipeline.
 */
public final class MappingChecker {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;

    /** The folders {@code check .} looks for. */
    private static final String MAPPINGS = "mappings";
    private static final String ROUTES = "routes";
    /** Plain YAML, to tell what a file is (a mapping, a route list, a Kamelet), not to load it. */
    private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
            new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

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
            return usage("give a mapping file (and optionally a payload file), a mappings folder (and optionally its "
                    + "routes folder), or a folder holding mappings/ and routes/");
        }
        Path target = Path.of(positional.get(0));
        if (!Files.exists(target)) {
            err.println("MISSING " + target + ": no such file or folder");
            return INVALID;
        }
        if (Files.isDirectory(target)) {
            return checkFolders(target, positional.size() == 2 ? Path.of(positional.get(1)) : null);
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
     * The folder forms: {@code check mappings/} (the mappings alone), {@code check mappings/
     * routes/} (both, cross-checked) and {@code check .} (a folder holding {@code mappings/} and
     * {@code routes/}: both, cross-checked).
     */
    private int checkFolders(Path folder, Path second) {
        Path mappings = folder;
        Path routes = second;
        if (second == null && Files.isDirectory(folder.resolve(MAPPINGS))) {
            mappings = folder.resolve(MAPPINGS).normalize();
            routes = folder.resolve(ROUTES).normalize();
        } else if (second != null && !Files.exists(second)) {
            err.println("MISSING " + second + ": no such folder");
            return INVALID;
        } else if (second != null && !Files.isDirectory(second)) {
            return usage("a payload is mapped by one mapping file, not a folder (" + folder + "); after a mappings folder "
                    + "give its routes folder (check " + folder + " routes/)");
        }
        // a routes folder where the mappings folder belongs (check routes/, check routes/ mappings/):
        // said plainly, or the two taken by what they hold, not read as twenty invalid mappings
        if (holdsRoutesOnly(mappings)) {
            if (routes != null && !holdsRoutesOnly(routes)) {
                Path swapped = mappings;
                mappings = routes;
                routes = swapped;
            } else {
                return usage("NOT A MAPPINGS FOLDER " + mappings + " holds route files (Camel routes or Kamelets), no "
                        + "mapping; give the mappings folder first and then it (check mappings/ " + mappings
                        + "), or the folder holding both (check .)");
            }
        }
        Map<String, Path> providers = new TreeMap<>();
        int mappingCode = checkFolder(mappings, providers);
        if (routes == null) {
            out.println("routes not cross-checked: give the routes folder too (check " + mappings + " routes/), "
                    + "or the folder holding both (check .)");
            return mappingCode;
        }
        int routeCode = crossCheck(routes, providers);
        return Math.max(mappingCode, routeCode);
    }

    /**
     * Every mapping file of a folder: each one's samples, an invalid file reported and the others
     * still checked, and two files for one provider refused as the adapter's start would. The
     * valid mappings' providers and files go into {@code providers}.
     */
    private int checkFolder(Path folder, Map<String, Path> providers) {
        List<Path> files;
        try {
            files = MappingLoader.mappingFiles(folder);
        } catch (IOException e) {
            err.println("MISSING " + folder + ": cannot list the folder: " + e.getMessage());
            return INVALID;
        }
        if (files.isEmpty()) {
            err.println("MISSING " + folder + ": no mapping files (*.yaml, *.yml) in the folder");
            return INVALID;
        }
        MappingLoader loader = new MappingLoader();
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
                err.println("INVALID MAPPING " + MappingLoader.alreadyDefined(file, mapping.provider(), clash));
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

    /**
     * The routes against the mappings, as the start checks them: a route file the start would
     * refuse (a provider without a mapping, a parameter against its Kamelet's contract, bad YAML)
     * is an error; a mapping no route names is a warning, since nothing reaches it (the
     * path-token webhook takes only providers with a route of their own) but the adapter starts,
     * and a mapping written before its route is how a provider is added.
     */
    private int crossCheck(Path routes, Map<String, Path> providers) {
        if (!Files.isDirectory(routes)) {
            err.println("MISSING " + routes + ": no such folder (the routes folder)");
            return INVALID;
        }
        RouteFolderCheck.Result result;
        try {
            result = RouteFolderCheck.check(routes, providers::containsKey);
        } catch (IOException e) {
            err.println("MISSING " + routes + ": cannot list the folder: " + e.getMessage());
            return INVALID;
        }
        if (result.files().isEmpty()) {
            err.println("MISSING " + routes + ": no route files (*.yaml) in the folder");
            return INVALID;
        }
        for (RouteFolderCheck.FileResult file : result.files()) {
            out.println("== " + file.file());
            if (file.valid()) {
                out.println(file.providers().isEmpty() ? "OK" : "OK, routes " + String.join(", ", file.providers()));
            } else {
                String problem = file.problem();
                err.println("INVALID ROUTE " + (problem.startsWith(file.file().toString()) ? problem : file.file() + ": " + problem));
                out.println("INVALID (see the error output)");
            }
        }
        Set<String> routed = result.routedProviders();
        int unused = 0;
        for (Map.Entry<String, Path> mapping : providers.entrySet()) {
            if (!routed.contains(mapping.getKey())) {
                unused++;
                err.println("WARNING " + mapping.getValue() + ": no route in " + routes + " names provider '" + mapping.getKey()
                        + "' (no provider-webhook or provider-poller route): its webhooks answer 404 \"unknown provider\" "
                        + "and nothing polls it");
            }
        }
        out.println(result.files().size() + " route files: " + (result.files().size() - result.invalid()) + " valid, "
                + result.invalid() + " invalid; " + unused + (unused == 1 ? " mapping" : " mappings") + " without a route");
        return result.invalid() > 0 ? INVALID : OK;
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
     * Whether a folder's YAML files are route files (a list of routes, or a Kamelet) and none is a
     * mapping (a YAML object with {@code provider}); a file that is not YAML counts as neither.
     */
    private static boolean holdsRoutesOnly(Path folder) {
        List<Path> files;
        try {
            files = MappingLoader.mappingFiles(folder);
        } catch (IOException e) {
            return false;   // checkFolder reports it
        }
        boolean routes = false;
        for (Path file : files) {
            try {
                var root = YAML.readTree(file.toFile());
                if (root != null && root.isObject() && root.has("provider")) {
                    return false;
                }
                routes |= root != null && (root.isArray() || "Kamelet".equals(root.path("kind").asText()));
            } catch (IOException | RuntimeException e) {
                // not YAML: neither a route nor a mapping
            }
        }
        return routes;
    }

    /**
     * The provider a text names if it is a mapping file (a YAML object with {@code provider} and
     * {@code shapes}), else null: a mapping given by mistake where a payload belongs would be read
     * as a payload and fail for a reason that says nothing of the mistake.
     */
    private static String mappingIn(String text) {
        try {
            var root = YAML.readTree(text);
            return root != null && root.isObject() && root.path("provider").isTextual() && root.has("shapes")
                    ? root.path("provider").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;   // not YAML: a payload (form, XML, broken JSON) the mapping will judge
        }
    }

    private int usage(String problem) {
        err.println(problem);
        err.println("usage: java -jar dlr-adapter.jar check <mapping.yaml> [payload-file] "
                + "[--content-type TYPE] [--source webhook|poll]");
        err.println("       java -jar dlr-adapter.jar check <mappings-folder> [routes-folder]");
        err.println("       java -jar dlr-adapter.jar check <folder holding mappings/ and routes/>");
        return INVALID;
    }
}
