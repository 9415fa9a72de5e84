package com.dlradapter.support;

/** Provider payloads for tests, in the shapes of the providers' documents. */
public final class Payloads {

    private Payloads() {
    }

    /** A Zeckta callback as in its documentation's example. */
    public static String zeckta(String eventId, String eventType, String status, String messageId) {
        return """
                {"eventId": "%s", "eventType": "%s", "timestamp": "2026-06-09T13:04:57.487133482Z",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "%s",
                             "segments": 1, "units": 1, "attempts": 1, "cost": 1}}
                """.formatted(eventId, eventType, messageId, status);
    }
}
