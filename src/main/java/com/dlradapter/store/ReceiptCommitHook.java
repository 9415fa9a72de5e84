package com.dlradapter.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Work that must commit or roll back together with a newly stored receipt (an outbox row, a
 * polling schedule): called inside the store's transaction, after the event and the message
 * status are written, never for a duplicate. Throwing rolls the receipt back too.
 */
public interface ReceiptCommitHook {

    void beforeCommit(Connection connection, StoreOutcome outcome) throws SQLException;

    /** The same for the receipts of a group commit, in order; override to write them as one JDBC batch. */
    default void beforeCommit(Connection connection, List<StoreOutcome> outcomes) throws SQLException {
        for (StoreOutcome outcome : outcomes) {
            beforeCommit(connection, outcome);
        }
    }
}
