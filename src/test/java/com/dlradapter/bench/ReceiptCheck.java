package com.dlradapter.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's correctness check against the database, after the adapter has stopped: every
 * event answered 2xx is stored, no event is stored twice, and nothing is stored that was not
 * sent. An event that was refused (503) and never accepted by a repeat may or may not be stored,
 * so with refusals {@code acknowledged <= stored <= distinct sent}; without them all three are equal.
 */
record ReceiptCheck(long distinctSent, long acknowledged, long stored, long missing, long duplicated, long unknown) {

    boolean correct() {
        return missing == 0 && duplicated == 0 && unknown == 0;
    }

    /** {@code accepted}: numbers of the workload's events answered 2xx in any phase. */
    static ReceiptCheck of(String url, Workload workload, BitSet accepted) throws SQLException {
        Map<String, Integer> stored = storedEvents(url);
        Set<String> sent = new HashSet<>();
        for (long event = 0; event < workload.distinctEvents(); event++) {
            sent.add(workload.key(event));
        }
        long missing = accepted.stream().filter(event -> !stored.containsKey(workload.key(event))).count();
        long duplicated = stored.values().stream().filter(times -> times > 1).count();
        long unknown = stored.keySet().stream().filter(key -> !sent.contains(key)).count();
        long rows = stored.values().stream().mapToLong(Integer::longValue).sum();
        return new ReceiptCheck(workload.distinctEvents(), accepted.cardinality(), rows, missing, duplicated, unknown);
    }

    /** Each stored event's key (provider, message_id, provider_status) and how many rows have it. */
    private static Map<String, Integer> storedEvents(String url) throws SQLException {
        Map<String, Integer> stored = new HashMap<>();
        try (Connection connection = BenchDatabase.connect(url);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT provider, message_id, provider_status FROM receipt_event")) {
            while (rows.next()) {
                stored.merge(Workload.key(rows.getString(1), rows.getString(2), rows.getString(3)), 1, Integer::sum);
            }
        }
        return stored;
    }

    /** E.g. {@code 48327 / 48327 / 48327}: acknowledged / stored / distinct sent, then what is wrong. */
    String summary() {
        String line = acknowledged + " / " + stored + " / " + distinctSent;
        if (missing > 0) {
            line += ", " + missing + " acknowledged MISSING";
        }
        if (duplicated > 0) {
            line += ", " + duplicated + " stored TWICE";
        }
        if (unknown > 0) {
            line += ", " + unknown + " stored but never sent";
        }
        return line;
    }
}
