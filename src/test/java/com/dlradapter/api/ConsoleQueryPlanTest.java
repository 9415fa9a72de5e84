package com.dlradapter.api;

import com.dlradapter.routing.DeliveryBoard;
import com.dlradapter.store.Database;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.ReceiptFlow;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's new statements on PostgreSQL, over 200,000 dead letters, deliveries and receipt
 * events: each reads an index (V12__console_indexes, delivery_round_ix, the primary keys), never a
 * sequential scan, and the paged ones never sort.
 */
class ConsoleQueryPlanTest {

    private static final int ROWS = 200_000;
    private static final OffsetDateTime START = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    @TempDir
    static Path directory;
    static Database database;

    @BeforeAll
    static void fill() throws SQLException {
        database = TestDatabases.database(TestDatabases.Kind.POSTGRESQL, directory);
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            String n = String.valueOf(ROWS);
            statement.execute("""
                    INSERT INTO dead_letter (provider, source, reason, content_type, raw_payload, received_at)
                    SELECT CASE WHEN g % 1000 = 1 THEN 'p-rare' ELSE 'p-' || (g % 5) END, 'webhook', 'unmappable',
                           'application/json', '{}', TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '10 seconds'
                    FROM generate_series(1, :rows) g""".replace(":rows", n));
            // 98% delivered, 1% failed, 1% pending; four webhook targets and a JDBC sink
            statement.execute("""
                    INSERT INTO delivery (id, sink, target, source_id, event_type, payload, status, attempts, next_attempt_at,
                                          give_up_at, created_at, updated_at)
                    SELECT 'd-' || g, CASE WHEN g % 10 = 0 THEN 'jdbc' ELSE 'webhook' END, 't-' || (g % 4), 'e-' || g, 'x', '{}',
                           CASE WHEN g % 100 = 0 THEN 'failed' WHEN g % 100 = 1 THEN 'pending' ELSE 'delivered' END, 1,
                           TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '10 seconds',
                           TIMESTAMPTZ '2026-01-04 00:00:00+00' + g * INTERVAL '10 seconds',
                           TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '10 seconds',
                           TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '10 seconds'
                    FROM generate_series(1, :rows) g""".replace(":rows", n));
            statement.execute("""
                    INSERT INTO receipt_event (id, idempotency_key, provider, message_id, status, provider_status, source,
                                               received_at, canonical, raw_payload)
                    SELECT 'e-' || g, 'k-' || g, 'p-' || (g % 5), 'm-' || g, 'DELIVERED', 'D', 'webhook',
                           TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '10 seconds', '{}', '{}'
                    FROM generate_series(1, :rows) g""".replace(":rows", n));
            statement.execute("ANALYZE dead_letter");
            statement.execute("ANALYZE delivery");
            statement.execute("ANALYZE receipt_event");
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    static Stream<Arguments> statements() {
        OffsetDateTime lastHour = START.plusSeconds(10L * ROWS).minusHours(1);
        return Stream.of(
                Arguments.of("a provider's dead letters, a page", DeadLetterStore.PROVIDER_PAGE,
                        List.of("p-rare", 0L, Long.MAX_VALUE, 100), "dead_letter_provider_ix", true),
                Arguments.of("a common provider's dead letters, a deep page", DeadLetterStore.PROVIDER_PAGE,
                        // a fifth of all rows: walking the primary key in order and skipping the others is as good
                        List.of("p-3", (long) ROWS / 2, Long.MAX_VALUE, 100), "Index", true),
                Arguments.of("dead letters of the last hour", DeadLetterStore.COUNT_SINCE, List.of(lastHour),
                        "dead_letter_received_ix", false),
                Arguments.of("targets with pending or failed", DeliveryBoard.TARGET_COUNTS, List.of(), "delivery_round_ix", false),
                Arguments.of("a target's failed, a page", DeliveryBoard.TARGET_PAGE,
                        List.of("failed", "webhook", "t-1", 50, 0), "delivery_round_ix", true),
                Arguments.of("a target's failed to retry", DeliveryBoard.FAILED_PAGE,
                        List.of("webhook", "t-1", lastHour, 500), "delivery_round_ix", true),
                Arguments.of("a target's failed left to retry", DeliveryBoard.FAILED_BEFORE,
                        List.of("webhook", "t-1", lastHour), "delivery_round_ix", false),
                Arguments.of("failed of the last hour", DeliveryBoard.FAILED_SINCE, List.of("webhook", lastHour),
                        "delivery_round_ix", false),
                Arguments.of("a message's deliveries", DeliveryBoard.OF_MESSAGE, List.of("p-2", "m-4242", "overdue|p-2|m-4242"),
                        "delivery_source_ix", false),
                Arguments.of("a probe of the overview's binary search", ReceiptFlow.PROBE, List.of((long) ROWS / 2),
                        "receipt_event_pkey", true),
                Arguments.of("the overview's hour", ReceiptFlow.WINDOW, List.of((long) ROWS - 360, lastHour),
                        "receipt_event_pkey", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statements")
    void readsAnIndex(String name, String sql, List<Object> parameters, String index, boolean paged) throws SQLException {
        String plan = Sql.explain(database.dataSource(), sql, parameters);
        assertThat(plan).as(plan).contains(index).doesNotContain("Seq Scan");
        if (paged) {
            assertThat(plan).as(plan).doesNotContain("Sort");
        }
    }
}
