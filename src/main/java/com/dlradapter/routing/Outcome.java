package com.dlradapter.routing;

import com.dlradapter.security.Secrets;

/**
 * What became of one claimed delivery in a round, recorded with the round's others in one
 * transaction ({@link Deliveries#record}).
 *
 * @param code  the target's HTTP answer, when there was one
 * @param error why it failed, for {@code last_error} (shown by /api/deliveries) and the log: the
 *              password of any URL in it is masked (an exception's or a receiver's text may name one)
 */
public record Outcome(Delivery delivery, Result result, Integer code, String error) {

    public enum Result {
        /** The target took it (2xx, or the JDBC sink committed the row). */
        DELIVERED,
        /** An attempt failed: retried after the backoff, or failed for good once past its give-up time. */
        RETRY,
        /** Fails at once, no further attempts: the target answered 410, is disabled or no longer configured. */
        FAIL,
        /** Not attempted (no time left within the lease): the claim is given back for the next round. */
        RELEASE
    }

    public static Outcome delivered(Delivery delivery, Integer code) {
        return new Outcome(delivery, Result.DELIVERED, code, null);
    }

    public static Outcome attemptFailed(Delivery delivery, Integer code, String error) {
        return new Outcome(delivery, Result.RETRY, code, Secrets.maskUserInfo(error));
    }

    /** {@code code} is the target's answer (410), or null when the delivery was not sent at all. */
    public static Outcome failNow(Delivery delivery, Integer code, String error) {
        return new Outcome(delivery, Result.FAIL, code, Secrets.maskUserInfo(error));
    }

    public static Outcome release(Delivery delivery) {
        return new Outcome(delivery, Result.RELEASE, null, null);
    }

    /** An attempt was made and it did not deliver. */
    boolean failedAttempt() {
        return result == Result.RETRY || (result == Result.FAIL && code != null);
    }
}
