package com.dlradapter.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address. */
public final class Cidr {

    private static final java.util.regex.Pattern V4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern V6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]+");

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    public static Cidr parse(String text) {
        String value = text.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR network");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
            }
        }
        return new Cidr(bytes, prefix, value);
    }

    public static List<Cidr> parseAll(List<String> texts) {
        return texts.stream().map(Cidr::parse).toList();
    }

    public boolean contains(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        if (bytes.length != network.length) {
            // an IPv4 client seen as an IPv4-mapped IPv6 address (::ffff:a.b.c.d)
            if (bytes.length == 16 && network.length == 4 && isV4Mapped(bytes)) {
                byte[] v4 = new byte[4];
                System.arraycopy(bytes, 12, v4, 0, 4);
                bytes = v4;
            } else {
                return false;
            }
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    public static boolean anyContains(List<Cidr> networks, String address) {
        for (Cidr network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether 16 address bytes are an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}). */
    static boolean isV4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xFF && v6[11] == (byte) 0xFF;
    }

    /** The bytes of an IP literal, or null; never a DNS lookup. */
    static byte[] literal(String address) {
        if (address == null) {
            return null;
        }
        String value = address.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        int zone = value.indexOf('%');
        if (zone >= 0) {
            value = value.substring(0, zone);
        }
        boolean v4 = V4.matcher(value).matches();
        boolean v6 = value.indexOf(':') >= 0 && V6.matcher(value).matches();
        if (!v4 && !v6) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(value).getAddress();
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
