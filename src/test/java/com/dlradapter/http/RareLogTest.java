package com.dlradapter.http;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A kind of event is logged at most once a window, and the line names the window it was given. */
class RareLogTest {

    /** A logger that keeps its WARN lines, formatted as SLF4J formats them. */
    private static Logger capturing(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn") && args.length == 2 && args[1] instanceof Object[] values) {
                        lines.add(MessageFormatter.arrayFormat((String) args[0], values).getMessage());
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }

    @Test
    void theLineSaysTheWindowItWasGiven() {
        List<String> lines = new ArrayList<>();
        RareLog tenSeconds = new RareLog(capturing(lines), 10, TimeUnit.SECONDS);
        tenSeconds.warn("Refused a malformed HTTP request", "DecoderException from 127.0.0.1");
        tenSeconds.warn("Refused a malformed HTTP request", "DecoderException from 127.0.0.1");
        new RareLog(capturing(lines), 1, TimeUnit.MINUTES).warn("Closed a connection", "client 127.0.0.1");
        assertThat(lines).containsExactly(
                "Refused a malformed HTTP request: DecoderException from 127.0.0.1 (logged at most once every 10 s)",
                "Closed a connection: client 127.0.0.1 (logged at most once a minute)");
    }

    @Test
    void windowsInWords() {
        assertThat(RareLog.often(TimeUnit.MINUTES.toNanos(1))).isEqualTo("once a minute");
        assertThat(RareLog.often(TimeUnit.MINUTES.toNanos(5))).isEqualTo("once every 5 minutes");
        assertThat(RareLog.often(TimeUnit.SECONDS.toNanos(1))).isEqualTo("once a second");
        assertThat(RareLog.often(TimeUnit.SECONDS.toNanos(90))).isEqualTo("once every 90 s");
        assertThat(RareLog.often(TimeUnit.MILLISECONDS.toNanos(1500))).isEqualTo("once every 1500 ms");
    }
}
