package com.dlradapter.http;

import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A log line per kind of event at most once a window (the adapter uses a minute), never with a
 * stack trace: what a client can cause at will (malformed HTTP, closed connections) must not be
 * able to flood the log.
 * The next line of a kind says how many were not logged since the last one. Kinds are a small,
 * fixed set chosen by the caller, never text from the request.
 */
public final class RareLog {

    private final Logger log;
    private final long windowNanos;
    private final String often;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public RareLog(Logger log, long window, TimeUnit unit) {
        this.log = log;
        this.windowNanos = unit.toNanos(window);
        this.often = often(windowNanos);
    }

    /** "once a minute", "once every 10 s", ...: the window in words, for the log line. */
    static String often(long windowNanos) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(windowNanos);
        if (seconds >= 60 && seconds % 60 == 0) {
            long minutes = seconds / 60;
            return minutes == 1 ? "once a minute" : "once every " + minutes + " minutes";
        }
        if (seconds >= 1 && TimeUnit.SECONDS.toNanos(seconds) == windowNanos) {
            return seconds == 1 ? "once a second" : "once every " + seconds + " s";
        }
        return "once every " + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms";
    }

    /**
     * Logs {@code detail} (already free of secrets) as a WARN line for {@code kind}, unless one was
     * logged within the window; counts it otherwise.
     */
    public void warn(String kind, String detail) {
        Window window = windows.computeIfAbsent(kind, k -> new Window());
        long suppressed = window.admit(System.nanoTime(), windowNanos);
        if (suppressed < 0) {
            return;
        }
        log.warn("{}: {} (logged at most {}{})", kind, printable(detail), often,
                suppressed > 0 ? "; " + suppressed + " more since the last line" : "");
    }

    /** Request text made safe for a log line: no control characters (no forged lines), at most 200 characters. */
    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        int length = Math.min(text.length(), 200);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (text.length() > length) {
            out.append("...");
        }
        return out.toString();
    }

    private static final class Window {
        private long start = Long.MIN_VALUE;
        private long skipped;

        /** The number skipped since the last line when this one may be logged, else -1 (and counts it). */
        synchronized long admit(long now, long windowNanos) {
            if (start != Long.MIN_VALUE && now - start < windowNanos) {
                skipped++;
                return -1;
            }
            start = now;
            long count = skipped;
            skipped = 0;
            return count;
        }
    }
}
