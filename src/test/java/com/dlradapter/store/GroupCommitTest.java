package com.dlradapter.store;

import com.dlradapter.backoff.Backoff;
import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.polling.PollSchedule;
import com.dlradapter.routing.RoutingOutbox;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.TestDatabases.Kind;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static com.dlradapter.store.ReceiptStoreTest.receipt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group commit changes how many transactions and statements there are, never what is stored: a
 * batch must leave the database exactly as storing its receipts one by one would (the oracle,
 * {@link OneByOneStore}, written apart from the production rules), on H2 and on PostgreSQL, and
 * concurrent batches must neither deadlock nor lose a receipt.
 */
class GroupCommitTest {

    private static final CanonicalStatus[] STATUSES = CanonicalStatus.values();

    @TempDir
    Path directory;
    private final List<Database> databases = new ArrayList<>();
    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        databases.forEach(Database::stop);
        camel.close();
    }

    private ReceiptStore store(Kind kind, String name) throws Exception {
        DataSource dataSource = dataSource(kind, name);
        return new ReceiptStore(dataSource, hooks(dataSource));
    }

    private DataSource dataSource(Kind kind, String name) throws Exception {
        Database database = TestDatabases.database(kind, Files.createDirectories(directory.resolve(name)));
        databases.add(database);
        return database.dataSource();
    }

    private static List<ReceiptCommitHook> hooks(DataSource dataSource) {
        return List.of(
                new PollSchedule(dataSource, new Backoff.Steps(List.of(Duration.ofMinutes(1))), Duration.ofHours(72), List.of()),
                new RoutingOutbox(dataSource, null, null, Duration.ofMinutes(1), 10));
    }

    /** Random lifecycles: plain and multipart messages, any order of statuses, exact repeats. */
    private static List<DeliveryReceipt> randomReceipts(Random random, int count) {
        List<DeliveryReceipt> receipts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!receipts.isEmpty() && random.nextInt(8) == 0) {
                receipts.add(receipts.get(random.nextInt(receipts.size())));   // a provider's retry
                continue;
            }
            int message = random.nextInt(6);
            CanonicalStatus status = STATUSES[random.nextInt(STATUSES.length)];
            // some name the sender's reference, not always the same one: the message keeps the first
            String clientRef = random.nextInt(3) == 0 ? null : "ref-" + random.nextInt(4);
            if (message < 2) {
                int parts = message + 2;
                receipts.add(receipt("multi-" + message, status.name(), status, 1 + random.nextInt(parts), parts, clientRef));
            } else {
                receipts.add(receipt("plain-" + message, status.name(), status, null, null, clientRef));
            }
        }
        return receipts;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBatchStoresExactlyWhatStoringOneByOneStores(Kind kind) throws Exception {
        DataSource oracle = dataSource(kind, "one-by-one");
        OneByOneStore oneByOne = new OneByOneStore(oracle, hooks(oracle));
        ReceiptStore batched = store(kind, "batched");
        Random random = new Random(20261123);
        for (int round = 0; round < 8; round++) {
            List<DeliveryReceipt> receipts = randomReceipts(random, 40);
            List<String> expected = new ArrayList<>();
            for (DeliveryReceipt receipt : receipts) {
                expected.add(describe(oneByOne.store(receipt, "{\"n\":1}")));
            }
            List<String> actual = new ArrayList<>();
            for (int from = 0; from < receipts.size(); ) {
                int to = Math.min(receipts.size(), from + 1 + random.nextInt(12));
                List<ReceiptStore.Item> items = receipts.subList(from, to).stream()
                        .map(r -> new ReceiptStore.Item(r, "{\"n\":1}")).toList();
                batched.storeAll(items).forEach(outcome -> actual.add(describe(outcome)));
                from = to;
            }
            assertThat(actual).as("outcomes of round %d", round).isEqualTo(expected);
        }
        for (String table : List.of(
                "SELECT id, idempotency_key, message_id, part, status, provider_status, canonical FROM receipt_event ORDER BY idempotency_key",
                "SELECT provider, message_id, batch_id, client_ref, recipient, status, is_final, parts, provider_status, current_event_id FROM message_status ORDER BY message_id",
                "SELECT message_id, part, status, event_id FROM message_part ORDER BY message_id, part",
                "SELECT message_id, batch_id, state, last_outcome FROM poll_schedule ORDER BY message_id",
                "SELECT event, source_id, payload FROM routing_outbox ORDER BY source_id")) {
            assertThat(rows(databases.get(1).dataSource(), table)).as(table)
                    .isNotEmpty()
                    .isEqualTo(rows(databases.get(0).dataSource(), table));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void concurrentRequestsShareCommitsAndLoseNothing(Kind kind) throws Exception {
        ReceiptStore store = store(kind, "concurrent");
        AtomicInteger flushes = new AtomicInteger();
        GroupCommit groupCommit = new GroupCommit(store, flushes::incrementAndGet, ReceiptKeyCache.NONE, 16, 2,
                Duration.ofMinutes(1), camel.getExecutorServiceManager());
        groupCommit.start();
        int threads = 16;
        int perThread = 60;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                int stored = 0;
                for (int i = 0; i < perThread; i++) {
                    // 20 messages shared by every thread, each status posted by several threads at once
                    String message = "m-" + (i % 20);
                    CanonicalStatus status = (thread + i) % 3 == 0 ? CanonicalStatus.SENT
                            : (thread + i) % 3 == 1 ? CanonicalStatus.ACCEPTED : CanonicalStatus.DELIVERED;
                    StoreOutcome outcome = groupCommit.storeAll(List.of(new ReceiptStore.Item(
                            receipt(message, status.name() + "-" + thread % 4, status, null, null), "{}")), System.nanoTime()).get(0);
                    stored += outcome.duplicate() ? 0 : 1;
                }
                return stored;
            }));
        }
        int stored = 0;
        for (Future<Integer> result : results) {
            stored += result.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        groupCommit.stop();

        // 20 messages x 3 statuses x 4 provider-status variants, each stored exactly once
        assertThat(stored).isEqualTo(240);
        assertThat(rows(databases.get(0).dataSource(), "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM receipt_event"))
                .containsExactly(List.of("240", "240"));
        assertThat(rows(databases.get(0).dataSource(), "SELECT COUNT(*) FROM message_status WHERE status = 'DELIVERED' AND is_final"))
                .containsExactly(List.of("20"));
        assertThat(flushes.get()).as("commits were shared: fewer flushes than requests").isLessThan(threads * perThread);
    }

    /**
     * Requests of 1 to 7 receipts with groups of 4: a request larger than a group goes in parts,
     * requests share groups, the repository's known keys are answered as duplicates without the
     * database, and each request gets its own outcomes, in its own order, once; a key enters the
     * repository only after its commit.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void requestsOfManyReceiptsAreSplitIntoGroupsAndAnsweredInTheirOwnOrder(Kind kind) throws Exception {
        ReceiptStore store = store(kind, "parts");
        RecordingCache cache = new RecordingCache();
        cache.remembered.add("test|message|known-0|SENT");   // as if another node had stored it
        AtomicInteger flushes = new AtomicInteger();
        GroupCommit groupCommit = new GroupCommit(store, flushes::incrementAndGet, cache, 4, 2, Duration.ofMinutes(1), camel.getExecutorServiceManager());
        groupCommit.start();
        List<List<ReceiptStore.Item>> requests = new ArrayList<>();
        List<CompletableFuture<List<StoreOutcome>>> answers = new ArrayList<>();
        for (int request = 0; request < 12; request++) {
            List<ReceiptStore.Item> items = new ArrayList<>();
            for (int i = 0; i <= request % 7; i++) {
                String message = request == 3 && i == 0 ? "known-0" : "r" + request + "-" + i;
                items.add(new ReceiptStore.Item(receipt(message, "SENT", CanonicalStatus.SENT, null, null), "{}"));
            }
            requests.add(items);
            answers.add(groupCommit.submit(items, System.nanoTime()));
        }
        for (int request = 0; request < requests.size(); request++) {
            List<StoreOutcome> outcomes = answers.get(request).get(60, TimeUnit.SECONDS);
            List<ReceiptStore.Item> items = requests.get(request);
            assertThat(outcomes).as("request %d", request).hasSize(items.size());
            for (int i = 0; i < items.size(); i++) {
                assertThat(outcomes.get(i).receipt().idempotencyKey()).isEqualTo(items.get(i).receipt().idempotencyKey());
                boolean known = items.get(i).receipt().messageId().equals("known-0");
                assertThat(outcomes.get(i).duplicate()).as("request %d item %d", request, i).isEqualTo(known);
            }
        }
        groupCommit.stop();
        int receipts = requests.stream().mapToInt(List::size).sum();
        assertThat(rows(databases.get(0).dataSource(), "SELECT COUNT(*) FROM receipt_event")).containsExactly(List.of(String.valueOf(receipts - 1)));
        assertThat(cache.groupsAsked.get()).as("the repository is asked once per group, not per receipt").isLessThan(receipts);
        assertThat(cache.largestAsk.get()).as("no group over 4 receipts").isLessThanOrEqualTo(4);
        assertThat(cache.remembered).hasSize(receipts);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRequestPastItsBudgetIsRefusedAndNotStored(Kind kind) throws Exception {
        ReceiptStore store = store(kind, "budget");
        GroupCommit groupCommit = new GroupCommit(store, () -> { }, ReceiptKeyCache.NONE, 4, 1, Duration.ofMillis(200), camel.getExecutorServiceManager());
        groupCommit.start();
        long longAgo = System.nanoTime() - Duration.ofSeconds(1).toNanos();
        assertThatThrownBy(() -> groupCommit.admit(longAgo)).isInstanceOf(StoreBusyException.class);
        CompletableFuture<List<StoreOutcome>> late = groupCommit.submit(List.of(new ReceiptStore.Item(
                receipt("late", "SENT", CanonicalStatus.SENT, null, null), "{}")), longAgo);
        assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreBusyException.class);
        groupCommit.stop();
        assertThat(rows(databases.get(0).dataSource(), "SELECT COUNT(*) FROM receipt_event")).containsExactly(List.of("0"));
    }

    /**
     * The committers are threads of Camel's ExecutorServiceManager (named by its pattern, ending in
     * dlr-group-commit-n, which the benchmark groups by) and end with the store.
     */
    @Test
    void theCommittersAreCamelThreadsThatEndWithTheStore() throws Exception {
        GroupCommit groupCommit = new GroupCommit(store(Kind.H2, "threads"), () -> { }, ReceiptKeyCache.NONE, 4, 2,
                Duration.ofMinutes(1), camel.getExecutorServiceManager());
        groupCommit.start();
        String camelThread = "Camel (" + camel.getName() + ") thread #";
        assertThat(groupCommit.storeAll(List.of(new ReceiptStore.Item(
                receipt("threads", "SENT", CanonicalStatus.SENT, null, null), "{}")), System.nanoTime())).hasSize(1);
        assertThat(committers(camelThread)).hasSize(2).allSatisfy(name ->
                assertThat(name).matches(Pattern.quote(camelThread) + "\\d+ - dlr-group-commit-[12]"));
        groupCommit.stop();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committers(camelThread)).isEmpty());
    }

    private static List<String> committers(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix) && name.contains("dlr-group-commit")).toList();
    }

    /** A repository that records what it is asked and told. */
    private static final class RecordingCache implements ReceiptKeyCache {
        final Set<String> remembered = ConcurrentHashMap.newKeySet();
        final AtomicInteger groupsAsked = new AtomicInteger();
        final AtomicInteger largestAsk = new AtomicInteger();

        @Override
        public Set<String> known(Collection<String> keys) {
            groupsAsked.incrementAndGet();
            largestAsk.accumulateAndGet(keys.size(), Math::max);
            Set<String> known = new HashSet<>(keys);
            known.retainAll(remembered);
            return known;
        }

        @Override
        public void remember(Collection<String> keys) {
            remembered.addAll(keys);
        }
    }

    private static String describe(StoreOutcome outcome) {
        return outcome.receipt().idempotencyKey() + " duplicate=" + outcome.duplicate() + " changed="
                + outcome.statusChanged() + " final=" + outcome.receipt().final_();
    }

    private static List<List<String>> rows(DataSource dataSource, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= meta.getColumnCount(); column++) {
                    row.add(String.valueOf(rs.getObject(column)));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
