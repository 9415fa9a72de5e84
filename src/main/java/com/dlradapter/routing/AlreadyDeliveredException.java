package com.dlradapter.routing;

/**
 * A hand retry of a delivery that was already delivered: nothing to do. The admin API answers it
 * 409 Conflict; routing itself knows nothing of HTTP answers.
 */
public class AlreadyDeliveredException extends RuntimeException {

    public AlreadyDeliveredException(String id) {
        super("delivery " + id + " was already delivered", null, false, false);
    }
}
