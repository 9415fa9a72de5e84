package com.dlradapter.store;

import com.dlradapter.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Which database errors are the data's fault: the errors are provoked on a real H2 and a real
 * PostgreSQL, so the classification follows what the drivers really raise.
 */
class SqlStatesTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void valuesTheDatabaseRefusesAreDataErrors(TestDatabases.Kind kind) throws Exception {
        Database database = TestDatabases.database(kind, data);
        try (Connection connection = database.dataSource().getConnection()) {
            // value too long for its column (22001)
            assertDataError(connection, "INSERT INTO cluster_lease (name, holder, acquired_at, expires_at) "
                    + "VALUES ('" + "x".repeat(65) + "', 'h', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            // numeric value out of range (22003)
            assertDataError(connection, "SELECT CAST(99999999999 AS INTEGER)");
            // invalid datetime (22007 / 22008)
            assertDataError(connection, "SELECT CAST('2026-13-45 10:00:00' AS TIMESTAMP)");
            // division by zero (22012)
            assertDataError(connection, "SELECT 1 / 0");
            // not a number (22018 on H2, 22P02 on PostgreSQL)
            assertDataError(connection, "SELECT CAST('twelve' AS INTEGER)");
            // the same from a JDBC batch, where the driver may report the row in a chained exception
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO cluster_lease (name, holder, acquired_at, expires_at) VALUES (?, 'h', ?, ?)")) {
                for (String name : new String[] {"ok", "y".repeat(65)}) {
                    insert.setString(1, name);
                    insert.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                    insert.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
                    insert.addBatch();
                }
                BatchUpdateException batch = catchThrowableOfType(BatchUpdateException.class, insert::executeBatch);
                assertThat((Throwable) batch).isNotNull();
                assertThat(SqlStates.isDataError(batch)).as("%s %s", batch.getSQLState(), batch).isTrue();
            }
        } finally {
            database.stop();
        }
    }

    @Test
    void postgresqlRefusesANulAndAnOutOfRangeTimestampAsDataErrors() throws Exception {
        Database database = TestDatabases.database(TestDatabases.Kind.POSTGRESQL, data);
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO cluster_lease (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, "nul");
            insert.setString(2, "a\u0000b");
            insert.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            insert.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            SQLException nul = catchThrowableOfType(SQLException.class, insert::executeUpdate);
            assertThat((Throwable) nul).isNotNull();
            assertThat(SqlStates.isDataError(nul)).as("%s %s", nul.getSQLState(), nul).isTrue();

            insert.setString(1, "far");
            insert.setString(2, "h");
            insert.setObject(3, OffsetDateTime.parse("+999999999-12-31T23:59:59Z"));
            SQLException far = catchThrowableOfType(SQLException.class, insert::executeUpdate);
            assertThat((Throwable) far).isNotNull();
            assertThat(SqlStates.isDataError(far)).as("%s %s", far.getSQLState(), far).isTrue();
        } finally {
            database.stop();
        }
    }

    @Test
    void h2RefusesMalformedHexadecimalAsADataError() throws Exception {
        Database database = TestDatabases.database(TestDatabases.Kind.H2, data);
        try (Connection connection = database.dataSource().getConnection()) {
            assertDataError(connection, "SELECT X'ABC'");
        } finally {
            database.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void errorsOfTheStatementOrTheDatabaseAreNot(TestDatabases.Kind kind) throws Exception {
        Database database = TestDatabases.database(kind, data);
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO cluster_lease (name, holder, acquired_at, expires_at) "
                    + "VALUES ('twice', 'h', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            // a duplicate key (23505), a syntax error (42xxx), an unknown table (42P01 / 42S02)
            for (String sql : new String[] {
                    "INSERT INTO cluster_lease (name, holder, acquired_at, expires_at) VALUES ('twice', 'h', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    "SELEKT 1",
                    "SELECT * FROM no_such_table"}) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> statement.execute(sql));
                assertThat((Throwable) e).as(sql).isNotNull();
                assertThat(SqlStates.isDataError(e)).as("%s: %s %s", sql, e.getSQLState(), e).isFalse();
            }
        } finally {
            database.stop();
        }
        assertThat(SqlStates.isDataError(new SQLTransientConnectionException("pool exhausted", "08001"))).isFalse();
        assertThat(SqlStates.isDataError(new SQLException("no state"))).isFalse();
        // a data error wrapped as the cause of another one still is one
        assertThat(SqlStates.isDataError(new SQLException("batch failed", "HY000", new SQLException("too long", "22001"))))
                .isTrue();
    }

    private static void assertDataError(Connection connection, String sql) {
        assertThatThrownBy(() -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }).as(sql).isInstanceOfSatisfying(SQLException.class, e ->
                assertThat(SqlStates.isDataError(e)).as("%s: SQLSTATE %s %s", sql, e.getSQLState(), e.getMessage()).isTrue());
    }
}
