package com.dlradapter.polling;

import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A message past the maximum age stops being polled, is marked overdue, and is routed as an event (H2 and PostgreSQL). */
class OverdueTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMessageWithoutAFinalStatusWithinTheMaximumAgeIsOverdue(TestDatabases.Kind kind) throws Exception {
        WireMockServer api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        api.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404)));
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.polling.cron", "0/1 * * * * ?");
        settings.put("dlr.polling.backoff", "1s");
        settings.put("dlr.polling.max-age", "3s");
        settings.put("dlr.providers.cecula.base-url", api.baseUrl());
        settings.put("dlr.providers.cecula.api-key", "k");
        // E-mail alerts on, to a closed port: the overdue alert is queued and kept for retries.
        settings.put("dlr.email.smtp-host", "127.0.0.1");
        settings.put("dlr.email.smtp-port", String.valueOf(RunningAdapter.freePort()));
        settings.put("dlr.email.to", "ops@example.com");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            var response = adapter.postApi("/api/messages", "{\"provider\": \"cecula\", \"messageId\": \"late-1\"}");
            assertThat(response.statusCode()).isEqualTo(201);

            JsonNode state = adapter.awaitMessage("cecula", "late-1", Duration.ofSeconds(20), m -> m.get("overdue").asBoolean());
            assertThat(state.get("overdueAt").asText()).isNotEmpty();
            assertThat(state.get("polling").get("state").asText()).isEqualTo("overdue");
            assertThat(state.get("final").asBoolean()).isFalse();

            // It is routed as an event of its own (the e-mail alert digest takes it).
            try (Connection connection = adapter.bean("dataSource", DataSource.class).getConnection()) {
                long queued = Sql.number(connection, "SELECT COUNT(*) FROM routing_outbox WHERE event = 'overdue'");
                long routed = Sql.number(connection, "SELECT COUNT(*) FROM email_alert WHERE message_id = 'late-1'");
                assertThat(queued + routed).as("queued in the outbox or already routed to the e-mail alert").isPositive();
            }

            int calls = api.getAllServeEvents().size();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> api.getAllServeEvents().size() == calls);
        } finally {
            api.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void messagesOfProvidersThatAreNotPolledBecomeOverdueToo(TestDatabases.Kind kind) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        // No dlr.providers.<id>.base-url at all (the default): nothing is polled.
        settings.put("dlr.polling.cron", "0/1 * * * * ?");
        settings.put("dlr.polling.max-age", "3s");
        settings.put("dlr.email.smtp-host", "127.0.0.1");
        settings.put("dlr.email.smtp-port", String.valueOf(RunningAdapter.freePort()));
        settings.put("dlr.email.to", "ops@example.com");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            // Zeckta has a polling route that is off; Acme has none. A non-final receipt tracks either.
            assertThat(adapter.post(adapter.webhook("zeckta"),
                    com.dlradapter.support.Payloads.zeckta("late-evt", "MESSAGE_SENT", "SENT", "late-z")).statusCode())
                    .isEqualTo(200);
            assertThat(adapter.post(adapter.webhook("acme"), "MessageSid=late-a&MessageStatus=sent",
                    "application/x-www-form-urlencoded").statusCode()).isEqualTo(200);

            for (String[] message : new String[][] {{"zeckta", "late-z"}, {"acme", "late-a"}}) {
                JsonNode state = adapter.awaitMessage(message[0], message[1], Duration.ofSeconds(20), m -> m.get("overdue").asBoolean());
                assertThat(state.get("polling").get("state").asText()).isEqualTo("overdue");
                assertThat(state.get("status").asText()).isEqualTo("SENT");
            }
            // Routed as events: the e-mail alert digest has both.
            await().atMost(Duration.ofSeconds(20)).until(() -> Sql.number(adapter.bean("dataSource", DataSource.class),
                    "SELECT COUNT(*) FROM email_alert WHERE status = 'OVERDUE' AND message_id IN ('late-z', 'late-a')") == 2);
        }
    }
}
