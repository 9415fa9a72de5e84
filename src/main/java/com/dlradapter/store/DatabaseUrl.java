package com.dlradapter.store;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The adapter's {@code dlr.db.url}, checked and completed before anything connects. Only H2 and
 * PostgreSQL are supported. The schema and the SQL are PostgreSQL's, so an H2 URL gets the H2
 * settings that make H2 speak it ({@link #H2_SETTINGS}) when it does not set them itself; a URL
 * that sets one of them to something else is refused, naming the setting.
 *
 * @param url    the URL to connect with
 * @param h2File the embedded H2 database's file ({@code <path>.mv.db}); null for PostgreSQL, an
 *               in-memory or a remote H2 database
 */
public record DatabaseUrl(String url, Path h2File) {

    static final String SETTING = "dlr.db.url";

    /**
     * What the adapter's SQL needs of H2: PostgreSQL's dialect (ON CONFLICT, ...), unquoted names
     * in lower case as PostgreSQL folds them (Flyway's and the JDBC code's), and NULLs sorted
     * last in ascending order as PostgreSQL does.
     */
    static final Map<String, String> H2_SETTINGS = ordered(
            "MODE", "PostgreSQL",
            "DATABASE_TO_LOWER", "TRUE",
            "DEFAULT_NULL_ORDERING", "HIGH");

    /**
     * Settings an embedded H2 database gets unless its URL sets them otherwise: a page cache of
     * 64 MiB (H2's 16 MiB made every group commit read pages back from the file once the receipts
     * outgrew it), 64 parsed statements kept per connection (H2's 8 re-parsed a group commit's
     * statements on every commit), and statistics refreshed after 100,000 changed rows of a table
     * (H2's 2,000 made a commit, twice a second under load, read 10,000 rows of receipt_event back
     * to re-analyze it: 87% of the committer's time in a post of 2,000 receipts), and no closing of
     * the database by H2's own shutdown hook (it closed it under requests still being answered at
     * SIGTERM: the adapter closes its pool, and with it the database, when it has stopped).
     */
    static final Map<String, String> H2_DEFAULTS = ordered(
            "CACHE_SIZE", "65536",
            "QUERY_CACHE_SIZE", "64",
            "ANALYZE_AUTO", "100000",
            "DB_CLOSE_ON_EXIT", "FALSE");

    /** Settings in the order given, so that a URL comes out the same on every run. */
    private static Map<String, String> ordered(String... namesAndValues) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            settings.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(settings);
    }

    private static final Pattern H2_URL_PREFIX = Pattern.compile("(?i)^jdbc:h2:");
    /** An H2 location with a protocol of its own (mem:, tcp:, ssl:, zip:, nio:, ...) is no plain file. */
    private static final Pattern H2_PROTOCOL = Pattern.compile("^[A-Za-z]{2,}:.*");

    /** Checks and completes the configured URL; an unsupported or contradicting one is refused, naming the setting. */
    public static DatabaseUrl of(String configured) {
        String url = configured == null ? "" : configured.trim();
        if (url.regionMatches(true, 0, "jdbc:postgresql:", 0, "jdbc:postgresql:".length())) {
            return new DatabaseUrl(url, null);
        }
        if (!H2_URL_PREFIX.matcher(url).find()) {
            throw new IllegalArgumentException(SETTING + ": '" + redact(url) + "' is not a supported database; use an H2 "
                    + "file (jdbc:h2:file:/var/lib/dlr/db) or PostgreSQL (jdbc:postgresql://host:5432/dlr)");
        }
        String[] parts = url.substring("jdbc:h2:".length()).split(";", -1);
        String location = parts[0];
        if (location.isBlank()) {
            throw new IllegalArgumentException(SETTING + ": '" + redact(url) + "' names no H2 database (e.g. jdbc:h2:file:/var/lib/dlr/db)");
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            if (equals > 0) {
                given.put(parts[i].substring(0, equals).trim().toUpperCase(Locale.ROOT), parts[i].substring(equals + 1).trim());
            }
        }
        StringBuilder completed = new StringBuilder(url);
        for (Map.Entry<String, String> needed : H2_SETTINGS.entrySet()) {
            String value = given.get(needed.getKey());
            if (value == null) {
                completed.append(';').append(needed.getKey()).append('=').append(needed.getValue());
            } else if (!value.equalsIgnoreCase(needed.getValue())) {
                throw new IllegalArgumentException(SETTING + " sets " + needed.getKey() + "=" + value + ", but the adapter needs "
                        + needed.getKey() + "=" + needed.getValue() + " (leave it out: the adapter adds it)");
            }
        }
        H2_DEFAULTS.forEach((setting, value) -> {
            if (!given.containsKey(setting)) {
                completed.append(';').append(setting).append('=').append(value);
            }
        });
        return new DatabaseUrl(completed.toString(), h2File(location));
    }

    /** The URL for the pool: the embedded H2 database must exist (see {@link Database}); never an empty new one. */
    String poolUrl() {
        if (h2File == null || url.toUpperCase(Locale.ROOT).contains(";IFEXISTS=")) {
            return url;
        }
        return url + ";IFEXISTS=TRUE";
    }

    public boolean isEmbeddedH2() {
        return h2File != null;
    }

    /** For logs and messages: the URL without a password. */
    public String describe() {
        return h2File != null ? "H2 file " + h2File.toAbsolutePath().normalize() : redact(url);
    }

    private static Path h2File(String location) {
        // H2's other local file systems (a different I/O, the same file): still a file of ours
        for (String local : new String[] {"nio:", "async:"}) {
            if (location.regionMatches(true, 0, local, 0, local.length())) {
                location = location.substring(local.length());
            }
        }
        String path;
        if (location.regionMatches(true, 0, "file:", 0, 5)) {
            path = location.substring(5);
        } else if (H2_PROTOCOL.matcher(location).matches()) {
            return null;   // mem:, tcp:, ssl:, zip:, ...: no file of ours
        } else {
            path = location;
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Path.of(path + ".mv.db");
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
