package com.dlradapter.canonical;

import java.math.BigDecimal;

/** What the provider charged; the currency is null when the provider does not say. */
public record Cost(BigDecimal amount, String currency) {

    public static Cost of(BigDecimal amount, String currency) {
        return amount == null && currency == null ? null : new Cost(amount, currency);
    }
}
