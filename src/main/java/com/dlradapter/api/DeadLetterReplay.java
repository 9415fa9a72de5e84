package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.ingest.IngestProperties;
import com.dlradapter.mapping.MalformedPayloadException;
import com.dlradapter.mapping.UnknownProviderException;
import com.dlradapter.mapping.UnmappablePayloadException;
import com.dlradapter.mapping.UnsupportedPayloadFormatException;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.DeadLetterStore.DeadLetter;
import com.dlradapter.store.Durability;
import com.dlradapter.store.NulText;
import com.dlradapter.store.StoreOutcome;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/dead-letters/{id}/replay}: feeds a dead letter's stored raw payload, with the
 * provider, content type, source and arrival time it came with, through the ingest route again
 * ({@code direct:ingest}: the provider's current mapping, the idempotent consumer, the group
 * commit), after a mapping fix. Answers what happened ({@code stored}, {@code duplicate} or
 * {@code still-unmappable}) and records each replay in {@code dead_letter_replay}. The dead letter
 * itself is kept; a payload the mapping still refuses is not kept a second time.
 */
public class DeadLetterReplay {

    /** The route every payload is stored through (routes/ingest.yaml). */
    static final String INGEST = "direct:ingest";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);

    private final DeadLetterStore deadLetters;
    private final Durability durability;
    private ProducerTemplate ingest;

    public DeadLetterReplay(DeadLetterStore deadLetters, Durability durability) {
        this.deadLetters = deadLetters;
        this.durability = durability;
    }

    /** What the ingest route made of the payload. */
    private record Replayed(String result, String reason, List<StoreOutcome> outcomes) {
    }

    public void replay(Exchange exchange) throws Exception {
        long id = id(exchange);
        DeadLetter deadLetter = deadLetters.find(id).orElseThrow(() -> HttpProblem.notFound("no dead letter " + id));
        Replayed replayed = ingest(exchange.getContext(), deadLetter);
        Instant now = Instant.now();
        int replays = deadLetters.recordReplay(id, now, replayed.result(), replayed.reason());
        durability.flush();
        LOG.info("Replayed dead letter {} of {}: {}", id, deadLetter.provider(), replayed.result());

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deadLetterId", id);
        answer.put("result", replayed.result());
        if (replayed.reason() != null) {
            answer.put("reason", replayed.reason());
        }
        if (!replayed.outcomes().isEmpty()) {
            answer.put("receipts", receipts(replayed.outcomes()));
        }
        answer.put("replayedAt", now.toString());
        answer.put("replays", replays);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(CanonicalJson.write(answer));
    }

    private static long id(Exchange exchange) {
        try {
            return Long.parseLong(QueryApi.parameter(exchange, "id"));
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("'id' must be a dead letter id");
        }
    }

    /**
     * Sends the payload through the ingest route as it first arrived. A mapping that still refuses
     * it is {@code still-unmappable} with the mapping's reason; any other failure (the database
     * away or refusing a value) is this request's failure, answered like any other.
     */
    private Replayed ingest(CamelContext context, DeadLetter deadLetter) throws Exception {
        Exchange ingested = template(context).send(INGEST, exchange -> {
            exchange.setProperty(IngestProperties.PROVIDER, deadLetter.provider());
            exchange.setProperty(IngestProperties.RAW_BODY, deadLetter.rawPayload());
            // with the content type it came with, as on arrival: a form body is read as a form
            exchange.setProperty(IngestProperties.CONTENT_TYPE, deadLetter.contentType());
            exchange.setProperty(IngestProperties.SOURCE, deadLetter.source());
            exchange.setProperty(IngestProperties.RECEIVED_AT, deadLetter.receivedAt());
            exchange.setProperty(IngestProperties.REPLAY_OF, deadLetter.id());
        });
        if (ingested.getException() != null) {
            throw ingested.getException();
        }
        @SuppressWarnings("unchecked")
        List<StoreOutcome> outcomes = ingested.getProperty(IngestProperties.OUTCOMES, List.class);
        if (outcomes != null) {
            boolean anyStored = outcomes.stream().anyMatch(outcome -> !outcome.duplicate());
            return new Replayed(anyStored ? "stored" : "duplicate", null, outcomes);
        }
        Exception caught = ingested.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught instanceof UnmappablePayloadException || caught instanceof MalformedPayloadException
                || caught instanceof UnsupportedPayloadFormatException || caught instanceof UnknownProviderException) {
            return new Replayed("still-unmappable", NulText.visible(caught.getMessage()), List.of());
        }
        // handled by an error handler of the route: not stored, and the replay fails as it did
        throw caught != null ? caught : new IllegalStateException("the ingest route stored nothing and gave no reason");
    }

    private static List<Map<String, Object>> receipts(List<StoreOutcome> outcomes) {
        List<Map<String, Object>> items = new ArrayList<>(outcomes.size());
        for (StoreOutcome outcome : outcomes) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", outcome.receipt().id());
            item.put("messageId", outcome.receipt().messageId());
            item.put("status", outcome.receipt().status());
            item.put("duplicate", outcome.duplicate());
            items.add(item);
        }
        return items;
    }

    /** One template for the replays, made on the first (the context is running by then). */
    private synchronized ProducerTemplate template(CamelContext context) {
        if (ingest == null) {
            ingest = context.createProducerTemplate();
        }
        return ingest;
    }
}
