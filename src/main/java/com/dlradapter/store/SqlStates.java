package com.dlradapter.store;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** SQLSTATE classes the store reacts to; the same codes on H2 and PostgreSQL. */
public final class SqlStates {

    static final String UNIQUE_VIOLATION = "23505";
    static final String SERIALIZATION_FAILURE = "40001";
    static final String DEADLOCK = "40P01";
    /** H2's lock timeout, raised when two transactions wait on the same row for too long. */
    static final String H2_LOCK_TIMEOUT = "HYT00";

    /** SQLSTATE class 22, "data exception", on PostgreSQL and on H2 alike. */
    private static final String DATA_EXCEPTION_CLASS = "22";
    /**
     * H2's data errors outside class 22 (H2 uses its error code as the SQLSTATE): a hexadecimal
     * string of odd length (90003) or with a non-hex character (90004) where binary is expected.
     */
    private static final Set<String> H2_DATA_ERRORS = Set.of("90003", "90004");

    private SqlStates() {
    }

    /**
     * The database refused a value itself, not the statement or the connection: the request's
     * data is at fault and retrying it can never succeed, so it is the sender's problem (400, or a
     * dead letter for a provider's receipt), not an outage (503). PostgreSQL's SQLSTATE class 22
     * (e.g. 22001 value too long, 22003 numeric value out of range, 22007 invalid datetime format,
     * 22008 datetime field overflow such as "timestamp out of range", 22021 a NUL byte in text,
     * 22P02 invalid text representation) and H2's equivalents, which use the same class-22 codes
     * (22001, 22003, 22004, 22007, 22012, 22018, ...) plus 90003/90004 for malformed hexadecimal.
     * Looks through the chained exceptions (a JDBC batch reports its failing row there) and causes.
     */
    public static boolean isDataError(SQLException e) {
        Deque<Throwable> todo = new ArrayDeque<>(List.of(e));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty() && seen.size() < 32) {
            Throwable current = todo.poll();
            if (!seen.add(current)) {
                continue;
            }
            if (current instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith(DATA_EXCEPTION_CLASS) || H2_DATA_ERRORS.contains(state))) {
                    return true;
                }
                if (sql.getNextException() != null) {
                    todo.add(sql.getNextException());
                }
            }
            if (current.getCause() != null) {
                todo.add(current.getCause());
            }
        }
        return false;
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
