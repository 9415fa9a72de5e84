package com.dlradapter.canonical;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a receipt reached the adapter. */
public enum ReceiptSource {
    WEBHOOK, POLL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }
}
