package com.dlradapter.ingest;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.PhoneNumbers;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.GroupCommit;
import com.dlradapter.store.ReceiptWriter;
import com.dlradapter.store.StoreOutcome;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generic steps of the ingest route: map a payload, store a receipt, keep a dead letter and
 * write the answer. Nothing here knows a provider; the mapping files do.
 */
public class ReceiptIngest {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptIngest.class);

    private final MappingEngine engine;
    private final ReceiptWriter store;
    private final DeadLetterStore deadLetters;
    private final Durability durability;
    private final com.dlradapter.observe.AdapterMetrics metrics;

    /** Makes committed work survive a crash before it is acknowledged (see Database#flush). */
    public interface Durability {
        void flush() throws SQLException;
    }

    /**
     * @param store       returns once a receipt is committed and durable (see {@link GroupCommit})
     * @param durability  makes a dead letter durable before it is acknowledged
     */
    public ReceiptIngest(MappingEngine engine, ReceiptWriter store, DeadLetterStore deadLetters, Durability durability,
                         com.dlradapter.observe.AdapterMetrics metrics) {
        this.engine = engine;
        this.store = store;
        this.deadLetters = deadLetters;
        this.durability = durability;
        this.metrics = metrics;
    }

    /** The receipts of the request body, through the provider's mapping. */
    public List<DeliveryReceipt> map(Exchange exchange) {
        return engine.map(provider(exchange), exchange.getProperty(IngestProperties.RAW_BODY, String.class),
                exchange.getProperty(IngestProperties.CONTENT_TYPE, String.class), source(exchange), receivedAt(exchange));
    }

    /**
     * Stores one receipt. When the idempotent consumer already knows its key, nothing is written:
     * the key is only ever added after a commit, so the receipt is stored.
     */
    public StoreOutcome store(DeliveryReceipt receipt, Exchange exchange) throws SQLException {
        if (exchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class)) {
            LOG.debug("Duplicate {} receipt {} dropped by the idempotent repository", receipt.provider(), receipt.id());
            StoreOutcome duplicate = new StoreOutcome(receipt, true, false);
            if (metrics != null) {
                metrics.stored(duplicate, source(exchange));
            }
            return duplicate;
        }
        StoreOutcome outcome = store.store(receipt, exchange.getProperty(IngestProperties.RAW_BODY, String.class));
        if (metrics != null) {
            metrics.stored(outcome, source(exchange));
        }
        if (!LOG.isDebugEnabled()) {
            return outcome;
        }
        if (outcome.duplicate()) {
            LOG.debug("Duplicate {} receipt {} settled by the database", receipt.provider(), receipt.id());
        } else {
            // DEBUG: at thousands of receipts a second a line each costs more than it tells; the
            // metrics count them and the query API shows each one
            LOG.debug("Stored {} receipt {}: message {} to {} is {} ({}){}", receipt.provider(), receipt.id(),
                    receipt.messageId(), PhoneNumbers.mask(receipt.recipient()), receipt.status(),
                    receipt.providerStatus(), outcome.statusChanged() ? "" : ", current status unchanged");
        }
        return outcome;
    }

    /** Keeps the payload the mapping refused; a failure to keep it propagates (answered 503). */
    public void deadLetter(Exchange exchange) throws SQLException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = failure == null ? "unmappable payload" : failure.getMessage();
        long id = deadLetters.save(provider(exchange), source(exchange), reason,
                exchange.getProperty(IngestProperties.CONTENT_TYPE, String.class),
                exchange.getProperty(IngestProperties.RAW_BODY, String.class), receivedAt(exchange));
        durability.flush();
        if (metrics != null) {
            metrics.deadLettered(provider(exchange), source(exchange));
        }
        LOG.warn("Dead letter {} from {}: {}", id, provider(exchange), reason);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("result", "dead-lettered");
        answer.put("deadLetterId", id);
        answer.put("reason", reason);
        json(exchange, answer);
    }

    /**
     * The 200 answer once every receipt of the request is committed and durable: the writer
     * returns only then, and a key the idempotent repository knows was added after that.
     */
    public void answer(List<StoreOutcome> outcomes, Exchange exchange) {
        List<Map<String, Object>> receipts = new ArrayList<>();
        int duplicates = 0;
        for (StoreOutcome outcome : outcomes) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", outcome.receipt().id());
            item.put("messageId", outcome.receipt().messageId());
            item.put("status", outcome.receipt().status());
            item.put("duplicate", outcome.duplicate());
            receipts.add(item);
            duplicates += outcome.duplicate() ? 1 : 0;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("result", duplicates == outcomes.size() ? "duplicate" : "stored");
        answer.put("receipts", receipts);
        json(exchange, answer);
    }

    private static void json(Exchange exchange, Object answer) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(CanonicalJson.write(answer));
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
