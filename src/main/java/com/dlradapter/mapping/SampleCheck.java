package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs a mapping's samples: each payload must give exactly the canonical receipts its
 * {@code expect} describes (all fields but {@code id} and {@code receivedAt}; a field left out must
 * be null), or be a dead letter whose reason contains {@code deadLetter}. Used by the registry
 * (a mapping goes live only if its samples pass), the test suite and the mapping checker alike.
 */
public final class SampleCheck {

    /** The receivedAt every sample is mapped with, so that results are reproducible. */
    public static final Instant RECEIVED_AT = Instant.parse("2026-01-01T00:00:00Z");

    public record Result(String sample, boolean passed, String detail, List<DeliveryReceipt> receipts) {
    }

    private SampleCheck() {
    }

    /**
     * Refuses a mapping that fails one of its own samples, naming the file, the sample and what
     * differs (the fields, or the dead letter's reason): what the adapter checks before a mapping
     * goes live, at start and on every reload, so a path typo cannot store receipts with nulls.
     */
    public static ProviderMapping requirePassing(ProviderMapping mapping) {
        for (Result result : runAll(mapping)) {
            if (!result.passed()) {
                throw new MappingDefinitionException(mapping.file() + ": sample '" + result.sample() + "' fails: "
                        + result.detail().replaceFirst("\\R\\s+", ": ").replaceAll("\\R\\s+", "; "));
            }
        }
        return mapping;
    }

    public static List<Result> runAll(ProviderMapping mapping) {
        MappingEngine engine = new MappingEngine(() -> java.util.Map.of(mapping.provider(), mapping));
        List<Result> results = new ArrayList<>();
        for (MappingSample sample : mapping.samples()) {
            results.add(run(engine, mapping.provider(), sample));
        }
        return results;
    }

    public static Result run(MappingEngine engine, String provider, MappingSample sample) {
        List<DeliveryReceipt> receipts;
        try {
            receipts = engine.map(provider, sample.payload(), sample.contentType(), sample.source(), RECEIVED_AT);
        } catch (UnmappablePayloadException e) {
            if (sample.deadLetter() == null) {
                return new Result(sample.name(), false, "expected a receipt, got a dead letter: " + e.getMessage(), List.of());
            }
            boolean matches = e.getMessage().contains(sample.deadLetter());
            return new Result(sample.name(), matches, matches ? "dead letter: " + e.getMessage()
                    : "dead letter reason '" + e.getMessage() + "' does not contain '" + sample.deadLetter() + "'", List.of());
        } catch (RuntimeException e) {
            return new Result(sample.name(), false, "refused: " + e.getMessage(), List.of());
        }
        if (sample.deadLetter() != null) {
            return new Result(sample.name(), false, "expected a dead letter containing '" + sample.deadLetter()
                    + "', got " + receipts.size() + " receipt(s)", receipts);
        }
        List<JsonNode> expected = new ArrayList<>();
        if (sample.expect().isArray()) {
            sample.expect().forEach(expected::add);
        } else {
            expected.add(sample.expect());
        }
        if (expected.size() != receipts.size()) {
            return new Result(sample.name(), false, "expected " + expected.size() + " receipt(s), got " + receipts.size(), receipts);
        }
        for (int i = 0; i < receipts.size(); i++) {
            ObjectNode actual = CanonicalJson.MAPPER.valueToTree(receipts.get(i));
            actual.remove(List.of("id", "receivedAt"));
            ObjectNode wanted = ((ObjectNode) expected.get(i)).deepCopy();
            if (!wanted.has("source")) {
                wanted.put("source", sample.source().wireName());
            }
            actual.fieldNames().forEachRemaining(name -> {
                if (!wanted.has(name)) {
                    wanted.set(name, JsonNodeFactory.instance.nullNode());
                }
            });
            if (!actual.equals(NUMERIC, wanted)) {
                return new Result(sample.name(), false, "receipt " + (i + 1) + " differs" + differences(wanted, actual), receipts);
            }
        }
        return new Result(sample.name(), true, receipts.size() + " receipt(s) as expected", receipts);
    }

    private static String differences(ObjectNode wanted, ObjectNode actual) {
        StringBuilder text = new StringBuilder();
        wanted.fieldNames().forEachRemaining(name -> {
            JsonNode a = actual.get(name);
            JsonNode w = wanted.get(name);
            if (a == null || !a.equals(NUMERIC, w)) {
                text.append(System.lineSeparator()).append("    ").append(name).append(": expected ").append(w)
                        .append(", got ").append(a);
            }
        });
        return text.toString();
    }

    /** Numbers compare by value (YAML's 1.50 is JSON's 1.5); everything else by equality. */
    private static final Comparator<JsonNode> NUMERIC = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
    };
}
