package com.dlradapter.ingest;

/**
 * Exchange properties a channel (webhook, polling) sets before it hands a payload to the
 * {@code direct:ingest} route. Properties, not headers: nothing from outside can set them.
 */
public final class IngestProperties {

    /** The provider id, which names the mapping. */
    public static final String PROVIDER = "dlrProvider";
    /** The payload as text (UTF-8 decoded). */
    public static final String RAW_BODY = "dlrRawBody";
    /** The payload's content type, as sent. */
    public static final String CONTENT_TYPE = "dlrContentType";
    /** When the payload was received ({@link java.time.Instant}). */
    public static final String RECEIVED_AT = "dlrReceivedAt";
    /** {@link com.dlradapter.canonical.ReceiptSource}; webhook when unset. */
    public static final String SOURCE = "dlrSource";
    /**
     * Set by a dead-letter replay (the dead letter's id): a payload the mapping still refuses is
     * not kept again, the replay answers it.
     */
    public static final String REPLAY_OF = "dlrReplayOf";
    /** Set by the route: what storing the receipts did, a {@code List<StoreOutcome>} in their order. */
    public static final String OUTCOMES = "dlrOutcomes";

    private IngestProperties() {
    }
}
