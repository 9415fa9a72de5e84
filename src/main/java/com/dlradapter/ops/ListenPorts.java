package com.dlradapter.ops;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The ports the adapter listens on must be its own. Vert.x only logs a port it cannot bind
 * ("Address already in use") and Camel starts anyway: a second adapter on the same host would run
 * without its webhooks, or without health and metrics. So each port is bound once, and released,
 * before anything starts; a port already taken stops the start with the setting to change.
 */
public final class ListenPorts {

    private ListenPorts() {
    }

    /** Binds {@code host:port} once and releases it; a port taken stops the start, naming {@code setting}. */
    public static void requireFree(String setting, String host, int port) {
        if (port == 0) {
            return;   // any free port
        }
        try (ServerSocket socket = new ServerSocket()) {
            // as Vert.x binds: a port whose last connections are still closing (TIME_WAIT) is free
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw inUse(setting, host, port, e);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw cannotListen(setting, host, port, e);
        }
    }

    /**
     * The failure for a port taken by someone else: here before the start, or by a server that
     * finds it taken between this check and its own bind.
     */
    public static IllegalStateException inUse(String setting, String host, int port, Throwable cause) {
        return new IllegalStateException(setting + ": port " + port + " on " + host + " is already in use (another "
                + "adapter or program listens there); stop it or set " + setting + " to a free port", cause);
    }

    /** The failure for an address that cannot be listened on for another reason (no such interface, not permitted). */
    public static IllegalStateException cannotListen(String setting, String host, int port, Throwable cause) {
        return new IllegalStateException(setting + ": cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
}
