package com.dlradapter.support;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Reads a test checks the database with. */
public final class Sql {

    private Sql() {
    }

    /** The one number {@code sql} answers (a {@code COUNT(*)}, a {@code SUM}): the first column of its first row. */
    public static long number(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return number(connection, sql);
        }
    }

    /** The same on a connection the caller holds (and closes). */
    public static long number(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return rs.getLong(1);
        }
    }
}
