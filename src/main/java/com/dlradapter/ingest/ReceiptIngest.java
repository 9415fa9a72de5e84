package com.dlradapter.ingest;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.PhoneNumbers;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.Durability;
import com.dlradapter.store.GroupCommit;
import com.dlradapter.store.ReceiptStore;
import com.dlradapter.store.SqlStates;
import com.dlradapter.store.StoreOutcome;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The generic steps of the ingest route: map a payload, store its receipts, keep a dead letter and
 * write the answer. Nothing here knows a provider; the mapping files do. The steps are bound as
 * plain processors ({@code process: ref}), not bean expressions: they run for every receipt.
 */
public class ReceiptIngest {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptIngest.class);

    private final MappingEngine engine;
    private final GroupCommit store;
    private final DeadLetterStore deadLetters;
    private final Durability durability;
    private final AdapterMetrics metrics;

    /**
     * @param store       completes once the receipts are committed and durable (see {@link GroupCommit})
     * @param durability  makes a dead letter durable before it is acknowledged
     */
    public ReceiptIngest(MappingEngine engine, GroupCommit store, DeadLetterStore deadLetters, Durability durability,
                         AdapterMetrics metrics) {
        this.engine = engine;
        this.store = store;
        this.deadLetters = deadLetters;
        this.durability = durability;
        this.metrics = metrics;
    }

    /**
     * The receipts of the payload, through the provider's mapping, into the body (with the items of
     * a multi-receipt payload the mapping refused, each kept as its own dead letter by
     * {@link #store}). A webhook the
     * store cannot take in time is refused first (503 busy), before any work is spent on it.
     */
    public void map(Exchange exchange) throws SQLException {
        ReceiptSource source = source(exchange);
        if (source == ReceiptSource.WEBHOOK) {
            store.admit(arrivedNanos(exchange, source));
        }
        // one bad item of a batch is kept alone, the others stored; a replay stays all or nothing:
        // the dead letter it replays is kept as it is unless the whole of it maps
        boolean eachItemAlone = exchange.getProperty(IngestProperties.REPLAY_OF) == null;
        exchange.getMessage().setBody(engine.mapPayload(provider(exchange), exchange.getProperty(IngestProperties.RAW_BODY, String.class),
                exchange.getProperty(IngestProperties.CONTENT_TYPE, String.class), source, receivedAt(exchange), eachItemAlone));
    }

    /**
     * Stores the receipts in the body (a group commit shared with concurrent requests; the
     * idempotent consumer's repository asked and told once per group, a key added only after its
     * commit) and answers 200 once all of them are committed and durable. A webhook that cannot be
     * committed within the answer budget ({@code dlr.http.answer-budget}, counted from its arrival)
     * fails with {@link com.dlradapter.store.StoreBusyException}: 503 with Retry-After.
     */
    public void store(Exchange exchange) throws SQLException {
        MappingEngine.MappedPayload payload = exchange.getMessage().getBody(MappingEngine.MappedPayload.class);
        List<ReceiptStore.Item> items = new ArrayList<>(payload.receipts().size());
        for (int i = 0; i < payload.receipts().size(); i++) {
            items.add(new ReceiptStore.Item(payload.receipts().get(i), payload.raw().get(i)));
        }
        ReceiptSource source = source(exchange);
        List<StoreOutcome> outcomes;
        try {
            outcomes = store.storeAll(items, arrivedNanos(exchange, source));
        } catch (SQLException e) {
            if (!SqlStates.isDataError(e) || exchange.getProperty(IngestProperties.REPLAY_OF) != null) {
                // the database is away or busy: 503, the provider retries; a replayed dead letter
                // is not kept a second time: its replay answers the failure
                throw e;
            }
            // the database refused a value of the payload (SQLSTATE class 22): retrying cannot
            // help, so it is the payload's fault: kept as a dead letter, answered 200
            deadLetter(exchange, "the database refused a value of this payload: " + e.getMessage());
            return;
        }
        exchange.setProperty(IngestProperties.OUTCOMES, outcomes);
        for (StoreOutcome outcome : outcomes) {
            metrics.stored(outcome, source);
            if (LOG.isDebugEnabled()) {
                log(outcome);
            }
        }
        List<ItemDeadLetter> itemDeadLetters = payload.rejected().isEmpty() ? List.of() : keepRejected(exchange, payload.rejected());
        answer(exchange, outcomes, itemDeadLetters);
    }

    /** An item of a batch kept as its own dead letter: its index in the payload, the dead letter, why. */
    record ItemDeadLetter(int item, long deadLetterId, String reason) {
    }

    /**
     * Keeps each refused item of a batch as a dead letter of its own (the payload with only that
     * item, so its replay maps it as it came), durable before the answer; a failure propagates
     * (503: the provider's retry finds the stored items duplicates and keeps these).
     */
    private List<ItemDeadLetter> keepRejected(Exchange exchange, List<MappingEngine.RejectedItem> rejected) throws SQLException {
        durability.ensureKept();
        List<ItemDeadLetter> kept = new ArrayList<>(rejected.size());
        String provider = provider(exchange);
        ReceiptSource source = source(exchange);
        String contentType = exchange.getProperty(IngestProperties.CONTENT_TYPE, String.class);
        Instant receivedAt = receivedAt(exchange);
        for (MappingEngine.RejectedItem item : rejected) {
            long id = save(provider, source, item.reason(), contentType, item.payload(), receivedAt);
            kept.add(new ItemDeadLetter(item.index(), id, item.reason()));
        }
        durability.flush();
        return kept;
    }

    /** Keeps the payload the mapping refused; a failure to keep it propagates (answered 503). */
    public void deadLetter(Exchange exchange) throws SQLException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        deadLetter(exchange, failure == null ? "unmappable payload" : failure.getMessage());
    }

    private void deadLetter(Exchange exchange, String reason) throws SQLException {
        durability.ensureKept();
        long id = save(provider(exchange), source(exchange), reason,
                exchange.getProperty(IngestProperties.CONTENT_TYPE, String.class),
                exchange.getProperty(IngestProperties.RAW_BODY, String.class), receivedAt(exchange));
        durability.flush();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("result", "dead-lettered");
        answer.put("deadLetterId", id);
        answer.put("reason", reason);
        json(exchange, CanonicalJson.write(answer));
    }

    /** Keeps one dead letter (its durability is the caller's: one flush for a batch's items), counted and logged. */
    private long save(String provider, ReceiptSource source, String reason, String contentType, String payload,
                      Instant receivedAt) throws SQLException {
        long id = deadLetters.save(provider, source, reason, contentType, payload, receivedAt);
        metrics.deadLettered(provider, source);
        LOG.warn("Dead letter {} from {}: {}", id, provider, reason);
        return id;
    }

    /**
     * The 200 answer once every receipt of the request is committed and durable:
     * {@code {"result":"stored"|"duplicate","receipts":[{"id","messageId","status","duplicate"}]}};
     * when items of a batch were refused, also {@code "deadLettered":[{"item","deadLetterId","reason"}]}
     * and {@code "counts":{"receipts","deadLettered"}}.
     */
    static void answer(Exchange exchange, List<StoreOutcome> outcomes, List<ItemDeadLetter> itemDeadLetters) {
        int duplicates = 0;
        for (StoreOutcome outcome : outcomes) {
            duplicates += outcome.duplicate() ? 1 : 0;
        }
        StringWriter text = new StringWriter(64 + 128 * outcomes.size());
        try (JsonGenerator json = CanonicalJson.MAPPER.getFactory().createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("result", duplicates == outcomes.size() ? "duplicate" : "stored");
            json.writeArrayFieldStart("receipts");
            for (StoreOutcome outcome : outcomes) {
                json.writeStartObject();
                json.writeStringField("id", outcome.receipt().id());
                json.writeStringField("messageId", outcome.receipt().messageId());
                json.writeStringField("status", outcome.receipt().status().name());
                json.writeBooleanField("duplicate", outcome.duplicate());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (!itemDeadLetters.isEmpty()) {
                json.writeArrayFieldStart("deadLettered");
                for (ItemDeadLetter item : itemDeadLetters) {
                    json.writeStartObject();
                    json.writeNumberField("item", item.item());
                    json.writeNumberField("deadLetterId", item.deadLetterId());
                    json.writeStringField("reason", item.reason());
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeObjectFieldStart("counts");
                json.writeNumberField("receipts", outcomes.size());
                json.writeNumberField("deadLettered", itemDeadLetters.size());
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json(exchange, text.toString());
    }

    private static void log(StoreOutcome outcome) {
        DeliveryReceipt receipt = outcome.receipt();
        if (outcome.duplicate()) {
            LOG.debug("Duplicate {} receipt {} not stored again", receipt.provider(), receipt.id());
        } else {
            LOG.debug("Stored {} receipt {}: message {} to {} is {} ({}){}", receipt.provider(), receipt.id(),
                    receipt.messageId(), PhoneNumbers.mask(receipt.recipient()), receipt.status(),
                    receipt.providerStatus(), outcome.statusChanged() ? "" : ", current status unchanged");
        }
    }

    private static void json(Exchange exchange, String body) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
    }

    /**
     * When the request arrived, on the {@link System#nanoTime()} scale: a webhook's answer budget
     * counts from the moment the HTTP server took the request (the exchange's creation, before it
     * waited for a worker thread); a status API's answer is stored as if it arrived now.
     */
    private static long arrivedNanos(Exchange exchange, ReceiptSource source) {
        long now = System.nanoTime();
        if (source != ReceiptSource.WEBHOOK) {
            return now;
        }
        long waitedMillis = Math.max(0, System.currentTimeMillis() - exchange.getClock().getCreated());
        return now - TimeUnit.MILLISECONDS.toNanos(waitedMillis);
    }

    private static String provider(Exchange exchange) {
        return exchange.getProperty(IngestProperties.PROVIDER, String.class);
    }

    private static ReceiptSource source(Exchange exchange) {
        return exchange.getProperty(IngestProperties.SOURCE, ReceiptSource.WEBHOOK, ReceiptSource.class);
    }

    private static Instant receivedAt(Exchange exchange) {
        Instant at = exchange.getProperty(IngestProperties.RECEIVED_AT, Instant.class);
        return at != null ? at : Instant.now();
    }
}
