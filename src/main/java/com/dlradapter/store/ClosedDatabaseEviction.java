package com.dlradapter.store;

import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.SQLException;

/**
 * Tells HikariCP to throw away a connection whose database was closed under it. HikariCP evicts
 * connections on SQL states of class 08 (connection exception), but an embedded H2 that was shut
 * down answers "database is closed" (error 90121 / 90098) on every pooled connection for ever, so
 * without this the adapter would answer 503 long after the database is back (H2OutageTest).
 */
public class ClosedDatabaseEviction implements SQLExceptionOverride {

    private static final int H2_DATABASE_CALLED_AT_SHUTDOWN = 90121;
    private static final int H2_DATABASE_IS_CLOSED = 90098;

    @java.lang.Override
    public Override adjudicate(SQLException exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == H2_DATABASE_CALLED_AT_SHUTDOWN
                    || sql.getErrorCode() == H2_DATABASE_IS_CLOSED)) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
