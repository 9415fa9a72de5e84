package com.dlradapter.support;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zeckta receipts posted by four clients, each a new event, until stopped: the load the
 * database-outage tests put on the adapter while its database goes away and comes back. Every
 * answer must be 200 "stored" (its id is then acknowledged) or 503 with Retry-After; a client that
 * gets anything else ends with that failure, which {@link #stop()} rethrows.
 */
public final class OutageLoad implements AutoCloseable {

    private static final int CLIENTS = 4;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    private final List<Future<Void>> clients = new ArrayList<>();

    private OutageLoad() {
    }

    /** Starts the clients against {@code adapter}; event ids are {@code idPrefix} and a number. */
    public static OutageLoad start(RunningAdapter adapter, String idPrefix) {
        OutageLoad load = new OutageLoad();
        for (int t = 0; t < CLIENTS; t++) {
            load.clients.add(load.pool.submit(() -> {
                while (load.running.get()) {
                    String id = idPrefix + load.sent.incrementAndGet();
                    HttpResponse<String> answer = adapter.post(adapter.webhook("zeckta"), receipt(id));
                    load.answers.computeIfAbsent(answer.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    if (answer.statusCode() == 200) {
                        assertThat(answer.body()).contains("\"stored\"");
                        load.acknowledged.add(id);
                    } else {
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                    }
                }
                return null;
            }));
        }
        return load;
    }

    static String receipt(String id) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "m-%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}
                """.formatted(id, id);
    }

    /** The event ids answered 200 so far. */
    public Set<String> acknowledged() {
        return acknowledged;
    }

    /** How many answers had this status so far. */
    public int answered(int status) {
        return answers.getOrDefault(status, new AtomicInteger()).get();
    }

    /** The answers so far by status. */
    public Map<Integer, AtomicInteger> answers() {
        return answers;
    }

    /** How many receipts were posted. */
    public int sent() {
        return sent.get();
    }

    /** Stops the clients, waits for them, and rethrows what failed in one of them. */
    public void stop() throws Exception {
        running.set(false);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Future<Void> client : clients) {
            client.get();
        }
    }

    /** How many times each of Zeckta's event ids is stored. */
    public static Map<String, Integer> storedEvents(Connection connection) throws SQLException {
        Map<String, Integer> stored = new HashMap<>();
        try (ResultSet rows = connection.createStatement().executeQuery(
                "SELECT event_id, COUNT(*) FROM receipt_event WHERE provider = 'zeckta' GROUP BY event_id")) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getInt(2));
            }
        }
        return stored;
    }

    @Override
    public void close() {
        running.set(false);
        pool.shutdownNow();
    }
}
