package com.dlradapter.api;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.http.HttpProblem;
import com.dlradapter.routing.AlreadyDeliveredException;
import com.dlradapter.routing.Deliveries;
import com.dlradapter.routing.Delivery;
import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /api/deliveries?status=} and {@code POST /api/deliveries/{id}/retry}. */
public class DeliveryApi {

    private static final Set<String> STATUSES = Set.of(Deliveries.PENDING, Deliveries.DELIVERED, Deliveries.FAILED);
    private final Deliveries deliveries;

    public DeliveryApi(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    public void list(Exchange exchange) throws SQLException {
        String status = QueryApi.parameter(exchange, "status");
        if (status != null && !STATUSES.contains(status)) {
            throw HttpProblem.badRequest("'status' must be one of pending, delivered, failed");
        }
        int limit = number(exchange, "limit", 100, 1, 500);
        int offset = number(exchange, "offset", 0, 0, Integer.MAX_VALUE);
        List<Map<String, Object>> rows = deliveries.list(status, limit, offset).stream().map(DeliveryApi::view).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("limit", limit);
        answer.put("offset", offset);
        answer.put("deliveries", rows);
        ok(exchange, 200, answer);
    }

    public void retry(Exchange exchange) throws SQLException {
        String id = QueryApi.parameter(exchange, "id");
        Delivery delivery;
        try {
            delivery = deliveries.retryNow(id).orElseThrow(() -> HttpProblem.notFound("no delivery " + id));
        } catch (AlreadyDeliveredException e) {
            throw new HttpProblem(409, "conflict", e.getMessage());
        }
        ok(exchange, 202, view(delivery));
    }

    private static Map<String, Object> view(Delivery delivery) {
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
        return view;
    }

    private static void ok(Exchange exchange, int code, Object answer) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(CanonicalJson.write(answer));
    }

    private static int number(Exchange exchange, String name, int defaultValue, int min, int max) {
        String text = QueryApi.parameter(exchange, name);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("'" + name + "' must be a whole number from " + min + " to " + max);
        }
    }
}
