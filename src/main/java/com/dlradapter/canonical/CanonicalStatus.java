package com.dlradapter.canonical;

/**
 * The canonical delivery statuses of message v1. The rank orders them for status precedence:
 * a message's current status only ever moves to a higher rank, and a final status never moves.
 */
public enum CanonicalStatus {
    UNKNOWN(0, false),
    ACCEPTED(1, false),
    SENT(2, false),
    DELIVERED(3, true),
    UNDELIVERED(3, true),
    EXPIRED(3, true),
    REJECTED(3, true),
    FAILED(3, true);

    private final int rank;
    private final boolean terminal;

    CanonicalStatus(int rank, boolean terminal) {
        this.rank = rank;
        this.terminal = terminal;
    }

    public int rank() {
        return rank;
    }

    /** DELIVERED, UNDELIVERED, EXPIRED, REJECTED and FAILED are final. */
    public boolean isFinal() {
        return terminal;
    }

    /** A final status other than DELIVERED: what operations want to hear about. */
    public boolean isFailure() {
        return terminal && this != DELIVERED;
    }
}
