package com.dlradapter.bench;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The benchmark's traffic: receipts of all four providers in their own documented shapes, each
 * message living through 2 or 3 events, and about 10% of the requests exact repeats of a request
 * already sent (a provider retrying). Every distinct event has its own idempotency key, so the
 * database must end with exactly {@link #distinctEvents()} receipt events.
 *
 * <p>Lifecycles (status values from each provider's document):
 * cecula PENDING? SENT DELIVRD|UNDELIV; routee Queued? Sent Delivered|Undelivered;
 * zeckta SUBMITTED? SENT DELIVERED|FAILED; mplus (no interim states in its webhook) a
 * {@code delivered:false} receipt, then sometimes a late {@code delivered:true}, which the store keeps
 * in history without changing the final status. Not thread-safe: one load generator owns it.
 *
 * <p>Each distinct event gets a number (a repeat carries its original's), and a workload made by
 * {@link #remembering} keeps every event's identity in the database, {@link #key}: provider,
 * message id and provider status (each mapping takes the provider status verbatim from the
 * payload, and no message repeats a status), so the benchmark can check that every event
 * answered 200 is stored exactly once.
 */
final class Workload {

    /** One HTTP request: the provider whose webhook it goes to, the exact bytes of the body and its event's number. */
    record Request(String provider, byte[] body, long event) {
    }

    static final List<String> PROVIDERS = List.of("cecula", "mplus", "routee", "zeckta");
    private static final DateTimeFormatter CECULA_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd hh:mm a", Locale.ROOT).withZone(ZoneId.of("Africa/Lagos"));

    private final SplittableRandom random;
    private final double repeatShare;
    /** Messages part-way through their lifecycle; a finished one is replaced by a new one. */
    private final List<Message> inFlight = new ArrayList<>();
    /** The most recent distinct requests, the pool a provider's retry is drawn from. */
    private final Request[] recent = new Request[2048];
    private int recentCount;
    /** Per distinct event, in order: its {@link #key}; null when not remembering. */
    private final List<String> keys;
    private long distinctEvents;
    private long repeats;
    private long messages;

    private Workload(long seed, double repeatShare, int messagesInFlight, boolean remember) {
        this.random = new SplittableRandom(seed);
        this.repeatShare = repeatShare;
        this.keys = remember ? new ArrayList<>() : null;
        for (int i = 0; i < messagesInFlight; i++) {
            inFlight.add(newMessage());
        }
    }

    /** The benchmark's mix (10% repeats, 4,096 messages in flight), remembering each event's key. */
    static Workload remembering(long seed) {
        return new Workload(seed, 0.10, 4096, true);
    }

    /** The same mix for the ceiling route, which stores nothing: no keys kept. */
    static Workload forgetting(long seed) {
        return new Workload(seed, 0.10, 4096, false);
    }

    /** An event's identity in receipt_event: provider, message_id and provider_status. */
    static String key(String provider, String messageId, String providerStatus) {
        return provider + '|' + messageId + '|' + providerStatus;
    }

    /** The {@link #key} of distinct event number {@code event}. */
    String key(long event) {
        return keys.get(Math.toIntExact(event));
    }

    Request next() {
        if (recentCount > 0 && random.nextDouble() < repeatShare) {
            repeats++;
            return recent[random.nextInt(Math.min(recentCount, recent.length))];
        }
        int slot = random.nextInt(inFlight.size());
        Message message = inFlight.get(slot);
        Request request = message.nextEvent(distinctEvents);
        if (message.done()) {
            inFlight.set(slot, newMessage());
        }
        recent[(int) (distinctEvents % recent.length)] = request;
        recentCount++;
        distinctEvents++;
        return request;
    }

    /** The next request to the provider's webhook, with the benchmark's token. */
    LoadGenerator.RequestSpec nextWebhook() {
        Request request = next();
        return new LoadGenerator.RequestSpec("/webhooks/" + request.provider() + "?token=" + AdapterLauncher.TOKEN,
                request.body(), request.event());
    }

    /** The next request to the bare ceiling route (src/test/resources/bench/ceiling.yaml). */
    LoadGenerator.RequestSpec nextCeiling() {
        Request request = next();
        return new LoadGenerator.RequestSpec("/bench/ceiling/" + request.provider(), request.body(), -1);
    }

    long distinctEvents() {
        return distinctEvents;
    }

    long repeats() {
        return repeats;
    }

    long messages() {
        return messages;
    }

    private Message newMessage() {
        messages++;
        String provider = PROVIDERS.get(random.nextInt(PROVIDERS.size()));
        boolean fails = random.nextInt(10) == 0;
        boolean threeEvents = random.nextBoolean();
        List<String> statuses = switch (provider) {
            case "cecula" -> lifecycle(threeEvents, "PENDING", "SENT", fails ? "UNDELIV" : "DELIVRD");
            case "routee" -> lifecycle(threeEvents, "Queued", "Sent", fails ? "Undelivered" : "Delivered");
            case "zeckta" -> lifecycle(threeEvents, "SUBMITTED", "SENT", fails ? "FAILED" : "DELIVERED");
            default -> List.of("false", "true");
        };
        return new Message(provider, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                "+2348" + (100_000_000L + random.nextInt(899_999_999)), statuses);
    }

    private static List<String> lifecycle(boolean threeEvents, String accepted, String sent, String last) {
        return threeEvents ? List.of(accepted, sent, last) : List.of(sent, last);
    }

    private final class Message {
        private final String provider;
        private final String messageId;
        private final String batchId;
        private final String recipient;
        private final List<String> statuses;
        private int next;

        Message(String provider, String messageId, String batchId, String recipient, List<String> statuses) {
            this.provider = provider;
            this.messageId = messageId;
            this.batchId = batchId;
            this.recipient = recipient;
            this.statuses = statuses;
        }

        boolean done() {
            return next >= statuses.size();
        }

        Request nextEvent(long event) {
            String status = statuses.get(next++);
            if (keys != null) {
                keys.add(key(provider, messageId, status));
            }
            Instant now = Instant.now();
            String body = switch (provider) {
                case "cecula" -> """
                        {"reference":"%s","mobile":"%s","sender":"Cecula","status":"%s","broadcastTime":"%s",\
                        "pages":1,"costPerPage":"1.50","creditsDeducted":"1.50","mccmnc":"621","done":%s%s}"""
                        .formatted(messageId, recipient.substring(1), status, CECULA_TIME.format(now),
                                done() ? "true" : "false", done() ? ",\"doneDate\":\"" + CECULA_TIME.format(now) + "\"" : "");
                case "mplus" -> """
                        {"destination":"%s","delivered":%s,"batchuuid":"%s","messageuuid":"%s",\
                        "receiptInfo":{"code":"%s","description":"%s"}}"""
                        .formatted(recipient, status, batchId, messageId,
                                status.equals("true") ? "00" : "05", status.equals("true") ? "Successful" : "Handset busy");
                case "routee" -> """
                        {"messageId":"%s","smsId":"%s","part":1,"parts":1,"label":"otp","to":"%s","from":"Routee",\
                        "country":"NG","operator":"MTN","groups":[],"status":{"name":"%s","updatedDate":"%s"%s},\
                        "message":"Your code is 1234","applicationName":"default","latency":0,"price":0.0057,\
                        "direction":"Outbound","originatingService":"Sms"}"""
                        .formatted(messageId, batchId, recipient, status, now,
                                status.equals("Undelivered")
                                        ? ",\"reason\":{\"detailedStatus\":\"Unknown Number\",\"description\":\"The number does not exist\"}"
                                        : "");
                default -> """
                        {"eventId":"%s","eventType":"MESSAGE_%s","timestamp":"%s",\
                        "message":{"uuid":"%s","src":"ZECKTA","dest":"%s","status":"%s","segments":1,"units":1,\
                        "attempts":1,"cost":1}}"""
                        .formatted(UUID.randomUUID(), status, now, messageId, recipient, status);
            };
            return new Request(provider, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), event);
        }
    }
}
