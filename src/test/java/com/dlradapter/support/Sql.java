package com.dlradapter.support;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Reads a test checks the database with: one number, or the plan the database makes for a query. */
public final class Sql {

    private Sql() {
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
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

    /** {@code EXPLAIN sql} with {@code parameters} bound in order: the plan, a line per row (H2 and PostgreSQL). */
    public static String explain(DataSource dataSource, String sql, List<Object> parameters) throws SQLException {
        return explain(dataSource, sql, statement -> {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
        });
    }

    /** {@code EXPLAIN sql} with its parameters bound by {@code binder}: the plan, a line per row. */
    public static String explain(DataSource dataSource, String sql, Binder binder) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            binder.bind(explain);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
