package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.Cost;
import com.dlradapter.canonical.DeliveryReceipt;
import com.dlradapter.canonical.Network;
import com.dlradapter.canonical.Reason;
import com.dlradapter.canonical.ReceiptSource;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns a provider payload into canonical receipts by following the provider's mapping file. It is
 * generic: everything it knows about a provider comes from {@code mappings/}.
 */
public class MappingEngine {

    /** How many refused items the reason of an all-refused batch names, each with its index and why. */
    private static final int REFUSED_ITEMS_NAMED = 5;

    /** Longest id or status value kept: they are indexed columns, not free text. */
    static final int MAX_ID_LENGTH = 255;

    /** Deepest nesting of objects and arrays a payload may have; deeper is answered 400. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Longest JSON string value (characters); longer is answered 400. */
    public static final int MAX_STRING_LENGTH = 16_384;
    /** Longest JSON number (digits); longer is answered 400. */
    public static final int MAX_NUMBER_LENGTH = 64;

    /** Default of dlr.max-receipts-per-request: the most receipts one webhook request may carry. */
    public static final int MAX_RECEIPTS_PER_REQUEST = 1_000;

    private final Supplier<Map<String, ProviderMapping>> mappings;
    private final int maxReceiptsPerRequest;

    public MappingEngine(Supplier<Map<String, ProviderMapping>> mappings) {
        this(mappings, MAX_RECEIPTS_PER_REQUEST);
    }

    /** {@code maxReceiptsPerRequest}: a webhook payload with more items is refused (413) before any is mapped. */
    public MappingEngine(Supplier<Map<String, ProviderMapping>> mappings, int maxReceiptsPerRequest) {
        this.mappings = mappings;
        this.maxReceiptsPerRequest = maxReceiptsPerRequest;
    }

    public boolean knows(String provider) {
        return mappings.get().containsKey(provider);
    }

    public ProviderMapping mapping(String provider) {
        ProviderMapping mapping = mappings.get().get(provider);
        if (mapping == null) {
            throw new UnknownProviderException(provider);
        }
        return mapping;
    }

    /**
     * Maps one request body to its receipts (usually one; an array-shaped payload gives one each).
     *
     * @throws MalformedPayloadException   the body is not JSON
     * @throws UnmappablePayloadException  the body is JSON the mapping cannot turn into receipts
     */
    public List<DeliveryReceipt> map(String provider, String body, ReceiptSource source, Instant receivedAt) {
        return map(provider, body, null, source, receivedAt);
    }

    /**
     * Maps one request body of the given content type (JSON, form-encoded or XML; null: JSON, or XML
     * when the body starts with '&lt;').
     *
     * @throws UnsupportedPayloadFormatException the mapping has no shape for the body's format
     * @throws TooManyReceiptsException          a webhook payload with more receipts than allowed
     */
    public List<DeliveryReceipt> map(String provider, String body, String contentType, ReceiptSource source,
                                     Instant receivedAt) {
        return mapPayload(provider, body, contentType, source, receivedAt, false).receipts();
    }

    /**
     * The receipts of a payload with the raw text each is stored with: the whole body for a
     * single-receipt payload; for a multi-receipt one, each item's own text, exactly as written
     * for JSON (else the item as JSON). Without {@code eachItemAlone}, any item the mapping
     * refuses refuses the whole payload; with
     * {@code eachItemAlone}, the items of a multi-receipt payload the mapping refuses are set
     * apart ({@link MappedPayload#rejected()}, each with its index and reason) and the others are
     * mapped: one bad item no longer costs the batch. A payload whose every item is refused is
     * refused as a whole, as before.
     */
    public MappedPayload mapPayload(String provider, String body, String contentType, ReceiptSource source,
                                    Instant receivedAt, boolean eachItemAlone) {
        ProviderMapping mapping = mapping(provider);
        PayloadFormat format = PayloadFormat.detect(contentType, body);
        if (!mapping.reads(format)) {
            throw new UnsupportedPayloadFormatException(provider, format);
        }
        JsonNode root = format.parse(body);
        if (!root.isContainerNode()) {
            throw new UnmappablePayloadException("payload is a JSON " + root.getNodeType().name().toLowerCase()
                    + ", not an object or array");
        }
        PayloadShape shape = shapeOf(mapping, format, root);
        String where = mapping.file() + ", shape '" + shape.name() + "'";
        if (shape.items() == null) {
            return new MappedPayload(List.of(receipt(mapping, shape, root, source, receivedAt, where)), List.of(body));
        }
        Object items = shape.items().read(root);
        if (!(items instanceof JsonNode array) || !array.isArray() || array.isEmpty()) {
            throw new UnmappablePayloadException(where + ": no receipts at '" + shape.items().expression() + "'");
        }
        if (source == ReceiptSource.WEBHOOK && array.size() > maxReceiptsPerRequest) {
            throw new TooManyReceiptsException(array.size(), maxReceiptsPerRequest);
        }
        List<DeliveryReceipt> receipts = new ArrayList<>(array.size());
        List<Integer> rejectedAt = null;
        List<String> reasons = null;
        UnmappablePayloadException firstRefusal = null;
        int index = 0;
        for (JsonNode item : array) {
            try {
                receipts.add(receipt(mapping, shape, item, source, receivedAt, where + ", item " + index));
            } catch (UnmappablePayloadException e) {
                if (!eachItemAlone) {
                    throw e;
                }
                if (rejectedAt == null) {
                    rejectedAt = new ArrayList<>();
                    reasons = new ArrayList<>();
                    firstRefusal = e;
                }
                rejectedAt.add(index);
                reasons.add("item " + index + " of " + array.size() + ": " + e.getMessage());
            }
            index++;
        }
        if (receipts.isEmpty()) {
            // nothing to store: the payload is the dead letter, as a whole (as before items stood alone),
            // its reason naming each item and why (the first few: one replay after the fix takes them all)
            if (array.size() == 1) {
                throw firstRefusal;
            }
            int shown = Math.min(reasons.size(), REFUSED_ITEMS_NAMED);
            throw new UnmappablePayloadException("all " + array.size() + " items were refused: "
                    + String.join("; ", reasons.subList(0, shown))
                    + (reasons.size() > shown ? "; and " + (reasons.size() - shown) + " more" : ""));
        }
        List<String> texts = format == PayloadFormat.JSON ? shape.items().elementTexts(body) : null;
        boolean exact = texts != null && texts.size() == array.size();
        if (!exact) {
            texts = new ArrayList<>(array.size());
            for (JsonNode item : array) {
                texts.add(item.toString());
            }
        }
        if (rejectedAt == null) {
            return new MappedPayload(receipts, texts);
        }
        List<String> raw = new ArrayList<>(receipts.size());
        List<RejectedItem> rejected = new ArrayList<>(rejectedAt.size());
        int next = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (next < rejectedAt.size() && rejectedAt.get(next) == i) {
                // kept as the payload with only this item, so that its replay maps it as it came;
                // where that text cannot be made (not JSON), the whole payload
                String alone = exact ? shape.items().withOnlyElement(body, texts.get(i)) : null;
                rejected.add(new RejectedItem(i, reasons.get(next), alone != null ? alone : body));
                next++;
            } else {
                raw.add(texts.get(i));
            }
        }
        return new MappedPayload(receipts, raw, rejected);
    }

    /** A payload's receipts and, for each, the raw text it is stored with; and the items refused. */
    public record MappedPayload(List<DeliveryReceipt> receipts, List<String> raw, List<RejectedItem> rejected) {

        public MappedPayload(List<DeliveryReceipt> receipts, List<String> raw) {
            this(receipts, raw, List.of());
        }
    }

    /**
     * One item of a multi-receipt payload the mapping refused: its index (from 0), the reason
     * naming it and the field, and the payload to keep for it (the payload with only this item).
     */
    public record RejectedItem(int index, String reason, String payload) {
    }

    /** The first shape of the payload's format whose {@code match} path holds a value. */
    private static PayloadShape shapeOf(ProviderMapping mapping, PayloadFormat format, JsonNode root) {
        for (PayloadShape shape : mapping.shapes()) {
            if (shape.reads(format) && (shape.match() == null || present(shape.match().read(root)))) {
                return shape;
            }
        }
        throw new UnmappablePayloadException(mapping.file() + ": payload matches none of the " + format.wireName()
                + " shapes " + mapping.shapes().stream().filter(s -> s.reads(format)).map(PayloadShape::name).toList());
    }

    private static boolean present(Object value) {
        return value != null && !(value instanceof JsonNode node && (node.isNull() || node.isMissingNode()));
    }

    private DeliveryReceipt receipt(ProviderMapping mapping, PayloadShape shape, JsonNode document,
                                    ReceiptSource source, Instant receivedAt, String where) {
        Fields fields = new Fields(shape, document, where);
        String messageId = fields.required(CanonicalField.MESSAGE_ID);
        String providerStatus = fields.required(CanonicalField.PROVIDER_STATUS);
        StatusRule rule = mapping.statuses().get(providerStatus);
        if (rule == null) {
            throw new UnmappablePayloadException(mapping.file() + ", field 'providerStatus': provider status '"
                    + providerStatus + "' is not in the statuses table " + mapping.statuses().keySet());
        }
        // conditional fields (`when: {status: ...}`) are read knowing the statuses table's status
        fields = fields.knowing(rule.status());
        Reason reason = reason(fields, rule, providerStatus);
        CanonicalStatus status = status(mapping, rule, reason);
        Integer part = fields.positiveInteger(CanonicalField.PART);
        Integer parts = fields.positiveInteger(CanonicalField.PARTS);
        if (part != null && parts != null && part > parts) {
            throw new UnmappablePayloadException(where + ": part " + part + " of " + parts + " is out of range");
        }
        String eventId = fields.id(CanonicalField.EVENT_ID);
        String recipient = fields.recipient();
        Instant occurredAt = fields.occurredAt(mapping);
        // A part's final status does not make a multipart message final: the store decides that.
        boolean multipart = DeliveryReceipt.isMultipart(part, parts);
        String key = mapping.deduplicateByStatus()
                ? DeliveryReceipt.statusKey(mapping.provider(), messageId, providerStatus, part)
                : DeliveryReceipt.idempotencyKey(mapping.provider(), eventId, messageId, providerStatus, part);
        return new DeliveryReceipt(
                DeliveryReceipt.idFor(key),
                mapping.provider(),
                messageId,
                fields.id(CanonicalField.BATCH_ID),
                fields.id(CanonicalField.CLIENT_REF),   // text like an id: trimmed, at most 255 (client_ref)
                eventId,
                status,
                status.isFinal() && !multipart,
                providerStatus,
                reason,
                recipient,
                fields.text(CanonicalField.SENDER),
                fields.positiveInteger(CanonicalField.SEGMENTS),
                part,
                parts,
                Cost.of(fields.decimal(CanonicalField.COST_AMOUNT), fields.text(CanonicalField.COST_CURRENCY)),
                Network.of(fields.text(CanonicalField.NETWORK_MCCMNC), fields.text(CanonicalField.NETWORK_OPERATOR),
                        fields.text(CanonicalField.NETWORK_COUNTRY)),
                occurredAt,
                receivedAt,
                source,
                key);
    }

    /** The payload's reason, else the status table's reason for the provider status. */
    private static Reason reason(Fields fields, StatusRule rule, String providerStatus) {
        Reason reason = Reason.of(fields.text(CanonicalField.REASON_CODE), fields.text(CanonicalField.REASON_DESCRIPTION));
        if (reason == null && rule.reason() != null) {
            reason = new Reason(providerStatus, rule.reason());
        }
        return reason;
    }

    /** The status table's status, refined by the reason code for a failure (reasonStatuses). */
    private static CanonicalStatus status(ProviderMapping mapping, StatusRule rule, Reason reason) {
        CanonicalStatus status = rule.status();
        if (status.isFailure() && reason != null && reason.code() != null
                && mapping.reasonStatuses().containsKey(reason.code())) {
            status = mapping.reasonStatuses().get(reason.code());
        }
        return status;
    }

    /**
     * Reads and converts the fields of one receipt, naming the field in every error. {@code status}
     * is the canonical status from the statuses table, null until it is known (messageId and
     * providerStatus, which cannot be conditional, are read before).
     */
    private record Fields(PayloadShape shape, JsonNode document, String where, CanonicalStatus status) {

        Fields(PayloadShape shape, JsonNode document, String where) {
            this(shape, document, where, null);
        }

        Fields knowing(CanonicalStatus known) {
            return new Fields(shape, document, where, known);
        }

        Object value(CanonicalField field) {
            FieldSource source = shape.fields().get(field);
            Object value;
            try {
                value = source == null ? null : source.read(document, status);
            } catch (UnmappablePayloadException e) {
                throw new UnmappablePayloadException(where + ", field '" + field.key() + "': " + e.getMessage());
            }
            // PostgreSQL text cannot hold U+0000 (H2 can): refuse it on every database alike, so the
            // payload is kept as a dead letter instead of failing the store (503) on every retry.
            // The reason names the field, never the value: it must not carry the NUL itself.
            if (containsNul(value)) {
                throw new UnmappablePayloadException(where + ", field '" + field.key()
                        + "': the value contains a NUL character (U+0000), which cannot be stored");
            }
            return value;
        }

        private static boolean containsNul(Object value) {
            if (value instanceof String text) {
                return text.indexOf('\u0000') >= 0;
            }
            if (value instanceof List<?> list) {
                return list.stream().anyMatch(Fields::containsNul);
            }
            if (value instanceof Map<?, ?> map) {
                return map.keySet().stream().anyMatch(Fields::containsNul) || map.values().stream().anyMatch(Fields::containsNul);
            }
            return false;
        }

        String text(CanonicalField field) {
            Object value = value(field);
            if (value == null) {
                return null;
            }
            if (value instanceof List<?> || value instanceof Map<?, ?>) {
                throw new UnmappablePayloadException(where + ", field '" + field.key()
                        + "': expected a single value, found " + (value instanceof List<?> ? "an array" : "an object"));
            }
            if (value instanceof BigDecimal decimal) {
                // 1e999999999 is valid JSON: its plain form would be a billion digits
                if (decimal.precision() > 40 || Math.abs((long) decimal.scale()) > 40) {
                    throw new UnmappablePayloadException(where + ", field '" + field.key() + "': number out of range");
                }
                return decimal.toPlainString();
            }
            return value.toString().trim();
        }

        /** An id the receipt cannot do without (messageId, providerStatus). */
        String required(CanonicalField field) {
            String id = id(field);
            if (id == null) {
                throw new UnmappablePayloadException(where + ", field '" + field.key() + "': no value at "
                        + shape.fields().get(field));
            }
            return id;
        }

        String recipient() {
            try {
                return PhoneNumbers.toE164(text(CanonicalField.RECIPIENT));
            } catch (UnmappablePayloadException e) {
                throw new UnmappablePayloadException(where + ", field 'recipient': " + e.getMessage());
            }
        }

        Instant occurredAt(ProviderMapping mapping) {
            try {
                return mapping.timestamps().parse(value(CanonicalField.OCCURRED_AT));
            } catch (UnmappablePayloadException e) {
                throw new UnmappablePayloadException(where + ", field 'occurredAt': " + e.getMessage());
            }
        }

        String id(CanonicalField field) {
            String text = text(field);
            if (text != null && text.length() > MAX_ID_LENGTH) {
                throw new UnmappablePayloadException(where + ", field '" + field.key() + "': longer than "
                        + MAX_ID_LENGTH + " characters");
            }
            return text;
        }

        Integer positiveInteger(CanonicalField field) {
            BigDecimal number = decimal(field);
            if (number == null) {
                return null;
            }
            try {
                int value = number.intValueExact();
                if (value < 0) {
                    throw new ArithmeticException("negative");
                }
                return value;
            } catch (ArithmeticException e) {
                throw new UnmappablePayloadException(where + ", field '" + field.key() + "': '" + number.toPlainString()
                        + "' is not a whole number from 0 to " + Integer.MAX_VALUE);
            }
        }

        BigDecimal decimal(CanonicalField field) {
            Object value = value(field);
            BigDecimal number;
            if (value == null) {
                return null;
            } else if (value instanceof BigDecimal decimal) {
                number = decimal;
            } else if (value instanceof BigInteger integer) {
                number = new BigDecimal(integer);
            } else if (value instanceof Number n) {
                number = new BigDecimal(n.toString());
            } else {
                String text = text(field);
                try {
                    number = new BigDecimal(text);
                } catch (NumberFormatException e) {
                    throw new UnmappablePayloadException(where + ", field '" + field.key() + "': '" + abbreviate(text)
                            + "' is not a number");
                }
            }
            // Refuse absurd magnitudes before anything formats them (1e999999999 is valid JSON).
            if (number.precision() > 40 || Math.abs((long) number.scale()) > 40) {
                throw new UnmappablePayloadException(where + ", field '" + field.key() + "': number out of range");
            }
            return number;
        }

        private static String abbreviate(String text) {
            return text.length() > 64 ? text.substring(0, 64) + "..." : text;
        }
    }
}
