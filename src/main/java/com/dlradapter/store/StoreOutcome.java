package com.dlradapter.store;

import com.dlradapter.canonical.DeliveryReceipt;

/**
 * What storing a receipt did.
 *
 * @param receipt        the receipt as stored (its {@code final} reflects the whole message)
 * @param duplicate      true when the idempotency key was already stored: nothing was written
 * @param statusChanged  true when the message's current status moved because of this receipt
 */
public record StoreOutcome(DeliveryReceipt receipt, boolean duplicate, boolean statusChanged) {
}
