package com.dlradapter.routing;

/** One place deliveries go: an outbound webhook target ({@code webhook}) or a JDBC sink ({@code jdbc}), by name. */
public record SinkTarget(String sink, String name) {

    @Override
    public String toString() {
        return sink + " " + name;
    }
}
