package com.dlradapter.api;

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

import java.time.Duration;
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
 *
 * <p>{@code POST /api/dead-letters/replay?provider=} replays every dead letter of a provider the
 * same way, oldest first, a page of {@value #PAGE} at a time (one page in memory, each replay its
 * own short transactions), and answers the counts by result. One request stops after its time
 * budget (half of {@code dlr.http.request-timeout}) and answers where it stopped ({@code after},
 * {@code through}): the next request with those continues, so 100,000 dead letters are replayed in
 * a series of bounded requests, and dead letters that arrive meanwhile are left for a later replay.
 */
public class DeadLetterReplay {

    /** The route every payload is stored through (routes/ingest.yaml). */
    static final String INGEST = "direct:ingest";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);

    /** Dead letters read and replayed together by a replay of all of a provider's. */
    static final int PAGE = 100;
    /** The results a replay answers, in the order the counts of a replay-all show them. */
    static final List<String> RESULTS = List.of("stored", "duplicate", "still-unmappable");

    private final DeadLetterStore deadLetters;
    private final Durability durability;
    private final Duration budget;
    private ProducerTemplate ingest;

    /** @param budget how long one replay-all request replays before it answers where it stopped */
    public DeadLetterReplay(DeadLetterStore deadLetters, Durability durability, Duration budget) {
        this.deadLetters = deadLetters;
        this.durability = durability;
        this.budget = budget;
    }

    /** What the ingest route made of the payload. */
    private record Replayed(String result, String reason, List<StoreOutcome> outcomes) {
    }

    public void replay(Exchange exchange) throws Exception {
        long id = id(exchange);
        DeadLetter deadLetter = deadLetters.find(id).orElseThrow(() -> HttpProblem.notFound("no dead letter " + id));
        Replayed replayed = ingest(exchange.getContext(), deadLetter);
        Instant now = Instant.now();
        deadLetters.recordReplay(id, now, replayed.result(), replayed.reason());
        int replays = deadLetters.replays(id);
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
        ApiExchange.answer(exchange, 200, answer);
    }

    /**
     * {@code POST /api/dead-letters/replay?provider=&after=&through=}: replays the provider's dead
     * letters with an id above {@code after} (default 0) up to {@code through} (default: its newest
     * now), oldest first, until done or the time budget is spent. A failure other than the mapping's
     * (the database away) stops it and fails the request; what was replayed is recorded, and
     * replaying again answers those as duplicates.
     */
    public void replayAll(Exchange exchange) throws Exception {
        String provider = ApiExchange.parameter(exchange, "provider");
        if (provider == null) {
            throw HttpProblem.badRequest("'provider' is required: the provider whose dead letters to replay");
        }
        long after = position(exchange, "after", 0);
        long through = position(exchange, "through", -1);
        if (through < 0) {
            through = deadLetters.lastId(provider);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, Integer> counts = new LinkedHashMap<>();
        RESULTS.forEach(result -> counts.put(result, 0));
        int replayed = 0;
        boolean more = true;
        while (more && System.nanoTime() - deadline < 0) {
            List<DeadLetter> page = deadLetters.page(provider, after, through, PAGE);
            for (DeadLetter deadLetter : page) {
                Replayed outcome = ingest(exchange.getContext(), deadLetter);
                deadLetters.recordReplay(deadLetter.id(), Instant.now(), outcome.result(), outcome.reason());
                counts.merge(outcome.result(), 1, Integer::sum);
                replayed++;
                after = deadLetter.id();
            }
            durability.flush();
            more = page.size() == PAGE;
        }
        long remaining = more ? deadLetters.count(provider, after, through) : 0;
        LOG.info("Replayed {} dead letters of {}: {}{}", replayed, provider, counts,
                remaining == 0 ? "" : ", " + remaining + " left for the next request");

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("provider", provider);
        answer.put("replayed", replayed);
        answer.putAll(counts);
        answer.put("complete", remaining == 0);
        answer.put("remaining", remaining);
        answer.put("after", after);
        answer.put("through", through);
        ApiExchange.answer(exchange, 200, answer);
    }

    private static long position(Exchange exchange, String name, long defaultValue) {
        String text = ApiExchange.parameter(exchange, name);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("'" + name + "' must be a dead letter id (a whole number from 0)");
        }
    }

    private static long id(Exchange exchange) {
        try {
            return Long.parseLong(ApiExchange.parameter(exchange, "id"));
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
