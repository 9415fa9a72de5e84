package com.dlradapter.store;

import java.sql.SQLTransientException;

/**
 * The store cannot take a receipt within the answer budget: more are waiting for their commit
 * than it can commit in time, or this one waited past its budget. Nothing of it was stored; the
 * provider is answered 503 with Retry-After at once and retries, rather than waiting into its own
 * timeout (and retrying anyway).
 */
public class StoreBusyException extends SQLTransientException {

    public StoreBusyException(String message) {
        super(message, "08004");
    }

    /** Refused under overload, when CPU is short: no stack trace to fill (it is never logged). */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
