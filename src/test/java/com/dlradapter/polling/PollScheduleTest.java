package com.dlradapter.polling;

import com.dlradapter.backoff.Backoff;
import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.store.Database;
import com.dlradapter.store.MessageOverdue;
import com.dlradapter.store.ReceiptStore;
import com.dlradapter.support.TestDatabases;
import com.dlradapter.support.TestDatabases.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The polling schedule's rules, on H2 and on a real PostgreSQL alike. */
class PollScheduleTest {

    @TempDir
    Path directory;
    private Database database;
    private final List<MessageOverdue> overdue = new ArrayList<>();

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private PollSchedule open(Kind kind, Duration maxAge) {
        database = TestDatabases.database(kind, directory);
        return new PollSchedule(database.dataSource(), new Backoff.Steps(List.of(Duration.ZERO, Duration.ofMinutes(2), Duration.ofMinutes(5))),
                maxAge, List.of((connection, event) -> overdue.add(event)));
    }

    private static DeliveryReceipt receipt(String messageId, CanonicalStatus status) {
        String key = DeliveryReceipt.idempotencyKey("test", null, messageId, status.name(), null);
        return new DeliveryReceipt(DeliveryReceipt.idFor(key), "test", messageId, "batch-9", null, null, status, status.isFinal(),
                status.name(), null, null, null, null, null, null, null, null, null, Instant.now(), ReceiptSource.POLL);
    }

    private Object column(String column, String messageId) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + column + " FROM poll_schedule WHERE provider = 'test' AND message_id = ?")) {
            select.setString(1, messageId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void registeringTwiceCreatesNothingTwiceAndTheMessageIsDue(Kind kind) throws Exception {
        PollSchedule schedule = open(kind, Duration.ofHours(72));
        assertThat(schedule.register("test", "m1", "batch-9", null, "+441111111111", null)).isTrue();
        assertThat(schedule.register("test", "m1", "batch-9", null, "+441111111111", null)).isFalse();
        assertThat(schedule.due("test", false, 10)).extracting(PollTarget::key).containsExactly("m1");
        assertThat(schedule.due("test", true, 10)).extracting(PollTarget::key).containsExactly("batch-9");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachAnswerBacksOffAndARetryStaysDue(Kind kind) throws Exception {
        PollSchedule schedule = open(kind, Duration.ofHours(72));
        schedule.register("test", "m2", null, null, null, null);
        PollTarget target = schedule.due("test", false, 10).get(0);
        schedule.afterPoll(target, PollSchedule.Outcome.RETRY);
        assertThat(schedule.due("test", false, 10)).as("a retry is due at the next turn").hasSize(1);
        schedule.afterPoll(target, PollSchedule.Outcome.ANSWERED);
        assertThat(schedule.due("test", false, 10)).as("backing off 2 minutes").isEmpty();
        assertThat(column("attempts", "m2")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStoredFinalReceiptStopsPollingAndANonFinalOneStartsIt(Kind kind) throws Exception {
        PollSchedule schedule = open(kind, Duration.ofHours(72));
        ReceiptStore store = new ReceiptStore(database.dataSource(), List.of(schedule));
        store.storeAll(List.of(new ReceiptStore.Item(receipt("m3", CanonicalStatus.SENT), "{}")));
        assertThat(column("state", "m3")).isEqualTo("active");
        store.storeAll(List.of(new ReceiptStore.Item(receipt("m3", CanonicalStatus.DELIVERED), "{}")));
        assertThat(column("state", "m3")).isEqualTo("done");
        assertThat(schedule.due("test", false, 10)).isEmpty();
        assertThat(schedule.register("test", "m3", null, null, null, null)).as("a final message is not tracked again").isFalse();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void pastTheMaximumAgeAMessageIsOverdueOnceWithItsHooks(Kind kind) throws Exception {
        PollSchedule schedule = open(kind, Duration.ofHours(1));
        schedule.register("test", "m4", null, "order-4", "+441111111111", Instant.now().minus(Duration.ofHours(2)));
        schedule.register("test", "m5", null, null, null, Instant.now());
        schedule.register("webhook-only", "m6", null, null, null, Instant.now().minus(Duration.ofHours(2)));
        assertThat(schedule.due("test", false, 10)).as("past the maximum age: not polled, even before the sweep")
                .extracting(PollTarget::key).containsExactly("m5");
        assertThat(schedule.markOverdue()).as("every provider's, polled or not").isEqualTo(2);
        assertThat(schedule.markOverdue()).isZero();
        assertThat(overdue).extracting(MessageOverdue::messageId).containsExactlyInAnyOrder("m4", "m6");
        overdue.removeIf(event -> !event.messageId().equals("m4"));
        assertThat(overdue.get(0).recipient()).isEqualTo("+441111111111");
        assertThat(overdue.get(0).clientRef()).as("the overdue event names the sender's reference").isEqualTo("order-4");
        assertThat(column("state", "m4")).isEqualTo("overdue");
        assertThat(schedule.due("test", false, 10)).extracting(PollTarget::key).containsExactly("m5");
    }
}
