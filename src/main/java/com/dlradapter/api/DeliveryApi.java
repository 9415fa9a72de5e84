package com.dlradapter.api;

import com.dlradapter.http.HttpProblem;
import com.dlradapter.routing.AlreadyDeliveredException;
import com.dlradapter.routing.Deliveries;
import com.dlradapter.routing.Delivery;
import com.dlradapter.routing.DeliveryBoard;
import com.dlradapter.routing.RouteDecision;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/deliveries?status=&sink=&target=}, {@code GET /api/deliveries/targets},
 * {@code POST /api/deliveries/{id}/retry} and {@code POST /api/deliveries/retry?target=}.
 */
public class DeliveryApi {

    private static final Set<String> STATUSES = Set.of(Deliveries.PENDING, Deliveries.DELIVERED, Deliveries.FAILED);
    private static final Set<String> SINKS = Set.of(RouteDecision.WEBHOOK, RouteDecision.JDBC);
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryApi.class);

    private final Deliveries deliveries;
    private final DeliveryBoard board;
    private final Duration budget;

    /** @param budget how long one retry-all request makes deliveries due before it answers where it stopped */
    public DeliveryApi(Deliveries deliveries, DeliveryBoard board, Duration budget) {
        this.deliveries = deliveries;
        this.board = board;
        this.budget = budget;
    }

    public void list(Exchange exchange) throws SQLException {
        String status = ApiExchange.parameter(exchange, "status");
        if (status != null && !STATUSES.contains(status)) {
            throw HttpProblem.badRequest("'status' must be one of pending, delivered, failed");
        }
        String target = ApiExchange.parameter(exchange, "target");
        String sink = ApiExchange.parameter(exchange, "sink");
        if (sink != null && !SINKS.contains(sink)) {
            throw HttpProblem.badRequest("'sink' must be webhook or jdbc");
        }
        if (target != null && status == null) {
            throw HttpProblem.badRequest("'status' is required with 'target'");
        }
        if (sink != null && target == null) {
            throw HttpProblem.badRequest("'sink' goes with 'target'");
        }
        int limit = ApiExchange.number(exchange, "limit", 100, 1, 500);
        int offset = ApiExchange.number(exchange, "offset", 0, 0, Integer.MAX_VALUE);
        List<Delivery> found = target == null ? deliveries.list(status, limit, offset)
                : board.ofTarget(status, sink == null ? RouteDecision.WEBHOOK : sink, target, limit, offset);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("limit", limit);
        answer.put("offset", offset);
        answer.put("deliveries", found.stream().map(DeliveryApi::view).toList());
        ApiExchange.answer(exchange, 200, answer);
    }

    /**
     * {@code GET /api/messages/{provider}/{messageId}/deliveries}: the deliveries of each of the
     * message's events ({@code sourceId} is the event's {@code id} in the message's history).
     */
    public void ofMessage(Exchange exchange) throws SQLException {
        String provider = ApiExchange.parameter(exchange, "provider");
        String messageId = ApiExchange.parameter(exchange, "messageId");
        List<Delivery> found = board.ofMessage(provider, messageId)
                .orElseThrow(() -> HttpProblem.notFound("no message " + messageId + " from provider " + provider));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("provider", provider);
        answer.put("messageId", messageId);
        answer.put("deliveries", found.stream().map(DeliveryApi::view).toList());
        ApiExchange.answer(exchange, 200, answer);
    }

    /** {@code GET /api/deliveries/targets}: each target with pending or failed deliveries, and their counts. */
    public void targets(Exchange exchange) throws SQLException {
        List<Map<String, Object>> targets = new ArrayList<>();
        for (DeliveryBoard.TargetCounts counts : board.targets()) {
            targets.add(view(counts));
        }
        ApiExchange.answer(exchange, 200, Map.of("targets", targets));
    }

    /** A target's backlog as the deliveries page and the overview show it. */
    static Map<String, Object> view(DeliveryBoard.TargetCounts counts) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sink", counts.sink());
        view.put("target", counts.target());
        view.put("pending", counts.pending());
        view.put("failed", counts.failed());
        view.put("disabled", counts.disabled());
        return view;
    }

    /**
     * {@code POST /api/deliveries/retry?target=&before=}: makes every failed delivery of a target
     * that failed before {@code before} (default: now) due at once, {@value DeliveryBoard#RETRY_PAGE}
     * a transaction, until none is left or the time budget is spent ({@code complete} false: the same
     * POST with the answer's {@code before} continues).
     */
    public void retryAll(Exchange exchange) throws SQLException {
        String target = ApiExchange.parameter(exchange, "target");
        if (target == null) {
            throw HttpProblem.badRequest("'target' is required: the target whose failed deliveries to retry");
        }
        Instant given = ApiExchange.instant(exchange, "before");
        Instant before = given == null ? Instant.now() : given;
        long deadline = System.nanoTime() + budget.toNanos();
        int retried = 0;
        boolean more = true;
        while (more && System.nanoTime() - deadline < 0) {
            int page = board.retryFailedPage(target, before);
            retried += page;
            more = page == DeliveryBoard.RETRY_PAGE;
        }
        long remaining = more ? board.failedBefore(target, before) : 0;
        LOG.info("Retried {} failed deliveries to {} by hand{}", retried, target,
                remaining == 0 ? "" : ", " + remaining + " left for the next request");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("target", target);
        answer.put("retried", retried);
        answer.put("complete", remaining == 0);
        answer.put("remaining", remaining);
        answer.put("before", before.toString());
        ApiExchange.answer(exchange, 200, answer);
    }

    public void retry(Exchange exchange) throws SQLException {
        String id = ApiExchange.parameter(exchange, "id");
        Delivery delivery;
        try {
            delivery = deliveries.retryNow(id).orElseThrow(() -> HttpProblem.notFound("no delivery " + id));
        } catch (AlreadyDeliveredException e) {
            throw new HttpProblem(409, "conflict", e.getMessage());
        }
        ApiExchange.answer(exchange, 202, view(delivery));
    }

    static Map<String, Object> view(Delivery delivery) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", delivery.id());
        view.put("sink", delivery.sink());
        view.put("target", delivery.target());
        view.put("type", delivery.eventType());
        view.put("status", delivery.status());
        view.put("attempts", delivery.attempts());
        view.put("nextAttemptAt", Deliveries.PENDING.equals(delivery.status()) ? delivery.nextAttemptAt() : null);
        view.put("lastCode", delivery.lastCode());
        view.put("lastError", delivery.lastError());
        view.put("createdAt", delivery.createdAt());
        view.put("updatedAt", delivery.updatedAt());
        view.put("deliveredAt", delivery.deliveredAt());
        view.put("sourceId", delivery.sourceId());
        return view;
    }
}
