package com.dlradapter.store;

import java.sql.SQLException;

/**
 * What the store does around a write so that an acknowledged receipt survives a crash: before it,
 * check the database can still keep it (an embedded H2 file deleted while the adapter runs would
 * take every later write with it); after the commit, make it durable (H2 writes its committed
 * changes to the file; PostgreSQL did at commit). {@link Database} is the adapter's.
 */
public interface Durability {

    /** Throws (SQLSTATE class 08: answered 503, nothing acknowledged) when a write could not be kept. */
    default void ensureKept() throws SQLException {
    }

    /** Makes what is committed survive a killed process before it is acknowledged. */
    void flush() throws SQLException;
}
