package com.dlradapter.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The adapter's database: a HikariCP pool, migrated by Flyway before anything uses it. The same
 * migrations serve the embedded H2 file database and PostgreSQL ({@link DatabaseUrl} checks the
 * URL and adds the H2 settings the SQL needs).
 */
public class Database extends ServiceSupport implements Durability {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private final DatabaseUrl target;
    private final HikariDataSource dataSource;
    private final boolean embeddedH2;

    public Database(String url, String username, String password, int poolSize, Duration connectionTimeout) {
        this.target = DatabaseUrl.of(url);
        if (target.isEmbeddedH2()) {
            prepareH2File(target, username, password);
        }
        // one answer to "is this an embedded H2 file?" (a server, ssl: or tcp:, needs no flush of ours)
        this.embeddedH2 = target.isEmbeddedH2();
        HikariConfig config = new HikariConfig();
        config.setPoolName("dlr-db");
        config.setJdbcUrl(target.poolUrl());
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        // Fail fast when the database is away: the provider is answered 503 and retries, well
        // within the 2 seconds after which Routee gives up on an answer.
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 1000));
        config.setInitializationFailTimeout(-1);   // start even if the database is briefly down; Flyway waits, then fails clearly
        config.setAutoCommit(true);
        config.setExceptionOverrideClassName(ClosedDatabaseEviction.class.getName());
        if (url.startsWith("jdbc:postgresql:")) {
            // a group commit's JDBC batches go out as multi-row INSERTs: fewer statements to run
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        this.dataSource = new HikariDataSource(config);
    }

    /** An embedded H2 file database (in this process), not a server. */
    public boolean embedded() {
        return embeddedH2;
    }

    /** What the adapter stores into, for logs: the H2 file, or the PostgreSQL URL without its password. */
    public String describe() {
        return target.describe();
    }

    /** The embedded H2 database's file, if that is the database. */
    public Optional<Path> h2File() {
        return Optional.ofNullable(target.h2File());
    }

    /**
     * Whether the embedded H2 database's file is still where it was opened: H2 keeps writing into
     * a file deleted (or moved) while it is open, and all of it is gone at the next start. One
     * {@code stat} call, cheap enough for every group commit and every readiness probe; nothing to
     * check on PostgreSQL. Throws an SQLException of SQLSTATE class 08 (unavailable: answered 503,
     * nothing acknowledged) when the file is gone.
     */
    @Override
    public void ensureKept() throws SQLException {
        Path file = target.h2File();
        if (file != null && !Files.exists(file)) {
            throw new SQLException("the H2 database file " + file.toAbsolutePath().normalize()
                    + " is gone (deleted or moved while the adapter runs); nothing is stored until it is back", "08006");
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Makes what is committed survive a killed process before it is acknowledged. PostgreSQL
     * does that at commit; an embedded H2 file database keeps committed changes in memory for up
     * to its write delay (CrashIT lost 52 of 303 acknowledged receipts to a kill -9 without this),
     * so there a CHECKPOINT writes them to the file. Called once per request, before its 200.
     */
    @Override
    public void flush() throws SQLException {
        if (!embeddedH2) {
            return;
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
    }

    /**
     * Applies the Flyway migrations in {@code db/migration}; a failure stops the start. The first
     * connection may take longer than the pool's short timeout (a PostgreSQL container still
     * starting, a new H2 file on a busy machine), so connecting is tried again for about 15 s.
     */
    public void migrate() {
        var result = Flyway.configure()
                .dataSource(dataSource)
                .connectRetries(5)
                .connectRetriesInterval(4)
                // SQL for both databases; Java where a step differs between them
                .locations("classpath:db/migration", "classpath:com/dlradapter/store/migration")
                .load()
                .migrate();
        LOG.info("Database schema at version {} ({} migrations applied now)",
                result.targetSchemaVersion, result.migrationsExecuted);
    }

    /**
     * Before the pool opens an embedded H2 database: a database whose file is missing while its
     * folder holds what an earlier run left there (the API token, provider tokens, other H2 files)
     * was lost or moved, and the start stops instead of silently beginning an empty one. A fresh
     * folder (absent, or without such leftovers) gets a new database, created here: the pool
     * itself connects with IFEXISTS=TRUE, so it can never create an empty one later.
     */
    private static void prepareH2File(DatabaseUrl target, String username, String password) {
        Path file = target.h2File().toAbsolutePath().normalize();
        Path marker = file.resolveSibling(file.getFileName() + ".created");
        if (Files.exists(file)) {
            writeMarker(marker, file);   // databases created before the marker existed get one too
            return;
        }
        Path folder = file.getParent();
        List<String> leftovers = leftovers(folder);
        if (!leftovers.isEmpty()) {
            throw new IllegalStateException(DatabaseUrl.SETTING + ": the H2 database file " + file + " is missing, but its folder "
                    + folder + " holds what an earlier run left there " + leftovers + ": the database was lost or moved. "
                    + "Put the file back, or start with a new, empty database in an empty folder (or point "
                    + DatabaseUrl.SETTING + " at one).");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(DatabaseUrl.SETTING + ": cannot create the database folder " + folder, e);
        }
        Properties credentials = new Properties();
        credentials.setProperty("user", username == null ? "" : username);
        credentials.setProperty("password", password == null ? "" : password);
        try (Connection ignored = org.h2.Driver.load().connect(target.url(), credentials)) {
            LOG.info("Created a new H2 database in {}", file);
        } catch (SQLException e) {
            throw new IllegalStateException(DatabaseUrl.SETTING + ": cannot create the H2 database " + file + ": " + e.getMessage(), e);
        }
        writeMarker(marker, file);
    }

    /**
     * Beside the database file, a note that it exists: if the database file goes missing while
     * the note stays (with the tokens all set from the environment, nothing else may be left in
     * the folder), the next start sees that the database was lost.
     */
    private static void writeMarker(Path marker, Path file) {
        if (Files.exists(marker)) {
            return;
        }
        try {
            Files.writeString(marker, "dlr-adapter keeps its H2 database in " + file.getFileName() + " (created or first seen "
                    + java.time.Instant.now() + "). While this note is here and that file is not, the adapter does not start:"
                    + " the database was lost or moved. Remove this note to start afresh with an empty database."
                    + System.lineSeparator());
            Files.setPosixFilePermissions(marker, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // the note is written; its permissions are the file system's
        } catch (IOException e) {
            LOG.warn("Cannot write {}: a lost database file would not be noticed at start: {}", marker, e.getMessage());
        }
    }

    /** What an earlier run leaves beside its database: H2's files, the API token, the provider tokens. */
    private static List<String> leftovers(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(entry -> entry.getFileName().toString())
                    .filter(name -> name.endsWith(".db") || name.contains(".mv.db") || name.equals("api-token")
                            || name.equals("provider-tokens"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(DatabaseUrl.SETTING + ": cannot read the database folder " + folder, e);
        }
    }

    @Override
    protected void doStop() {
        dataSource.close();
    }
}
