package com.dlradapter.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * How the adapter's values cross JDBC, written once for every package that talks to the database:
 * instants as {@code TIMESTAMP WITH TIME ZONE} in UTC (both H2 and PostgreSQL bind an
 * {@link OffsetDateTime} without a conversion of their own), nullable integers as SQL NULL.
 */
public final class Jdbc {

    private Jdbc() {
    }

    /** The value to bind for an instant. */
    public static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A timestamp column as an instant, null when it is NULL. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** A timestamp column as ISO-8601 text (an instant's), null when it is NULL: for JSON answers. */
    public static String instantText(ResultSet rs, String column) throws SQLException {
        Instant value = instant(rs, column);
        return value == null ? null : value.toString();
    }

    /** Binds an integer, or SQL NULL for null. */
    public static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    /** Binds one row's parameters. */
    @FunctionalInterface
    public interface Binder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    /** One statement, one JDBC batch of all {@code rows} (nothing sent for none). */
    public static <T> void batch(Connection connection, String sql, Iterable<T> rows, Binder<T> binder)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int added = 0;
            for (T row : rows) {
                binder.bind(statement, row);
                statement.addBatch();
                added++;
            }
            if (added > 0) {
                statement.executeBatch();
            }
        }
    }
}
