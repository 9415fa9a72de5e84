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
 * java -jar target/dlr-adapter.jar check mappings/acme.yaml payload.txt \
 *      [--content-type application/x-www-form-urlencoded] [--source poll]      # map one payload
 * </pre>
 * Exit codes: 0 all good; 1 a sample failed or the payload cannot be mapped; 2 the mapping file
 * is invalid or the command is wrong. Fits a CI pipeline.
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
        ProviderMapping mapping;
        try {
            mapping = new MappingLoader().load(Path.of(positional.get(0)));
        } catch (MappingDefinitionException e) {
            err.println("INVALID MAPPING " + e.getMessage());
            return INVALID;
        }
        return positional.size() == 2
                ? mapPayload(mapping, Path.of(positional.get(1)), contentType, source)
                : runSamples(mapping);
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
        String payload;
        try {
            payload = Files.readString(payloadFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return usage("cannot read " + payloadFile + ": " + e.getMessage());
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

    private int usage(String problem) {
        err.println(problem);
        err.println("usage: java -jar dlr-adapter.jar check <mapping.yaml> [payload-file] "
                + "[--content-type TYPE] [--source webhook|poll]");
        return INVALID;
    }
}
