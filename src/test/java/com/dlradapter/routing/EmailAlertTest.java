package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.store.MessageOverdue;
import com.dlradapter.store.OverdueHook;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.Sql;
import com.dlradapter.support.TestDatabases;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Email alert digests received by a real SMTP server (GreenMail on 127.0.0.1); alerts wait in H2 or PostgreSQL. */
class EmailAlertTest {

    @TempDir
    Path data;
    final int smtpPort = RunningAdapter.freePort();
    final GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    Map<String, String> settings(TestDatabases.Kind kind, String window, int max) {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data, kind));
        settings.put("dlr.routing.poll-interval", "100");
        settings.put("dlr.email.check-interval", "200");
        settings.put("dlr.email.smtp-host", "127.0.0.1");
        settings.put("dlr.email.smtp-port", String.valueOf(smtpPort));
        settings.put("dlr.email.from", "dlr@example.com");
        settings.put("dlr.email.to", "ops@example.com");
        settings.put("dlr.email.digest-window", window);
        settings.put("dlr.email.digest-max", String.valueOf(max));
        settings.put("dlr.email.retry-delay", "500ms");
        return settings;
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void failuresAndOverdueMessagesArriveAsDigestsOfAtMostDigestMax(TestDatabases.Kind kind) throws Exception {
        smtp.start();
        try (RunningAdapter adapter = RunningAdapter.start(settings(kind, "3s", 3))) {
            post(adapter, "mail-1", "FAILED", "mail-m1");
            post(adapter, "mail-2", "UNDELIVERABLE", "mail-m2");
            post(adapter, "mail-3", "DELIVERED", "mail-m3");
            post(adapter, "mail-4", "EXPIRED", "mail-m4");
            // an overdue message, marked by polling's transaction: the hook queues it in that transaction
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            @SuppressWarnings("unchecked")
            List<OverdueHook> hooks = adapter.bean("overdueHooks", List.class);
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                for (OverdueHook hook : hooks) {
                    hook.beforeCommit(connection, new MessageOverdue("zeckta", "overdue-m5", null, null, "+233202001234",
                            CanonicalStatus.SENT, Instant.parse("2026-06-09T10:00:00Z"), Instant.now()));
                }
                connection.commit();
            }

            // three alerts reach digest-max at once; the fourth waits for the window
            await().atMost(Duration.ofSeconds(15)).until(() -> smtp.getReceivedMessages().length >= 1);
            MimeMessage first = smtp.getReceivedMessages()[0];
            assertThat(first.getSubject()).contains("3");
            await().atMost(Duration.ofSeconds(15)).until(() -> smtp.getReceivedMessages().length == 2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(4)).until(() -> smtp.getReceivedMessages().length == 2);

            StringBuilder allHtml = new StringBuilder();
            StringBuilder allText = new StringBuilder();
            for (MimeMessage message : smtp.getReceivedMessages()) {
                assertThat(Arrays.asList(message.getRecipients(MimeMessage.RecipientType.TO)))
                        .containsExactly(new InternetAddress("ops@example.com"));
                assertThat(((InternetAddress) message.getFrom()[0]).getAddress()).isEqualTo("dlr@example.com");
                Map<String, String> parts = new LinkedHashMap<>();
                collect(message, parts);
                assertThat(parts).containsKeys("text/plain", "text/html");
                allHtml.append(parts.get("text/html"));
                allText.append(parts.get("text/plain"));
            }
            String html = allHtml.toString();
            assertThat(html).contains("<table").contains("<th>Provider</th>").contains("<th>Recipient</th>")
                    .contains("<td>mail-m1</td>").contains("<td>FAILED</td>")
                    .contains("<td>mail-m2</td>").contains("<td>UNDELIVERED</td>")
                    .contains("<td>mail-m4</td>").contains("<td>EXPIRED</td>")
                    .contains("<td>overdue-m5</td>").contains("<td>OVERDUE</td>").contains("last status SENT")
                    .contains("<td>*********7745</td>").contains("<td>*********1234</td>")
                    .doesNotContain("mail-m3").doesNotContain("233202007745");
            assertThat(allText.toString()).contains("mail-m1").contains("*********7745").contains("overdue-m5")
                    .doesNotContain("mail-m3");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void anSmtpOutageDelaysAlertsButLosesNone(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(settings(kind, "200ms", 100))) {
            post(adapter, "outage-1", "FAILED", "outage-m1");
            post(adapter, "outage-2", "FAILED", "outage-m2");
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            // the SMTP server is down: the digest is tried and kept
            await().atMost(Duration.ofSeconds(15)).until(() -> Sql.number(dataSource,
                    "SELECT COUNT(*) FROM email_alert WHERE sent_at IS NULL AND attempts >= 2") == 2);
            smtp.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> Sql.number(dataSource,
                    "SELECT COUNT(*) FROM email_alert WHERE sent_at IS NOT NULL") == 2);
            String body = Arrays.stream(smtp.getReceivedMessages()).map(m -> {
                Map<String, String> parts = new LinkedHashMap<>();
                try {
                    collect(m, parts);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return parts.get("text/html");
            }).reduce("", String::concat);
            assertThat(body).contains("outage-m1").contains("outage-m2");
        }
    }

    /**
     * dlr.email.statuses has one source of truth: left empty it means its default (the final
     * failures) for what enters routing and for what route-event sends to the alert alike. It used
     * to let FAILED receipts into the outbox for the alert's sake while route-event, matching on
     * the empty text, sent none of them to it. Lower case and spaces are accepted now.
     */
    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void anEmptyStatusesSettingAlertsTheDefaultFinalFailures(TestDatabases.Kind kind) throws Exception {
        Map<String, String> settings = settings(kind, "1h", 100);
        settings.put("dlr.email.statuses", "");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            post(adapter, "empty-1", "FAILED", "empty-m1");
            post(adapter, "empty-2", "DELIVERED", "empty-m2");
            post(adapter, "empty-3", "EXPIRED", "empty-m3");
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            await().atMost(Duration.ofSeconds(15)).until(() -> Sql.number(dataSource, "SELECT COUNT(*) FROM routing_outbox") == 0
                    && Sql.number(dataSource, "SELECT COUNT(*) FROM email_alert") == 2);
            assertThat(Sql.number(dataSource, "SELECT COUNT(*) FROM email_alert WHERE status IN ('FAILED', 'EXPIRED')")).isEqualTo(2);
        }
        settings.put("dlr.email.statuses", "expired, Undelivered");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            post(adapter, "spaced-1", "FAILED", "spaced-m1");
            post(adapter, "spaced-2", "EXPIRED", "spaced-m2");
            DataSource dataSource = adapter.bean("dataSource", DataSource.class);
            await().atMost(Duration.ofSeconds(15)).until(() -> Sql.number(dataSource, "SELECT COUNT(*) FROM routing_outbox") == 0
                    && Sql.number(dataSource, "SELECT COUNT(*) FROM email_alert WHERE message_id = 'spaced-m2'") == 1);
            assertThat(Sql.number(dataSource, "SELECT COUNT(*) FROM email_alert WHERE message_id = 'spaced-m1'")).isZero();
        }
    }

    /**
     * Inbound headers never reach the mail producer: Camel's mail component would take a
     * message's Subject, To, Cc, Bcc, From and Reply-To from headers (CVE-2025-27636 class).
     */
    @Test
    void inboundHeadersCannotSteerTheMail() throws Exception {
        smtp.start();
        try (RunningAdapter adapter = RunningAdapter.start(settings(TestDatabases.Kind.H2, "1h", 1))) {
            HttpResponse<String> answer = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(adapter.webhook("zeckta"))))
                    .header("Content-Type", "application/json")
                    .header("Subject", "Injected subject")
                    .header("To", "attacker@evil.example")
                    .header("Cc", "cc@evil.example")
                    .header("Bcc", "bcc@evil.example")
                    .header("From", "ceo@evil.example")
                    .header("Reply-To", "reply@evil.example")
                    .header("CamelMailAlternativeBody", "Injected body")
                    .POST(HttpRequest.BodyPublishers.ofString(OutboundWebhookTest.zeckta("hdr-1", "FAILED", "hdr-m1"))));
            assertThat(answer.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> smtp.getReceivedMessages().length >= 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> smtp.getReceivedMessages().length == 1);
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getSubject()).startsWith("DLR alert:").doesNotContain("Injected");
            assertThat(Arrays.asList(mail.getAllRecipients())).containsExactly(new InternetAddress("ops@example.com"));
            assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("dlr@example.com");
            assertThat(mail.getReplyTo()).extracting(a -> ((InternetAddress) a).getAddress()).containsOnly("dlr@example.com");
            Map<String, String> parts = new LinkedHashMap<>();
            collect(mail, parts);
            assertThat(parts.get("text/plain")).contains("hdr-m1").doesNotContain("Injected");
            assertThat(smtp.getReceivedMessagesForDomain("evil.example")).isEmpty();
        }
    }

    static void post(RunningAdapter adapter, String eventId, String status, String messageId) {
        assertThat(adapter.post(adapter.webhook("zeckta"), OutboundWebhookTest.zeckta(eventId, status, messageId)).statusCode())
                .isEqualTo(200);
    }

    static void collect(Part part, Map<String, String> parts) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, parts);
            }
        } else if (part.isMimeType("text/plain")) {
            parts.merge("text/plain", part.getContent().toString(), String::concat);
        } else if (part.isMimeType("text/html")) {
            parts.merge("text/html", part.getContent().toString(), String::concat);
        }
    }
}
