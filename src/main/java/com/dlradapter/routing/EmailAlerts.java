package com.dlradapter.routing;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.mapping.PhoneNumbers;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.store.MessageOverdue;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static com.dlradapter.store.Jdbc.instant;
import static com.dlradapter.store.Jdbc.utc;

/**
 * Email alert digests ({@code dlr.email.*}; off when no SMTP host is set). Alerts are queued in the
 * database with the routing decision, and one digest carries what gathered within the digest
 * window or the first {@code digest-max} alerts, whichever comes first. A digest's alerts are
 * marked sent only after the SMTP server accepted it; until then they are retried after
 * {@code retry-delay}, so an SMTP outage delays alerts but loses none and never touches ingestion.
 */
public class EmailAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(EmailAlerts.class);
    public static final String ALERTS = "dlrEmailAlerts";
    public static final String ENDPOINT = "dlrMailEndpoint";
    /**
     * The final failures, when {@code dlr.email.statuses} is not set or empty: the one place the
     * alerted statuses come from (routes/routing.yaml asks through {@code dlrEmailStatus}).
     */
    static final List<String> DEFAULT_STATUSES = List.of("UNDELIVERED", "EXPIRED", "REJECTED", "FAILED");

    /** One line of a digest. */
    public record Alert(long seq, String provider, String messageId, String recipient, String status, String reason,
                        Instant occurredAt) {
    }

    private final DataSource dataSource;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final boolean starttls;
    private final String from;
    private final String to;
    private final Duration window;
    private final int max;
    private final Duration retryDelay;
    private final Set<CanonicalStatus> statuses;
    private final AdapterMetrics metrics;

    /**
     * The {@code dlr.email.*} settings: no {@code smtpHost}, no alerts; {@code statuses} empty:
     * {@link #DEFAULT_STATUSES}.
     */
    public record Smtp(String smtpHost, int smtpPort, String username, String password, boolean starttls, String from,
                       String to, Duration digestWindow, int digestMax, Duration retryDelay, List<String> statuses) {
    }

    public EmailAlerts(DataSource dataSource, Smtp smtp, AdapterMetrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.host = smtp.smtpHost();
        this.port = smtp.smtpPort();
        this.username = smtp.username();
        this.password = smtp.password();
        this.starttls = smtp.starttls();
        this.from = smtp.from();
        this.to = smtp.to();
        this.window = smtp.digestWindow();
        this.max = smtp.digestMax();
        this.retryDelay = smtp.retryDelay();
        List<String> statuses = smtp.statuses();
        this.statuses = SinkFilter.of("dlr.email", statuses.isEmpty() ? DEFAULT_STATUSES : statuses, List.of()).statuses();
        if (host != null && to == null) {
            throw new IllegalArgumentException("setting dlr.email.to is required when dlr.email.smtp-host is set");
        }
        if (max < 1) {
            throw new IllegalArgumentException("setting dlr.email.digest-max must be at least 1");
        }
    }

    public boolean enabled() {
        return host != null;
    }

    /**
     * {@code dlr.email.statuses}: the receipts routes/routing.yaml sends to the alert (its filter
     * decides on {@code dlrEmailStatus}, set from this), so only those enter routing for the alert's sake.
     */
    public Set<CanonicalStatus> statuses() {
        return statuses;
    }

    /** Routing step: the event in the body goes to the email alert (when email alerts are on). */
    @SuppressWarnings("unchecked")
    public void route(Exchange exchange) {
        if (enabled()) {
            exchange.getProperty(RoutingOutbox.DECISIONS, List.class).add(new RouteDecision(RouteDecision.EMAIL, "email"));
        }
    }

    /** Queues the alerts of routed events in the caller's transaction, as one JDBC batch; each event once. */
    void queue(Connection connection, List<RoutedEvent> events, Instant now) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO email_alert (source_id, provider, message_id, recipient, status, reason, occurred_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            for (RoutedEvent event : events) {
                String recipient;
                String status;
                String reason;
                Instant time;
                if (event.receipt() != null) {
                    DeliveryReceipt receipt = event.receipt();
                    recipient = receipt.recipient();
                    status = receipt.status().name();
                    reason = receipt.reason() == null ? receipt.providerStatus()
                            : join(receipt.reason().code(), receipt.reason().description());
                    time = receipt.occurredAt() != null ? receipt.occurredAt() : receipt.receivedAt();
                } else {
                    MessageOverdue overdue = event.overdue();
                    recipient = overdue.recipient();
                    status = "OVERDUE";
                    reason = "no final status since " + overdue.firstSeenAt()
                            + (overdue.lastStatus() == null ? "" : " (last status " + overdue.lastStatus() + ")");
                    time = overdue.overdueAt();
                }
                insert.setString(1, event.sourceId());
                insert.setString(2, event.provider());
                insert.setString(3, event.receipt() != null ? event.receipt().messageId() : event.overdue().messageId());
                insert.setString(4, PhoneNumbers.mask(recipient));
                insert.setString(5, status);
                insert.setString(6, reason == null ? null : reason.substring(0, Math.min(reason.length(), 1000)));
                insert.setObject(7, utc(time == null ? now : time));
                insert.setObject(8, utc(now));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Alerts not yet sent, for the backlog gauge. */
    public long waiting() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM email_alert WHERE sent_at IS NULL");
             ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String join(String code, String description) {
        if (code == null) {
            return description;
        }
        return description == null ? code : code + " " + description;
    }

    /**
     * Worker step: claims the next digest's alerts when one is due (the oldest waiting alert is
     * older than the window, or digest-max alerts are waiting); the body is then the list, else empty.
     */
    public void claimDigest(Exchange exchange) throws SQLException {
        List<Alert> claimed = new ArrayList<>();
        exchange.getMessage().setBody(claimed);
        if (!enabled()) {
            return;
        }
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection()) {
            List<Alert> waiting = new ArrayList<>();
            Instant oldest = null;
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT seq, provider, message_id, recipient, status, reason, occurred_at, created_at FROM email_alert
                    WHERE sent_at IS NULL AND (lease_until IS NULL OR lease_until < ?) ORDER BY seq LIMIT ?""")) {
                select.setObject(1, utc(now));
                select.setInt(2, max);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        waiting.add(new Alert(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), instant(rs, "occurred_at")));
                        if (oldest == null) {
                            oldest = instant(rs, "created_at");
                        }
                    }
                }
            }
            if (waiting.isEmpty() || (waiting.size() < max && oldest.plus(window).isAfter(now))) {
                return;
            }
            try (PreparedStatement lock = connection.prepareStatement("""
                    UPDATE email_alert SET lease_until = ?, attempts = attempts + 1
                    WHERE seq = ? AND sent_at IS NULL AND (lease_until IS NULL OR lease_until < ?)""")) {
                for (Alert alert : waiting) {
                    lock.setObject(1, utc(now.plus(retryDelay)));
                    lock.setLong(2, alert.seq());
                    lock.setObject(3, utc(now));
                    if (lock.executeUpdate() == 1) {
                        claimed.add(alert);
                    }
                }
            }
        }
    }

    /** Worker step: the digest mail of the claimed alerts, HTML with a plain-text alternative. */
    @SuppressWarnings("unchecked")
    public void render(Exchange exchange) {
        List<Alert> alerts = exchange.getMessage().getBody(List.class);
        exchange.setProperty(ALERTS, alerts);
        StringBuilder text = new StringBuilder(alerts.size() + " SMS message(s) failed or are overdue.\n\n");
        StringBuilder html = new StringBuilder("<html><body><p>").append(alerts.size())
                .append(" SMS message(s) failed or are overdue.</p>\n<table border=\"1\" cellpadding=\"4\">\n")
                .append("<tr><th>Provider</th><th>Message</th><th>Recipient</th><th>Status</th><th>Reason</th><th>Time</th></tr>\n");
        for (Alert alert : alerts) {
            text.append(String.join(" | ", nz(alert.provider()), nz(alert.messageId()), nz(alert.recipient()),
                    nz(alert.status()), nz(alert.reason()), String.valueOf(alert.occurredAt()))).append('\n');
            html.append("<tr>");
            for (String cell : List.of(nz(alert.provider()), nz(alert.messageId()), nz(alert.recipient()),
                    nz(alert.status()), nz(alert.reason()), String.valueOf(alert.occurredAt()))) {
                html.append("<td>").append(EnvelopeFormat.escape(cell)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table></body></html>");
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(html.toString());
        message.setHeader("CamelMailAlternativeBody", text.toString());
        message.setHeader("Subject", "DLR alert: " + alerts.size() + " failed or overdue SMS message(s)");
        StringBuilder uri = new StringBuilder("smtp://").append(host).append(':').append(port)
                .append("?to=").append(encode(to))
                .append("&from=").append(encode(from))
                .append("&contentType=").append(encode("text/html; charset=UTF-8"))
                .append("&connectionTimeout=10000");
        if (username != null) {
            uri.append("&username=").append(encode(username));
        }
        if (password != null) {
            uri.append("&password=").append(encode(password));
        }
        if (starttls) {
            uri.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        exchange.setProperty(ENDPOINT, uri.toString());
    }

    /** Worker step after the SMTP server accepted the digest. */
    @SuppressWarnings("unchecked")
    public void sent(Exchange exchange) throws SQLException {
        List<Alert> alerts = exchange.getProperty(ALERTS, List.class);
        Instant now = Instant.now();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE email_alert SET sent_at = ? WHERE seq = ?")) {
            for (Alert alert : alerts) {
                update.setObject(1, utc(now));
                update.setLong(2, alert.seq());
                update.executeUpdate();
            }
        }
        metrics.emailDigest(true);
        LOG.info("Sent an alert digest of {} message(s) to {}", alerts.size(), to);
    }

    /** Worker error step: the alerts stay queued and are tried again after the retry delay. */
    public void sendFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        metrics.emailDigest(false);
        LOG.warn("Sending the alert digest failed, retrying in {}: {}", retryDelay, e == null ? "unknown" : e.getMessage());
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

    private static String encode(String value) {
        return "RAW(" + value + ")";
    }
}
