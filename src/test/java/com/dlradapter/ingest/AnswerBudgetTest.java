package com.dlradapter.ingest;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Overload never turns into timeouts: when the store cannot commit (here a row lock held by
 * another transaction stalls every commit), each webhook is answered within its answer budget,
 * 503 with Retry-After, instead of waiting into the provider's own timeout; every receipt answered
 * 200 is stored; and once the store can commit again, receipts are answered 200.
 */
class AnswerBudgetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BUDGET_MS = 600;

    @TempDir
    static Path data;
    static RunningAdapter adapter;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.http.answer-budget", BUDGET_MS + "ms");
        adapter = RunningAdapter.start(settings);
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void aStalledStoreIsAnswered503WithinTheBudgetAndNothingAnswered200IsLost() throws Exception {
        String message = "budget-" + System.nanoTime();
        // a cold JVM's first commit may itself take longer than the short budget: warm up first
        await().atMost(Duration.ofSeconds(30)).until(() -> adapter.post(adapter.webhook("zeckta"),
                Payloads.zeckta("b-0", "MESSAGE_SUBMITTED", "SUBMITTED", message)).statusCode() == 200);
        DataSource dataSource = adapter.bean("dataSource", DataSource.class);
        List<Answer> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement lock = blocker.prepareStatement(
                    "SELECT status FROM message_status WHERE provider = 'zeckta' AND message_id = ? FOR UPDATE")) {
                lock.setString(1, message);
                lock.executeQuery().close();
            }
            // every commit now waits for the lock: receipts of that message, and those queued behind them
            List<Future<Answer>> sent = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                String body = i % 2 == 0
                        ? Payloads.zeckta("b-" + i, "MESSAGE_SENT", "SENT", message)
                        : Payloads.zeckta("o-" + i, "MESSAGE_DELIVERED", "DELIVERED", "other-" + i + "-" + message);
                sent.add(clients.submit(() -> post(body)));
            }
            for (Future<Answer> answer : sent) {
                answers.add(answer.get(60, TimeUnit.SECONDS));
            }
            blocker.rollback();
        } finally {
            clients.shutdownNow();
        }
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isIn(200, 503);
            assertThat(answer.millis()).as("answered within the budget, not after the provider's timeout")
                    .isLessThan(BUDGET_MS + 1500);
        });
        List<Answer> refused = answers.stream().filter(a -> a.status() == 503).toList();
        assertThat(refused).as("the stalled store refused some").isNotEmpty();
        assertThat(refused).allSatisfy(answer -> {
            assertThat(answer.retryAfter()).isEqualTo("1");
            assertThat(answer.error()).isEqualTo("busy");
        });
        for (Answer answer : answers.stream().filter(a -> a.status() == 200).toList()) {
            assertThat(stored(dataSource, answer.receiptId())).as("a receipt answered 200 is stored").isTrue();
        }
        // the store commits again: a new receipt (and a retry of a refused one) is answered 200
        assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("b-2", "MESSAGE_SENT", "SENT", message))
                .statusCode()).isEqualTo(200);
    }

    private static Answer post(String body) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = adapter.post(adapter.webhook("zeckta"), body);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        var json = JSON.readTree(response.body());
        return new Answer(response.statusCode(), millis, response.headers().firstValue("Retry-After").orElse(null),
                json.path("error").asText(null),
                response.statusCode() == 200 ? json.path("receipts").get(0).path("id").asText() : null);
    }

    private static boolean stored(DataSource dataSource, String id) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT 1 FROM receipt_event WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private record Answer(int status, long millis, String retryAfter, String error, String receiptId) {
    }
}
