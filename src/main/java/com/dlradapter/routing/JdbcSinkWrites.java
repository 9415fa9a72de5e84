package com.dlradapter.routing;

import org.apache.camel.Exchange;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The steps of a JDBC sink's route (routes/jdbc-sink-template.yaml) around its camel-sql write:
 * which rows of the round may still be written within their leases, and what became of each, noted
 * in the round ({@link DeliveryRound}) for {@code recordRound} to record. camel-sql writes the
 * round's rows as one JDBC batch in one transaction; when that fails the route writes them one at a
 * time, each in its own transaction, so only a row the sink refuses fails (and is retried on its own
 * schedule). When no connection can be had, every row of the round failed this attempt.
 */
final class JdbcSinkWrites {

    /** Exchange property: the rows being written by this exchange's statement ({@link Row}s). */
    static final String ROWS = "dlrJdbcRows";

    /** A delivery and its row's named parameter values. */
    record Row(Delivery delivery, Map<String, Object> values) {
    }

    private final JdbcSinks sinks;

    JdbcSinkWrites(JdbcSinks sinks) {
        this.sinks = sinks;
    }

    /**
     * First step (the round in {@link DeliveryRounds#ROUND}): the body becomes its rows, for one
     * batch, unless no time is left to write them and record it within the round's leases (a
     * round's deliveries share one lease): then they are given back, and the body is empty.
     */
    void round(Exchange exchange) {
        DeliveryRound round = exchange.getProperty(DeliveryRounds.ROUND, DeliveryRound.class);
        JdbcSinks.Sink sink = sink(round);
        List<Row> rows = new ArrayList<>();
        exchange.setProperty(ROWS, rows);
        List<Delivery> deliveries = round.deliveries();
        if (!deliveries.isEmpty() && !round.mayStart(deliveries.get(0), JdbcSinks.attemptBound(sink.timeout()))) {
            deliveries.forEach(delivery -> round.add(Outcome.release(delivery)));
            deliveries = List.of();
        }
        for (Delivery delivery : deliveries) {
            try {
                rows.add(new Row(delivery, sink.statement().row(delivery)));
            } catch (RuntimeException e) {
                round.add(Outcome.attemptFailed(delivery, null, describe(e)));
            }
        }
        exchange.getMessage().setBody(rows.stream().map(Row::values).toList());
    }

    /** The statement committed: every row in {@link #ROWS} is delivered. */
    @SuppressWarnings("unchecked")
    void written(Exchange exchange) {
        DeliveryRound round = exchange.getProperty(DeliveryRounds.ROUND, DeliveryRound.class);
        exchange.getProperty(ROWS, List.class).forEach(row -> round.add(Outcome.delivered(((Row) row).delivery(), null)));
    }

    /**
     * Row by row, each split part a {@link Row}: the body becomes that one row, or null when it is
     * given back instead: the sink refused every row so far (it looks down), or an attempt begun
     * now could end too late to be recorded within the delivery's lease.
     */
    void row(Exchange exchange) {
        Row row = exchange.getMessage().getBody(Row.class);
        DeliveryRound round = exchange.getProperty(DeliveryRounds.ROUND, DeliveryRound.class);
        Duration attempt = JdbcSinks.attemptBound(sink(round).timeout());
        if (round.stalled() || !round.mayStart(row.delivery(), attempt)) {
            round.add(Outcome.release(row.delivery()));
            exchange.getMessage().setBody(null);
            return;
        }
        exchange.setProperty(ROWS, List.of(row));
        exchange.getMessage().setBody(List.of(row.values()));
    }

    /**
     * The statement failed and was rolled back, or no connection could be had (the sink is away):
     * every row in {@link #ROWS} failed this attempt.
     */
    @SuppressWarnings("unchecked")
    void failed(Exchange exchange) {
        DeliveryRound round = exchange.getProperty(DeliveryRounds.ROUND, DeliveryRound.class);
        String error = describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        exchange.getProperty(ROWS, List.class).forEach(row ->
                round.add(Outcome.attemptFailed(((Row) row).delivery(), null, error)));
    }

    private JdbcSinks.Sink sink(DeliveryRound round) {
        // a sink's route exists only while the sink is configured
        return sinks.sink(round.target().name()).orElseThrow(() ->
                new IllegalStateException("JDBC sink " + round.target().name() + " is not configured"));
    }

    /**
     * The driver's own words, for {@code last_error}: Spring's exception around them (camel-sql
     * runs on its JdbcTemplate) names the whole statement, which says nothing about the failure.
     */
    static String describe(Throwable failure) {
        Throwable shown = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                shown = t;
                break;
            }
        }
        return shown == null ? "unknown error" : shown.getClass().getSimpleName() + ": " + shown.getMessage();
    }
}
