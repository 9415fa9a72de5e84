package com.dlradapter.config;

import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.store.Database;
import com.dlradapter.store.DeadLetterStore;
import com.dlradapter.store.GroupCommit;
import com.dlradapter.store.OverdueHook;
import com.dlradapter.store.ReceiptCommitHook;
import com.dlradapter.store.ReceiptKeyCache;
import com.dlradapter.store.ReceiptStore;
import org.apache.camel.CamelContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * store/: the database (migrated before anything uses it), the work other features commit with a
 * receipt or with marking a message overdue, the receipt and dead-letter stores, and the group
 * commit every webhook request goes through.
 */
final class StoreConfiguration {

    private final Database database;
    /** Work that commits with a receipt (outbox rows, polling schedules): routing and polling add theirs. */
    private final List<ReceiptCommitHook> receiptHooks = new ArrayList<>();
    /** Work that commits with marking a message overdue. */
    private final List<OverdueHook> overdueHooks = new ArrayList<>();
    private ReceiptStore receiptStore;
    private DeadLetterStore deadLetters;

    private StoreConfiguration(Database database) {
        this.database = database;
    }

    static String databaseUrl(Settings settings) {
        return settings.text("dlr.db.url", "jdbc:h2:file:./data/dlr;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
    }

    /** The database, started and migrated. */
    static StoreConfiguration open(CamelContext context, Settings settings) throws Exception {
        Database database = new Database(
                databaseUrl(settings),
                settings.text("dlr.db.username", "sa"),
                settings.text("dlr.db.password", ""),
                settings.integer("dlr.db.pool-size", 10),
                settings.duration("dlr.db.connection-timeout", Duration.ofSeconds(1)));
        context.addService(database, true, true);
        database.migrate();
        context.getRegistry().bind("dataSource", database.dataSource());
        return new StoreConfiguration(database);
    }

    /** The stores, once every feature has added its hooks. */
    void openStores() {
        receiptStore = new ReceiptStore(database.dataSource(), receiptHooks);
        deadLetters = new DeadLetterStore(database.dataSource());
    }

    /**
     * Concurrent requests share one transaction and one flush (group commit); each is still
     * answered only after its receipt is committed and durable. A request that cannot be committed
     * within the answer budget is answered 503 at once.
     */
    GroupCommit groupCommit(CamelContext context, Settings settings, ReceiptKeyCache receiptKeys, AdapterMetrics metrics)
            throws Exception {
        GroupCommit groupCommit = new GroupCommit(receiptStore, database, receiptKeys,
                settings.integer("dlr.db.group-commit.max-batch", 64),
                // embedded H2 writes one file and serialises its flushes: one committer gives
                // groups twice the size for the same flush (measured: 0.88 against 1.17 ms of
                // CPU a receipt); PostgreSQL overlaps two committers' fsyncs
                settings.integer("dlr.db.group-commit.threads", database.embedded() ? 1 : 2),
                settings.duration("dlr.http.answer-budget", Duration.ofMillis(1500)), context.getExecutorServiceManager());
        groupCommit.observe(metrics::groupCommitted);
        context.addService(groupCommit, true, true);
        return groupCommit;
    }

    Database database() {
        return database;
    }

    List<ReceiptCommitHook> receiptHooks() {
        return receiptHooks;
    }

    List<OverdueHook> overdueHooks() {
        return overdueHooks;
    }

    ReceiptStore receiptStore() {
        return receiptStore;
    }

    DeadLetterStore deadLetters() {
        return deadLetters;
    }
}
