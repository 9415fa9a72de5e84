package com.dlradapter.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that must commit or roll back together with a newly stored receipt (an outbox row, a
 * polling schedule): called inside the store's transaction, after the event and the message
 * status are written, never for a duplicate. Throwing rolls the receipt back too.
 */
@FunctionalInterface
public interface ReceiptCommitHook {

    void beforeCommit(Connection connection, StoreOutcome outcome) throws SQLException;
}
