package com.dlradapter.store;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/** SQLSTATE classes the store reacts to; the same codes on H2 and PostgreSQL. */
final class SqlStates {

    static final String UNIQUE_VIOLATION = "23505";
    static final String SERIALIZATION_FAILURE = "40001";
    static final String DEADLOCK = "40P01";
    /** H2's lock timeout, raised when two transactions wait on the same row for too long. */
    static final String H2_LOCK_TIMEOUT = "HYT00";

    private SqlStates() {
    }

    /** Conflicts between concurrent transactions: the same transaction is worth trying again. */
    static boolean isRetryable(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            String state = current.getSQLState();
            if (UNIQUE_VIOLATION.equals(state) || SERIALIZATION_FAILURE.equals(state) || DEADLOCK.equals(state)
                    || H2_LOCK_TIMEOUT.equals(state)) {
                return true;
            }
        }
        return false;
    }

    /** The database cannot be reached or used right now (answered 503 so the provider retries). */
    static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientException || (state != null && state.startsWith("08"));
    }
}
