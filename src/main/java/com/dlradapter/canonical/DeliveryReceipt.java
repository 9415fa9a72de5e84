package com.dlradapter.canonical;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Canonical delivery-receipt message v1: one provider event, in the one shape every downstream
 * system receives. Field names and meanings are a public contract (see
 * {@code schema/canonical-receipt-v1.schema.json}); add fields, never rename them.
 *
 * @param id         stable id, a name-based UUID of {@link #idempotencyKey()}
 * @param clientRef  the sender's own reference for the message (what it sent the provider with the
 *                   SMS, e.g. an order number), else null; at most 255 characters
 * @param final_     true when the message as a whole has reached its final status
 * @param part       which SMS part this event reports (multipart messages), else null
 * @param parts      how many parts the message has, else null
 */
@JsonPropertyOrder({"id", "provider", "messageId", "batchId", "clientRef", "eventId", "status", "final",
        "providerStatus", "reason", "recipient", "sender", "segments", "part", "parts", "cost", "network",
        "occurredAt", "receivedAt", "source"})
public record DeliveryReceipt(
        String id,
        String provider,
        String messageId,
        String batchId,
        String clientRef,
        String eventId,
        CanonicalStatus status,
        @JsonProperty("final") boolean final_,
        String providerStatus,
        Reason reason,
        String recipient,
        String sender,
        Integer segments,
        Integer part,
        Integer parts,
        Cost cost,
        Network network,
        Instant occurredAt,
        Instant receivedAt,
        ReceiptSource source,
        @JsonIgnore String idempotencyKey) {

    /** A receipt whose idempotency key follows the default rule (see {@link #idempotencyKey(String, String, String, String, Integer)}). */
    public DeliveryReceipt(String id, String provider, String messageId, String batchId, String clientRef,
                           String eventId, CanonicalStatus status, boolean final_, String providerStatus, Reason reason, String recipient,
                           String sender, Integer segments, Integer part, Integer parts, Cost cost, Network network,
                           Instant occurredAt, Instant receivedAt, ReceiptSource source) {
        this(id, provider, messageId, batchId, clientRef, eventId, status, final_, providerStatus, reason, recipient, sender,
                segments, part, parts, cost, network, occurredAt, receivedAt, source,
                idempotencyKey(provider, eventId, messageId, providerStatus, part));
    }

    /**
     * The default de-duplication key: the provider's event id where it gives one, otherwise message
     * id, provider status and part. It never depends on the channel (webhook or poll).
     */
    public static String idempotencyKey(String provider, String eventId, String messageId,
                                        String providerStatus, Integer part) {
        if (eventId != null) {
            return provider + "|event|" + eventId;
        }
        return statusKey(provider, messageId, providerStatus, part);
    }

    /**
     * The key by message, provider status and part: for a provider whose event ids exist on one
     * channel only (webhooks) while the same status also arrives by polling.
     */
    public static String statusKey(String provider, String messageId, String providerStatus, Integer part) {
        return provider + "|message|" + messageId + "|" + providerStatus + (part == null ? "" : "|part|" + part);
    }

    public static String idFor(String idempotencyKey) {
        return UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Whether this message has more than one SMS part whose receipts arrive separately. */
    @JsonIgnore
    public boolean isMultipart() {
        return isMultipart(part, parts);
    }

    /** The multipart rule, for a receipt still being built: a part of a message of more than one part. */
    public static boolean isMultipart(Integer part, Integer parts) {
        return parts != null && parts > 1 && part != null;
    }

    public DeliveryReceipt withFinal(boolean messageFinal) {
        return new DeliveryReceipt(id, provider, messageId, batchId, clientRef, eventId, status, messageFinal, providerStatus,
                reason, recipient, sender, segments, part, parts, cost, network, occurredAt, receivedAt, source,
                idempotencyKey);
    }
}
