package com.dlradapter.mapping;

import java.util.Arrays;
import java.util.Optional;

/** The canonical fields a mapping file can fill from a provider payload, by their names in the file. */
public enum CanonicalField {
    EVENT_ID("eventId"),
    MESSAGE_ID("messageId"),
    BATCH_ID("batchId"),
    CLIENT_REF("clientRef"),
    PROVIDER_STATUS("providerStatus"),
    REASON_CODE("reason.code"),
    REASON_DESCRIPTION("reason.description"),
    RECIPIENT("recipient"),
    SENDER("sender"),
    SEGMENTS("segments"),
    PART("part"),
    PARTS("parts"),
    COST_AMOUNT("cost.amount"),
    COST_CURRENCY("cost.currency"),
    NETWORK_MCCMNC("network.mccmnc"),
    NETWORK_OPERATOR("network.operator"),
    NETWORK_COUNTRY("network.country"),
    OCCURRED_AT("occurredAt");

    private final String key;

    CanonicalField(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<CanonicalField> byKey(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst();
    }

    public static String knownKeys() {
        return String.join(", ", Arrays.stream(values()).map(CanonicalField::key).toList());
    }
}
