package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.TestDatabases.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's guarantees, on H2 and on a real PostgreSQL alike. */
class ReceiptStoreTest {

    @TempDir
    Path directory;
    private Database database;
    private ReceiptStore store;
    private MessageQuery query;

    private void open(Kind kind) {
        database = TestDatabases.database(kind, directory);
        store = new ReceiptStore(database.dataSource());
        query = new MessageQuery(database.dataSource());
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    static DeliveryReceipt receipt(String messageId, String providerStatus, CanonicalStatus status, Integer part, Integer parts) {
        return receipt(messageId, providerStatus, status, part, parts, null);
    }

    static DeliveryReceipt receipt(String messageId, String providerStatus, CanonicalStatus status, Integer part, Integer parts,
                                   String clientRef) {
        String key = DeliveryReceipt.idempotencyKey("test", null, messageId, providerStatus, part);
        boolean multipart = parts != null && parts > 1;
        return new DeliveryReceipt(DeliveryReceipt.idFor(key), "test", messageId, "batch-1", clientRef, null, status,
                status.isFinal() && !multipart, providerStatus, null, "+441111111111", "SENDER", 1, part, parts,
                null, null, Instant.parse("2026-01-01T10:00:00Z"), Instant.now(), ReceiptSource.WEBHOOK);
    }

    private JsonNode state(String messageId) throws Exception {
        return query.message("test", messageId).orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStatusOnlyMovesForwardAndAFinalStatusStays(Kind kind) throws Exception {
        open(kind);
        store.store(receipt("m1", "SENT", CanonicalStatus.SENT, null, null), "{}");
        StoreOutcome delivered = store.store(receipt("m1", "DELIVERED", CanonicalStatus.DELIVERED, null, null), "{}");
        StoreOutcome lateSent = store.store(receipt("m1", "ACCEPTED", CanonicalStatus.ACCEPTED, null, null), "{}");
        StoreOutcome conflicting = store.store(receipt("m1", "FAILED", CanonicalStatus.FAILED, null, null), "{}");

        assertThat(delivered.statusChanged()).isTrue();
        assertThat(lateSent.statusChanged()).isFalse();
        assertThat(conflicting.statusChanged()).isFalse();
        assertThat(lateSent.receipt().final_()).as("the message is final, whatever this event says").isTrue();
        JsonNode state = state("m1");
        assertThat(state.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("final").asBoolean()).isTrue();
        assertThat(state.get("providerStatus").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("history").size()).isEqualTo(4);
        assertThat(state.get("history").get(0).get("status").asText()).isEqualTo("SENT");
        assertThat(state.get("history").get(3).get("status").asText()).isEqualTo("FAILED");
    }

    /**
     * The sender's reference: the message keeps the first one it learns (a receipt without one
     * takes nothing away, a later different one changes nothing), stored in one batch or one by
     * one; each history event keeps the one it came with.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMessageKeepsTheFirstClientRefAndEachEventItsOwn(Kind kind) throws Exception {
        open(kind);
        store.store(receipt("ref-1", "ACCEPTED", CanonicalStatus.ACCEPTED, null, null, null), "{}");
        store.store(receipt("ref-1", "SENT", CanonicalStatus.SENT, null, null, "order-42"), "{}");
        store.storeAll(List.of(
                new ReceiptStore.Item(receipt("ref-1", "DELIVERED", CanonicalStatus.DELIVERED, null, null, "order-43"), "{}"),
                new ReceiptStore.Item(receipt("ref-2", "SENT", CanonicalStatus.SENT, null, null, null), "{}"),
                new ReceiptStore.Item(receipt("ref-2", "DELIVERED", CanonicalStatus.DELIVERED, null, null, "order-44"), "{}"),
                new ReceiptStore.Item(receipt("ref-2", "FAILED", CanonicalStatus.FAILED, null, null, "order-45"), "{}")));

        JsonNode first = state("ref-1");
        assertThat(first.get("clientRef").asText()).isEqualTo("order-42");
        assertThat(first.get("history")).extracting(event -> event.get("clientRef").isNull() ? null : event.get("clientRef").asText())
                .containsExactly(null, "order-42", "order-43");
        assertThat(first.get("history").get(0).has("clientRef")).as("written, null when absent").isTrue();
        assertThat(state("ref-2").get("clientRef").asText()).isEqualTo("order-44");
        store.store(receipt("ref-none", "SENT", CanonicalStatus.SENT, null, null), "{}");
        assertThat(state("ref-none").get("clientRef").isNull()).as("present, null").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aDuplicateKeyIsStoredOnce(Kind kind) throws Exception {
        open(kind);
        DeliveryReceipt receipt = receipt("m2", "DELIVERED", CanonicalStatus.DELIVERED, null, null);
        assertThat(store.store(receipt, "{}").duplicate()).isFalse();
        assertThat(store.store(receipt, "{}").duplicate()).isTrue();
        assertThat(store.store(receipt, "{}").duplicate()).isTrue();
        assertThat(state("m2").get("history").size()).isEqualTo(1);
        assertThat(count("receipt_event")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void concurrentDuplicatesAreSettledByTheUniqueKey(Kind kind) throws Exception {
        open(kind);
        DeliveryReceipt receipt = receipt("m3", "DELIVERED", CanonicalStatus.DELIVERED, null, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<StoreOutcome>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tasks.add(() -> store.store(receipt, "{}"));
            }
            List<StoreOutcome> outcomes = new ArrayList<>();
            for (Future<StoreOutcome> future : pool.invokeAll(tasks)) {
                outcomes.add(future.get());
            }
            assertThat(outcomes).filteredOn(o -> !o.duplicate()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("receipt_event")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void concurrentEventsOfOneMessageEndOnTheHighestStatus(Kind kind) throws Exception {
        open(kind);
        List<DeliveryReceipt> receipts = List.of(
                receipt("m4", "ACCEPTED", CanonicalStatus.ACCEPTED, null, null),
                receipt("m4", "SENT", CanonicalStatus.SENT, null, null),
                receipt("m4", "DELIVERED", CanonicalStatus.DELIVERED, null, null),
                receipt("m4", "UNKNOWN", CanonicalStatus.UNKNOWN, null, null));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<StoreOutcome>> tasks = new ArrayList<>();
            receipts.forEach(r -> tasks.add(() -> store.store(r, "{}")));
            for (Future<StoreOutcome> future : pool.invokeAll(tasks)) {
                assertThat(future.get().duplicate()).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(state("m4").get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state("m4").get("history").size()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMultipartMessageIsFinalOnlyWhenEveryPartIs(Kind kind) throws Exception {
        open(kind);
        StoreOutcome first = store.store(receipt("m5", "Delivered", CanonicalStatus.DELIVERED, 1, 2), "{}");
        assertThat(first.receipt().final_()).isFalse();
        assertThat(state("m5").get("status").asText()).isEqualTo("SENT");
        assertThat(state("m5").get("final").asBoolean()).isFalse();

        StoreOutcome second = store.store(receipt("m5", "Delivered", CanonicalStatus.DELIVERED, 2, 2), "{}");
        assertThat(second.receipt().final_()).isTrue();
        ObjectNode state = (ObjectNode) state("m5");
        assertThat(state.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(state.get("final").asBoolean()).isTrue();
        assertThat(state.get("parts").asInt()).isEqualTo(2);
        assertThat(state.get("history").size()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMultipartMessageTakesTheFailingPartsStatus(Kind kind) throws Exception {
        open(kind);
        store.store(receipt("m6", "Undelivered", CanonicalStatus.UNDELIVERED, 2, 3), "{}");
        store.store(receipt("m6", "Delivered", CanonicalStatus.DELIVERED, 1, 3), "{}");
        assertThat(state("m6").get("final").asBoolean()).isFalse();
        store.store(receipt("m6", "Sent", CanonicalStatus.SENT, 3, 3), "{}");
        assertThat(state("m6").get("final").asBoolean()).isFalse();
        store.store(receipt("m6", "Delivered", CanonicalStatus.DELIVERED, 3, 3), "{}");
        JsonNode state = state("m6");
        assertThat(state.get("status").asText()).isEqualTo("UNDELIVERED");
        assertThat(state.get("final").asBoolean()).isTrue();
        assertThat(state.get("history").size()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anUnknownMessageHasNoState(Kind kind) throws Exception {
        open(kind);
        assertThat(query.message("test", "nope")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deadLettersAreKeptNewestFirst(Kind kind) throws Exception {
        open(kind);
        DeadLetterStore deadLetters = new DeadLetterStore(database.dataSource());
        long first = deadLetters.save("test", ReceiptSource.WEBHOOK, "no message id", "application/json", "{\"a\":1}", Instant.now());
        long second = deadLetters.save("test", ReceiptSource.WEBHOOK, "unknown status", null, "{\"b\":2}", Instant.now());
        var rows = deadLetters.list(null, 10, 0);
        assertThat(rows).extracting(r -> r.get("id")).containsExactly(second, first);
        assertThat(rows.get(0).get("reason")).isEqualTo("unknown status");
        assertThat(rows.get(0).get("rawPayload")).isEqualTo("{\"b\":2}");
    }

    /**
     * PostgreSQL text cannot hold U+0000. A raw payload with a real NUL (a form or GET callback's
     * decoded text, a status API's answer) and a reason with one are still kept, on both databases,
     * and the raw payload reads back exactly as it arrived (NulText's reversible escape).
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void rawPayloadsWithANulCharacterAreKeptAndReadBackAsTheyArrived(Kind kind) throws Exception {
        open(kind);
        String raw = "MessageSid=SMnul&MessageStatus=delivered&Note=a\u0000b\\0c\\\\d";
        long id = new DeadLetterStore(database.dataSource()).save("test", ReceiptSource.WEBHOOK,
                "reason with a \u0000", "application/x-www-form-urlencoded", raw, Instant.now());
        var row = new DeadLetterStore(database.dataSource()).list("test", 10, 0).get(0);
        assertThat(row.get("id")).isEqualTo(id);
        assertThat(row.get("rawPayload")).isEqualTo(raw);
        assertThat(row.get("reason")).isEqualTo("reason with a \\u0000");

        store.store(receipt("m-nul", "DELIVERED", CanonicalStatus.DELIVERED, null, null), raw);
        assertThat(state("m-nul").get("status").asText()).isEqualTo("DELIVERED");
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT raw_payload, raw_payload_escaped FROM receipt_event WHERE message_id = 'm-nul'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.getString(1)).doesNotContain("\u0000");
            assertThat(NulText.raw(rs.getString(1), rs.getBoolean(2))).isEqualTo(raw);
        }
        // a payload without a NUL is stored exactly as received, backslashes and all
        store.store(receipt("m-plain", "DELIVERED", CanonicalStatus.DELIVERED, null, null), "{\"a\":\"x\\\\0y\"}");
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT raw_payload, raw_payload_escaped FROM receipt_event WHERE message_id = 'm-plain'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(2)).isFalse();
            assertThat(rs.getString(1)).isEqualTo("{\"a\":\"x\\\\0y\"}");
        }
    }

    private long count(String table) throws Exception {
        return Sql.number(database.dataSource(), "SELECT COUNT(*) FROM " + table);
    }
}
