package com.dlradapter.store;

import com.dlradapter.canonical.DeliveryReceipt;

import java.sql.SQLException;

/**
 * Stores one receipt and returns only once it is committed and durable, so the caller may answer
 * 200. {@link GroupCommit} shares one transaction among concurrent callers.
 */
@FunctionalInterface
public interface ReceiptWriter {

    StoreOutcome store(DeliveryReceipt receipt, String rawPayload) throws SQLException;
}
