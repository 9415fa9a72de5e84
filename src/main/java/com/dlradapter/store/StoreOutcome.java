package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalJson;
import com.dlradapter.canonical.DeliveryReceipt;

/**
 * What storing a receipt did.
 *
 * @param receipt        the receipt as stored (its {@code final} reflects the whole message)
 * @param duplicate      true when the idempotency key was already stored: nothing was written
 * @param statusChanged  true when the message's current status moved because of this receipt
 * @param firstEvent     true when this was the first event applied to its message (the message is
 *                       new, or was only registered so far)
 * @param turnedFinal    true when this receipt made its message final
 * @param canonical      the receipt's canonical JSON as stored (null for a duplicate)
 */
public record StoreOutcome(DeliveryReceipt receipt, boolean duplicate, boolean statusChanged, boolean firstEvent,
                           boolean turnedFinal, String canonical) {

    /** A receipt whose key was already stored. */
    public static StoreOutcome duplicate(DeliveryReceipt receipt) {
        return new StoreOutcome(receipt, true, false, false, false, null);
    }

    /** A stored receipt; its canonical JSON is written once here and reused by every commit hook. */
    static StoreOutcome stored(DeliveryReceipt receipt, boolean statusChanged, boolean firstEvent, boolean turnedFinal) {
        return new StoreOutcome(receipt, false, statusChanged, firstEvent, turnedFinal, CanonicalJson.write(receipt));
    }

    /** A stored receipt and what {@link StatusPrecedence#apply} made of it. */
    static StoreOutcome stored(DeliveryReceipt receipt, StatusPrecedence.Transition transition) {
        return stored(receipt, transition.changed(), transition.firstEvent(), transition.turnedFinal());
    }
}
