package com.dlradapter.polling;

import com.dlradapter.canonical.ReceiptSource;
import com.dlradapter.ingest.IngestProperties;
import com.dlradapter.observe.AdapterMetrics;
import com.dlradapter.polling.PollSchedule.Outcome;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The generic steps of the polling route (routes/polling-template.kamelet.yaml): which calls are due,
 * how a call authenticates, and what its answer means for the schedule. Nothing here knows a
 * provider: URLs, paths and the kind of authentication come from each provider's route file and
 * settings.
 */
public class ProviderPoller {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderPoller.class);

    /** Exchange properties of one poll call. */
    public static final String TARGET = "dlrPollTarget";
    public static final String URL = "dlrPollUrl";

    private final Function<String, StatusApi> apis;
    private final PollSchedule schedule;
    private final OAuth2Tokens tokens;
    private final int batchSize;
    private final AdapterMetrics metrics;
    private final Set<String> disabledLogged = ConcurrentHashMap.newKeySet();
    /** Providers whose credential failed in their current turn: their other calls wait for the next turn. */
    private final Set<String> credentialFailed = ConcurrentHashMap.newKeySet();

    /** @param apis each provider's status API settings, read at each turn and call */
    public ProviderPoller(Function<String, StatusApi> apis, PollSchedule schedule, OAuth2Tokens tokens, int batchSize,
                          AdapterMetrics metrics) {
        this.apis = apis;
        this.schedule = schedule;
        this.tokens = tokens;
        this.batchSize = batchSize;
        this.metrics = metrics;
    }

    /** One turn: the due calls (none while polling is off). Overdue messages are marked by routes/overdue.yaml. */
    public List<PollTarget> targets(String provider, String per) throws SQLException {
        credentialFailed.remove(provider);
        if (!apis.apply(provider).configured()) {
            if (disabledLogged.add(provider)) {
                LOG.info("Polling of {} is off: dlr.providers.{}.base-url is not set", provider, provider);
            }
            return List.of();
        }
        return schedule.due(provider, "batch".equals(per), batchSize);
    }

    /**
     * Checked before each call, not only at the start of a turn: after a 429, or once the
     * provider's credential failed, the rest of the turn's calls are skipped and their messages
     * stay due for a later turn.
     */
    public boolean mayCall(PollTarget target) {
        return !schedule.paused(target.provider()) && !credentialFailed.contains(target.provider());
    }

    /**
     * Prepares one call: the URL is the provider's base URL and the route's status path with the
     * URL-encoded key for {@code {key}}, and no header but the credential reaches the HTTP producer.
     *
     * @param auth {@code api-key} (Authorization: Bearer dlr.providers.&lt;id&gt;.api-key),
     *             {@code oauth2} (client-credentials access token) or {@code none}
     */
    public void prepare(Exchange exchange, String statusPath, String auth) throws IOException {
        PollTarget target = exchange.getMessage().getBody(PollTarget.class);
        exchange.setProperty(TARGET, target);
        StatusApi api = apis.apply(target.provider());
        String baseUrl = Optional.ofNullable(api.baseUrl()).orElseThrow();
        String key = URLEncoder.encode(target.key(), StandardCharsets.UTF_8).replace("+", "%20");
        exchange.setProperty(URL, baseUrl.replaceAll("/+$", "") + statusPath.replace("{key}", key));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(null);
        String provider = target.provider();
        switch (auth) {
            case "api-key" -> exchange.getMessage().setHeader("Authorization", "Bearer "
                    + Optional.ofNullable(api.apiKey()).orElseThrow(() ->
                            new CredentialUnavailableException(api.setting("api-key") + " is not set", null)));
            case "oauth2" -> {
                String token;
                try {
                    token = tokens.accessToken(provider);
                } catch (IOException e) {
                    throw new CredentialUnavailableException("no access token: " + e.getMessage(), e);
                }
                exchange.getMessage().setHeader("Authorization", "Bearer " + token);
            }
            case "none" -> { }
            default -> throw new IllegalArgumentException("unknown auth '" + auth + "' (api-key, oauth2 or none)");
        }
        exchange.getMessage().setHeader("Accept", "application/json");
    }

    /** A 200 answer: hands it to the ingest route as a poll payload. */
    public void toIngest(Exchange exchange) {
        PollTarget target = exchange.getProperty(TARGET, PollTarget.class);
        String body = exchange.getMessage().getBody(String.class);
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(body);
        exchange.setProperty(IngestProperties.PROVIDER, target.provider());
        exchange.setProperty(IngestProperties.RAW_BODY, body == null ? "" : body);
        exchange.setProperty(IngestProperties.CONTENT_TYPE, contentType);
        exchange.setProperty(IngestProperties.RECEIVED_AT, Instant.now());
        exchange.setProperty(IngestProperties.SOURCE, ReceiptSource.POLL);
    }

    /** After the ingest route: stored (or dead-lettered) means answered; a store failure retries. */
    public void afterIngest(Exchange exchange) throws SQLException {
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        PollTarget target = exchange.getProperty(TARGET, PollTarget.class);
        boolean storeFailed = code != null && code >= 500;
        if (storeFailed) {
            metrics.pollFailed(target.provider(), "store-failed");
        } else {
            metrics.polled(target.provider(), "answered");
        }
        schedule.afterPoll(target, storeFailed ? Outcome.RETRY : Outcome.ANSWERED);
    }

    /** Any other answer: 404 not known yet (back off), 429 slow down, 401 new token, else retry. */
    public void refused(Exchange exchange) throws SQLException {
        PollTarget target = exchange.getProperty(TARGET, PollTarget.class);
        int code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        switch (code) {
            case 404 -> {
                metrics.polled(target.provider(), "not-found");
                schedule.afterPoll(target, Outcome.NOT_FOUND);
            }
            case 429 -> {
                metrics.pollFailed(target.provider(), "rate-limited");
                schedule.pause(target.provider(), retryAfter(exchange.getMessage().getHeader("Retry-After", String.class)));
                schedule.afterPoll(target, Outcome.RETRY);
            }
            default -> {
                metrics.pollFailed(target.provider(), "http-" + code / 100 + "xx");
                if (code == 401) {
                    tokens.forget(target.provider());
                }
                LOG.warn("Polling {} for {} answered {}: trying again at the next turn", target.provider(),
                        target.key(), code);
                schedule.afterPoll(target, Outcome.RETRY);
            }
        }
    }

    /**
     * No answer at all (timeout, connection refused), or no credential to ask with: try again at
     * the next turn. A failed credential also stops this turn's other calls to the provider, so a
     * broken token endpoint is asked once a turn, not once a message.
     */
    public void failed(Exchange exchange) throws SQLException {
        PollTarget target = exchange.getProperty(TARGET, PollTarget.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (credentialFailure(failure)) {
            credentialFailed.add(target.provider());
            metrics.pollFailed(target.provider(), "no-answer");
            LOG.warn("Polling {} skips this turn: {}: trying again at the next turn", target.provider(), failure.getMessage());
            schedule.afterPoll(target, Outcome.RETRY);
            return;
        }
        metrics.pollFailed(target.provider(), "no-answer");
        LOG.warn("Polling {} for {} failed: {}: trying again at the next turn", target.provider(), target.key(),
                failure == null ? "no answer" : failure.getMessage());
        schedule.afterPoll(target, Outcome.RETRY);
    }

    private static boolean credentialFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CredentialUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /** Retry-After in seconds or as an HTTP date; a minute when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Duration.ofMinutes(1);
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                Duration until = Duration.between(Instant.now(),
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (RuntimeException unreadable) {
                return Duration.ofMinutes(1);
            }
        }
    }
}
