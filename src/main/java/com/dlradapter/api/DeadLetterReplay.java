package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.mapping.MalformedPayloadException;
import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.UnknownProviderException;
import com.dlradapter.mapping.UnmappablePayloadException;
import com.dlradapter.mapping.UnsupportedPayloadFormatException;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.store.Durability;
import com.dlradapter.store.NulText;
import com.dlradapter.store.ReceiptStore;
import com.dlradapter.store.StoreOutcome;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/dead-letters/{id}/replay}: runs a dead letter's stored raw payload through the
 * provider's current mapping again (after a mapping fix) and stores its receipts like the ingest
 * route does (the database's unique key settles duplicates). Answers what happened
 * ({@code stored}, {@code duplicate} or {@code still-unmappable}) and records each replay in
 * {@code dead_letter_replay}. The dead letter itself is kept.
 */
public class DeadLetterReplay {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);

    private final DataSource dataSource;
    private final MappingEngine engine;
    private final ReceiptStore store;
    private final Durability durability;
    private final AdapterMetrics metrics;

    public DeadLetterReplay(DataSource dataSource, MappingEngine engine, ReceiptStore store,
                            Durability durability, AdapterMetrics metrics) {
        this.dataSource = dataSource;
        this.engine = engine;
        this.store = store;
        this.durability = durability;
        this.metrics = metrics;
    }

    public void replay(Exchange exchange) throws SQLException {
        String idText = QueryApi.parameter(exchange, "id");
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("'id' must be a dead letter id");
        }
        String provider;
        String source;
        String contentType;
        String raw;
        Instant receivedAt;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT provider, source, content_type, raw_payload, raw_payload_escaped, received_at FROM dead_letter"
                             + " WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw HttpProblem.notFound("no dead letter " + id);
                }
                provider = row.getString(1);
                source = row.getString(2);
                contentType = row.getString(3);
                // as it arrived: a payload with a NUL is stored escaped (see NulText)
                raw = NulText.raw(row.getString(4), row.getBoolean(5));
                receivedAt = row.getObject(6, OffsetDateTime.class).toInstant();
            }
        }
        ReceiptSource receiptSource = ReceiptSource.valueOf(source.toUpperCase());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deadLetterId", id);
        String result;
        String detail = null;
        List<DeliveryReceipt> receipts;
        try {
            // with the content type it came with, as on arrival: a form body is read as a form
            receipts = engine.map(provider, raw, contentType, receiptSource, receivedAt);
        } catch (UnmappablePayloadException | MalformedPayloadException | UnsupportedPayloadFormatException
                 | UnknownProviderException e) {
            receipts = null;
            detail = NulText.visible(e.getMessage());
        }
        List<Map<String, Object>> items = new ArrayList<>();
        if (receipts == null) {
            result = "still-unmappable";
        } else {
            boolean anyStored = false;
            for (DeliveryReceipt receipt : receipts) {
                StoreOutcome outcome = store.store(receipt, raw);
                if (metrics != null) {
                    metrics.stored(outcome, receiptSource);
                }
                anyStored |= !outcome.duplicate();
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", receipt.id());
                item.put("messageId", receipt.messageId());
                item.put("status", receipt.status());
                item.put("duplicate", outcome.duplicate());
                items.add(item);
            }
            result = anyStored ? "stored" : "duplicate";
        }
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO dead_letter_replay (dead_letter_id, replayed_at, result, detail) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setObject(2, OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
            insert.setString(3, result);
            insert.setString(4, detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail);
            insert.executeUpdate();
        }
        durability.flush();
        LOG.info("Replayed dead letter {} of {}: {}", id, provider, result);
        answer.put("result", result);
        if (detail != null) {
            answer.put("reason", detail);
        }
        if (!items.isEmpty()) {
            answer.put("receipts", items);
        }
        answer.put("replayedAt", now.toString());
        answer.put("replays", replays(id));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(CanonicalJson.write(answer));
    }

    private int replays(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM dead_letter_replay WHERE dead_letter_id = ?")) {
            count.setLong(1, id);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
