package com.dlradapter.security;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @Test
    void matchesIpv4AndIpv6Networks() {
        assertThat(Cidr.parse("10.0.0.0/8").contains("10.200.3.4")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
        assertThat(Cidr.parse("192.168.1.128/25").contains("192.168.1.200")).isTrue();
        assertThat(Cidr.parse("192.168.1.128/25").contains("192.168.1.100")).isFalse();
        assertThat(Cidr.parse("203.0.113.7").contains("203.0.113.7")).isTrue();
        assertThat(Cidr.parse("203.0.113.7").contains("203.0.113.8")).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains("2001:db8:1::5")).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains("2001:db9::5")).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains("::ffff:10.1.1.1")).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains("2001:db8::1")).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains("not-an-address")).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(null)).isFalse();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> Cidr.parse("example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forwardedForCountsOnlyBehindTrustedProxies() {
        ClientAddress none = new ClientAddress(List.of());
        assertThat(none.resolve("198.51.100.9", "10.0.0.1")).isEqualTo("198.51.100.9");
        ClientAddress proxies = new ClientAddress(Cidr.parseAll(List.of("10.0.0.0/8")));
        assertThat(proxies.resolve("10.0.0.2", "203.0.113.5, 10.0.0.3")).isEqualTo("203.0.113.5");
        assertThat(proxies.resolve("10.0.0.2", "6.6.6.6, 203.0.113.5")).as("right-most untrusted hop").isEqualTo("203.0.113.5");
        assertThat(proxies.resolve("198.51.100.9", "203.0.113.5")).as("peer is no proxy").isEqualTo("198.51.100.9");
        assertThat(proxies.resolve("10.0.0.2", "garbage")).isEqualTo("10.0.0.2");
        assertThat(proxies.resolve("[2001:db8::1]:443", null)).isEqualTo("2001:db8::1");
    }

    @Test
    void rateLimiterRefillsOverTime() {
        RateLimiter limiter = new RateLimiter(1000, 2);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("b")).isZero();
        assertThat(new RateLimiter(0.5, 1).acquire("x")).isZero();
        RateLimiter slow = new RateLimiter(0.5, 1);
        slow.acquire("x");
        assertThat(slow.acquire("x")).isEqualTo(2);
        assertThat(new RateLimiter(0, 1).acquire("x")).isZero();
    }
}
