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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The adapter's database: a HikariCP pool, migrated by Flyway before anything uses it. The same
 * migrations serve the embedded H2 file database and PostgreSQL.
 */
public class Database extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Pattern H2_FILE = Pattern.compile("^jdbc:h2:(?:file:)?([^;:][^;]*)");

    private final HikariDataSource dataSource;
    private final boolean embeddedH2;

    /**
     * Settings an embedded H2 database gets unless its URL gives them: a page cache of 64 MiB (H2's
     * 16 MiB default made every group commit read pages back from the file once the receipts
     * outgrew it) and a parsed-statement cache per connection of 64 (H2's 8 re-parsed a group
     * commit's statements on every commit).
     */
    private static final java.util.Map<String, String> H2_PERFORMANCE = java.util.Map.of(
            "CACHE_SIZE", "65536", "QUERY_CACHE_SIZE", "64");

    public Database(String url, String username, String password, int poolSize, Duration connectionTimeout) {
        url = withH2Performance(url);
        createH2Directory(url);
        this.embeddedH2 = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && !url.startsWith("jdbc:h2:tcp:");
        HikariConfig config = new HikariConfig();
        config.setPoolName("dlr-db");
        config.setJdbcUrl(url);
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

    static String withH2Performance(String url) {
        if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:tcp:")) {
            return url;
        }
        StringBuilder tuned = new StringBuilder(url);
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        H2_PERFORMANCE.forEach((setting, value) -> {
            if (!upper.contains(";" + setting + "=")) {
                tuned.append(';').append(setting).append('=').append(value);
            }
        });
        return tuned.toString();
    }

    /** An embedded H2 file database (in this process), not a server. */
    public boolean embedded() {
        return embeddedH2;
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
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("Database schema at version {} ({} migrations applied now)",
                result.targetSchemaVersion, result.migrationsExecuted);
    }

    private static void createH2Directory(String url) {
        Matcher matcher = H2_FILE.matcher(url);
        if (url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:h2:tcp:") || !matcher.find()) {
            return;
        }
        Path parent = Path.of(matcher.group(1)).toAbsolutePath().getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the database directory " + parent, e);
            }
        }
    }

    @Override
    protected void doStop() {
        dataSource.close();
    }
}
