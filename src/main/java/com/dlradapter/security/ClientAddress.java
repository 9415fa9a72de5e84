package com.dlradapter.security;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.List;

/**
 * The address a request comes from. By default the TCP peer, and X-Forwarded-For is ignored (any
 * client can write it). Behind a load balancer, list the balancer's networks in
 * {@code dlr.http.trusted-proxies}: when the peer is one of them, the client is the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy.
 */
public final class ClientAddress {

    private final List<Cidr> trustedProxies;

    public ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** Whether X-Forwarded-For is read at all (only when trusted proxies are configured). */
    public boolean readsForwardedFor() {
        return !trustedProxies.isEmpty();
    }

    /**
     * The key a client is rate-limited under: its address, or for IPv6 its /64 network, since one
     * host commonly holds a whole /64 and could otherwise change address at every request.
     */
    public static String limitKey(String client) {
        if (client == null || client.indexOf(':') < 0) {
            return client;
        }
        byte[] bytes = Cidr.literal(client);
        if (bytes == null || bytes.length != 16) {
            return client;
        }
        if (Cidr.isV4Mapped(bytes)) {
            return (bytes[12] & 0xFF) + "." + (bytes[13] & 0xFF) + "." + (bytes[14] & 0xFF) + "." + (bytes[15] & 0xFF);
        }
        StringBuilder key = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            key.append(Integer.toHexString(((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF))).append(':');
        }
        return key.append(":/64").toString();
    }

    /** The client of a request as platform-http received it (the webhooks' and the API's). */
    public String resolve(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        String forwardedFor = null;
        if (readsForwardedFor()) {
            List<String> values = request.headers().getAll("X-Forwarded-For");
            forwardedFor = values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(",", values);
        }
        return resolve(peer == null ? null : peer.hostAddress(), forwardedFor);
    }

    public String resolve(String peer, String forwardedFor) {
        String address = host(peer);
        if (trustedProxies.isEmpty() || address == null || forwardedFor == null
                || !Cidr.anyContains(trustedProxies, address)) {
            return address;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (Cidr.literal(hop) == null) {
                return address;   // garbage in the header: trust only what we saw ourselves
            }
            if (!Cidr.anyContains(trustedProxies, hop)) {
                return hop;
            }
            address = hop;
        }
        return address;
    }

    /** The host of "host:port", "[v6]:port" or a bare address. */
    static String host(String peer) {
        if (peer == null || peer.isBlank()) {
            return null;
        }
        String value = peer.trim();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(1, end);
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && value.indexOf(':', colon + 1) < 0) {
            return value.substring(0, colon);   // IPv4 with a port
        }
        return value;
    }
}
