package com.dlradapter.mapping;

/**
 * A webhook payload carrying more receipts than {@code dlr.max-receipts-per-request}: refused
 * (413) as a whole, before any of its items is mapped, so one request cannot tie up a worker
 * past the request timeout. Not a dead letter: the sender should split it.
 */
public class TooManyReceiptsException extends RuntimeException {

    private final int items;
    private final int limit;

    public TooManyReceiptsException(int items, int limit) {
        super("the payload carries " + items + " receipts; at most " + limit + " are accepted per request", null, false, false);
        this.items = items;
        this.limit = limit;
    }

    public int items() {
        return items;
    }

    public int limit() {
        return limit;
    }
}
