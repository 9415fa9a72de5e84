package com.dlradapter.routing;

/** One sink the routing route chose for an event: sink is webhook, jdbc or email. */
public record RouteDecision(String sink, String target) {

    public static final String WEBHOOK = "webhook";
    public static final String JDBC = "jdbc";
    public static final String EMAIL = "email";
}
