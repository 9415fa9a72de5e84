package com.dlradapter.store;

import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message search's statements on PostgreSQL, over a table of 200,000 messages: each filter,
 * first page and a deep page, is read from the index made for it (V11__message_search_indexes), in
 * the search's order, never a sequential scan and never a sort of the matching rows. That is what
 * keeps a page a short range read at millions of messages.
 */
class MessageSearchPlanTest {

    /** 200,000 by default; -Ddlr.test.search-plan.messages=5000000 for a measurement at scale (see README). */
    private static final int MESSAGES = Integer.getInteger("dlr.test.search-plan.messages", 200_000);
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    static Path directory;
    static Database database;

    @BeforeAll
    static void fill() throws SQLException {
        database = TestDatabases.database(TestDatabases.Kind.POSTGRESQL, directory);
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            // 5 providers and a rare one (0.1%), 50,000 recipients, 95% delivered, 5% sent (open), 2% failed, 0.1% expired, one every 10 s;
            // the open ones of the first tenth are overdue (0.4%); a quarter carry a client reference (an order of two messages)
            statement.execute("""
                    INSERT INTO message_status (provider, message_id, client_ref, recipient, status, is_final, first_seen_at, updated_at, overdue_at)
                    SELECT CASE WHEN g % 1000 = 1 THEN 'provider-rare' ELSE 'provider-' || (g % 5) END, 'm-' || g,
                           CASE WHEN g % 4 < 2 AND g % 8 < 4 THEN 'order-' || (g / 8) END, '+23480' || lpad((g % 50000)::text, 8, '0'),
                           CASE WHEN g % 1000 = 0 THEN 'EXPIRED' WHEN g % 50 = 0 THEN 'FAILED'
                                WHEN g % 20 = 0 THEN 'SENT' ELSE 'DELIVERED' END,
                           g % 20 <> 0 OR g % 1000 = 0 OR g % 50 = 0,
                           TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '10 seconds',
                           TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '10 seconds',
                           CASE WHEN g % 20 = 0 AND g % 100 <> 0 AND g <= :overdue
                                THEN TIMESTAMPTZ '2026-01-02 00:00:00+00' + g * INTERVAL '10 seconds' END
                    FROM generate_series(1, :messages) g""".replace(":messages", String.valueOf(MESSAGES))
                    .replace(":overdue", String.valueOf(MESSAGES / 10)));
            statement.execute("ANALYZE message_status");
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    /**
     * Each search, and the index it must read: for a filter most rows pass (a common provider, the
     * final messages) PostgreSQL may as well walk the time index and skip the others, which it
     * does; a selective one must use its own index.
     */
    static Stream<Arguments> searches() {
        MessageSearch.Position middle = new MessageSearch.Position(START.plusSeconds(10L * MESSAGES / 2), "provider-0",
                "m-" + MESSAGES / 2);
        MessageSearch.Filter any = filter(null, null, null, null, null, null, null);
        MessageSearch.Filter rareProvider = filter("provider-rare", null, null, null, null, null, null);
        MessageSearch.Filter rareStatus = filter(null, null, null, "EXPIRED", null, null, null);
        return Stream.of(
                Arguments.of("newest", any, null, "message_status_seen_ix"),
                Arguments.of("newest, deep page", any, middle, "message_status_seen_ix"),
                Arguments.of("a common provider", filter("provider-3", null, null, null, null, null, null), null, null),
                Arguments.of("a common provider, deep page", filter("provider-3", null, null, null, null, null, null), middle, null),
                Arguments.of("a rare provider", rareProvider, null, "message_status_provider_seen_ix"),
                Arguments.of("a rare provider, deep page", rareProvider, middle, "message_status_provider_seen_ix"),
                Arguments.of("recipient", filter(null, null, "+2348000012345", null, null, null, null), null,
                        "message_status_recipient_ix"),
                Arguments.of("client reference", clientRef("order-4242"), null, "message_status_client_ref_ix"),
                Arguments.of("a rare status", rareStatus, null, "message_status_status_ix"),
                Arguments.of("a rare status, deep page", rareStatus, middle, "message_status_status_ix"),
                Arguments.of("time range", filter(null, null, null, null, null, START.plusSeconds(86_400), START.plusSeconds(2 * 86_400)),
                        null, "message_status_seen_ix"),
                Arguments.of("final", filter(null, null, null, null, true, null, null), null, null),
                Arguments.of("not final", filter(null, null, null, null, false, null, null), null, null),
                Arguments.of("not final, deep page", filter(null, null, null, null, false, null, null), middle, null),
                Arguments.of("overdue", overdue(true), null, "message_status_overdue_ix"),
                Arguments.of("overdue, deep page", overdue(true), middle, "message_status_overdue_ix"),
                Arguments.of("not overdue", overdue(false), null, null),
                Arguments.of("not overdue, deep page", overdue(false), middle, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("searches")
    void readsAnIndexInOrder(String name, MessageSearch.Filter filter, MessageSearch.Position after, String index)
            throws SQLException {
        String plan = explain(MessageSearch.query(filter, after, 50));
        assertThat(plan).as(plan).contains("Index").doesNotContain("Seq Scan").doesNotContain("Sort");
        if (index != null) {
            assertThat(plan).as(plan).contains(index);
        }
        System.out.printf("%s: page of 50 in %.1f ms over %d messages%n", name, millis(filter, after), MESSAGES);
    }

    /** How long the page takes, best of 3 (the first run also reads the pages into the cache). */
    private static double millis(MessageSearch.Filter filter, MessageSearch.Position after) throws SQLException {
        MessageSearch search = new MessageSearch(database.dataSource());
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            search.search(filter, after, 50);
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1e6;
    }

    /** A message id is one message per provider: its index finds the few rows, sorting them costs nothing. */
    @org.junit.jupiter.api.Test
    void findsAMessageIdByItsIndex() throws SQLException {
        String plan = explain(MessageSearch.query(filter(null, "m-4242", null, null, null, null, null), null, 50));
        assertThat(plan).as(plan).contains("message_status_message_ix").doesNotContain("Seq Scan");
    }

    private static MessageSearch.Filter filter(String provider, String messageId, String recipient, String status,
                                               Boolean isFinal, Instant since, Instant until) {
        return new MessageSearch.Filter(provider, messageId, null, recipient, status, isFinal, null, since, until);
    }

    private static MessageSearch.Filter overdue(boolean overdue) {
        return new MessageSearch.Filter(null, null, null, null, null, null, overdue, null, null);
    }

    private static MessageSearch.Filter clientRef(String clientRef) {
        return new MessageSearch.Filter(null, null, clientRef, null, null, null, null, null, null);
    }

    private static String explain(MessageSearch.Query query) throws SQLException {
        return Sql.explain(database.dataSource(), query.sql(), query::bind);
    }
}
