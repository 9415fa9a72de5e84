package com.dlradapter.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client would send (ambiguous framing,
 * malformed chunks, trickled heads): writes the bytes as given and reads what the server answers
 * until it closes the connection or stays silent.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** What came back: the bytes read, and whether the server closed the connection. */
    public record Answer(String text, boolean closed, long millis) {

        public int status() {
            if (!text.startsWith("HTTP/1.")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        public Optional<String> header(String name) {
            String lower = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : head().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(lower)) {
                    return Optional.of(line.substring(lower.length()).trim());
                }
            }
            return Optional.empty();
        }

        public String head() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? text : text.substring(0, end);
        }

        public String body() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? "" : text.substring(end + 4);
        }
    }

    /**
     * Sends {@code request} and reads until the server closes the connection or {@code silenceMillis}
     * pass without a byte.
     */
    public static Answer exchange(int port, String request, long silenceMillis) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), silenceMillis);
    }

    public static Answer exchange(int port, byte[] request, long silenceMillis) {
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) silenceMillis);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean closed = false;
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    read.write(buffer, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                // silent and still open
            } catch (IOException e) {
                closed = true;   // reset by the server
            }
            return new Answer(read.toString(StandardCharsets.ISO_8859_1), closed, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON POST with the given extra header lines (each ending in CRLF) and the body as written. */
    public static String post(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + headers + "\r\n" + body;
    }

    /** {@code body} as one chunk and the last chunk. */
    public static String chunked(String body) {
        return Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + body + "\r\n0\r\n\r\n";
    }
}
