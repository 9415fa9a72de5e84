package com.dlradapter.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outbound webhook targets ({@code dlr.outbound.targets} and {@code dlr.outbound.<name>.*}): which
 * targets an event goes to, the signed request of a delivery, and what its answer means.
 * The URL and method come from configuration only; the worker route removes every header
 * before {@link #prepare(Exchange)} sets the few it sends. A URL's user-info
 * ({@code https://user:password@erp/hook}) is sent as HTTP basic authentication: HttpClient refuses
 * user-info in a request URI, and the endpoint the requests go to never holds the password.
 */
public class OutboundWebhooks {

    public static final String DELIVERY = "dlrDelivery";
    public static final String ENDPOINT = "dlrTargetEndpoint";
    public static final String CONFIGURER_PREFIX = "dlrOutboundClient-";
    private static final Set<String> FORMATS = Set.of("json", "form", "xml");

    private final Map<String, OutboundTarget> targets;
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    /** The {@code Authorization} header of each target whose URL has user-info. */
    private final Map<String, String> authorizations = new LinkedHashMap<>();
    /** Each target's endpoint, resolved once: toD then sends to it without parsing its URI per request. */
    private final Map<String, Endpoint> resolved = new ConcurrentHashMap<>();

    /**
     * @param perTarget requests to one target at once: the size of its own pool of keep-alive
     *                  connections, so its lanes never wait for one
     */
    public OutboundWebhooks(Map<String, OutboundTarget> targets, int perTarget) {
        this.targets = Map.copyOf(targets);
        for (OutboundTarget target : targets.values()) {
            URI url = withoutUserInfo(target.url());
            if (target.url().getRawUserInfo() != null) {
                authorizations.put(target.name(), basicAuthorization(target.url().getUserInfo()));
            }
            endpoints.put(target.name(), url + (url.getRawQuery() == null ? "?" : "&")
                    + "httpMethod=POST&throwExceptionOnFailure=false&followRedirects=false"
                    + "&connectionsPerRoute=" + perTarget + "&maxTotalConnections=" + perTarget
                    + "&httpClientConfigurer=#" + CONFIGURER_PREFIX + target.name());
        }
    }

    /**
     * One target from its settings ({@code dlr.outbound.<name>.*}), checked: {@code url} is
     * required and http(s), {@code format} json, form or xml.
     */
    public static OutboundTarget target(String name, String url, String format, List<String> secrets,
                                        List<String> statuses, List<String> providers, Duration timeout) {
        String prefix = "dlr.outbound." + name;
        if (url == null) {
            throw new IllegalArgumentException("setting " + prefix + ".url is required");
        }
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("setting " + prefix + ".url must be an http or https URL");
        }
        String lowerFormat = format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(lowerFormat)) {
            throw new IllegalArgumentException("setting " + prefix + ".format must be json, form or xml");
        }
        return new OutboundTarget(name, uri, new WebhookSigner(prefix + ".secret", secrets),
                SinkFilter.of(prefix, statuses, providers), lowerFormat, timeout);
    }

    public Map<String, OutboundTarget> targets() {
        return targets;
    }

    /** {@code url} without its user-info (and fragment): where the requests go. */
    static URI withoutUserInfo(URI url) {
        String authority = url.getRawAuthority();
        return URI.create(url.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** Basic authentication from decoded user-info {@code user:password} (no colon: an empty password). */
    static String basicAuthorization(String userInfo) {
        String credentials = userInfo.contains(":") ? userInfo : userInfo + ":";
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * For the start-up log: each target's name and where it is sent, without its query (which may
     * hold a key) and with the password of its user-info masked ({@code erp https://user:****@erp/hook (basic auth)}).
     */
    public static String describe(Map<String, OutboundTarget> targets) {
        StringBuilder text = new StringBuilder("[");
        for (OutboundTarget target : targets.values()) {
            URI url = target.url();
            String userInfo = url.getRawUserInfo();
            if (text.length() > 1) {
                text.append(", ");
            }
            text.append(target.name()).append(' ').append(url.getScheme()).append("://");
            if (userInfo != null) {
                // a user alone may be a token: masked too
                int colon = userInfo.indexOf(':');
                text.append(colon < 0 ? "****" : userInfo.substring(0, colon) + ":****").append('@');
            }
            text.append(withoutUserInfo(url).getRawAuthority()).append(url.getRawPath() == null ? "" : url.getRawPath());
            if (userInfo != null) {
                text.append(" (basic auth)");
            }
        }
        return text.append(']').toString();
    }

    /** Routing step: chooses every target whose filters match the event in the body. */
    @SuppressWarnings("unchecked")
    public void route(Exchange exchange) {
        RoutedEvent event = exchange.getMessage().getBody(RoutedEvent.class);
        List<RouteDecision> decisions = exchange.getProperty(RoutingOutbox.DECISIONS, List.class);
        for (OutboundTarget target : targets.values()) {
            if (target.filter().matches(event.provider(), event.status())) {
                decisions.add(new RouteDecision(RouteDecision.WEBHOOK, target.name()));
            }
        }
    }

    /**
     * Worker step: turns the delivery in the body into the signed request. Sets {@link #ENDPOINT};
     * leaves it unset when the delivery is not to be sent, after noting that in its round: the
     * target was removed from the configuration or answered 410 during this round (fails unsent),
     * or the round's first attempts all failed, or an attempt begun now could end later than a
     * margin before the delivery's lease does (given back for the next round).
     */
    public void prepare(Exchange exchange) {
        Delivery delivery = exchange.getMessage().getBody(Delivery.class);
        exchange.setProperty(DELIVERY, delivery);
        exchange.removeProperty(ENDPOINT);
        DeliveryRound round = exchange.getProperty(DeliveryRounds.ROUND, DeliveryRound.class);
        OutboundTarget target = targets.get(delivery.target());
        if (target == null) {
            round.add(Outcome.failNow(delivery, null, "target " + delivery.target() + " is no longer configured"));
            return;
        }
        if (round.gone()) {
            round.add(Outcome.failNow(delivery, null, "target " + target.name() + " answered 410 Gone and is disabled"));
            return;
        }
        if (round.stalled() || !round.mayStart(delivery, target.timeout())) {
            round.add(Outcome.release(delivery));
            return;
        }
        ObjectNode envelope = EnvelopeFormat.envelope(delivery.eventType(), delivery.createdAt().toString(), delivery.payload());
        String body = EnvelopeFormat.render(target.format(), envelope);
        long timestamp = Instant.now().getEpochSecond();
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(body);
        message.setHeader(Exchange.CONTENT_TYPE, EnvelopeFormat.contentType(target.format()));
        message.setHeader("webhook-id", delivery.id());
        message.setHeader("webhook-timestamp", String.valueOf(timestamp));
        message.setHeader("webhook-signature", target.signer().sign(delivery.id(), timestamp, body));
        String authorization = authorizations.get(target.name());
        if (authorization != null) {
            message.setHeader("Authorization", authorization);
        }
        exchange.setProperty(ENDPOINT, resolved.computeIfAbsent(target.name(),
                name -> exchange.getContext().getEndpoint(endpoints.get(name))));
    }

    /** Worker step after the HTTP call: 2xx delivered, 410 disables the target, anything else retries. */
    public void answered(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        DeliveryRound round = exchange.getProperty(DeliveryRounds.ROUND, DeliveryRound.class);
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        exchange.getMessage().removeHeaders("*");
        if (code != null && code >= 200 && code < 300) {
            round.add(Outcome.delivered(delivery, code));
        } else if (code != null && code == 410) {
            round.gone(delivery, code);
        } else {
            String answer = exchange.getMessage().getBody(String.class);
            round.add(Outcome.attemptFailed(delivery, code, "HTTP " + code
                    + (answer == null || answer.isBlank() ? "" : ": " + answer.substring(0, Math.min(200, answer.length())))));
        }
    }
}
