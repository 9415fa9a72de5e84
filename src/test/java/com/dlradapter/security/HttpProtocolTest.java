package com.dlradapter.security;

import com.dlradapter.support.RawHttp;
import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The public port at the protocol level, over raw sockets: message framing a smuggling proxy
 * could read differently (Content-Length with Transfer-Encoding, unknown transfer codings) is
 * refused and its connection closed; 405 answers name the allowed methods; connections that send
 * nothing, trickle their request head or sit idle are closed.
 */
class HttpProtocolTest {

    @TempDir
    static Path data;
    static RunningAdapter adapter;
    static int port;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        // The header timeout keeps its default (10 s); kept-alive connections are closed after 3 s
        // of silence (the idle timeout is never shorter than the request timeout).
        settings.put("dlr.http.idle-timeout", "3s");
        settings.put("dlr.http.request-timeout", "3s");
        adapter = RunningAdapter.start(settings);
        port = Integer.parseInt(settings.get("dlr.http.port"));
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    static String receipt(String id) {
        return """
                {"eventId": "%s", "eventType": "MESSAGE_SENT", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "SENT"}}""".formatted(id, id);
    }

    static final String ZECKTA = "/webhooks/zeckta?token=test-zeckta-token";

    void assertNotStored(String messageId) {
        assertThat(adapter.get("/api/messages/zeckta/" + messageId).statusCode()).as(messageId + " was not stored").isEqualTo(404);
    }

    @Test
    void aChunkedRequestIsServed() {
        String body = receipt("proto-chunked");
        RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.post(ZECKTA, "Transfer-Encoding: chunked\r\n",
                RawHttp.chunked(body)), 5000);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(adapter.get("/api/messages/zeckta/proto-chunked").statusCode()).isEqualTo(200);
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed() {
        String body = receipt("proto-clte");
        // A front proxy reading Content-Length would see 5 bytes and a second, smuggled request.
        RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.post(ZECKTA,
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", RawHttp.chunked(body)), 10_000);
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).contains("\"error\":\"bad-request\"").contains("Content-Length and Transfer-Encoding");
        assertThat(answer.closed()).as("the connection is closed after the answer").isTrue();
        assertThat(answer.millis()).isLessThan(8000);
        assertNotStored("proto-clte");

        // and in the other order, with HTTP/1.0, or with an identity body
        RawHttp.Answer reversed = RawHttp.exchange(port, RawHttp.post(ZECKTA,
                "Transfer-Encoding: chunked\r\nContent-Length: " + body.length() + "\r\n", RawHttp.chunked(body)), 10_000);
        assertThat(reversed.status()).isEqualTo(400);
        assertThat(reversed.closed()).isTrue();
        RawHttp.Answer http10 = RawHttp.exchange(port, RawHttp.post(ZECKTA, "Transfer-Encoding: chunked\r\n", RawHttp.chunked(body))
                .replace("HTTP/1.1", "HTTP/1.0"), 10_000);
        assertThat(http10.status()).isEqualTo(400);
        assertThat(http10.closed()).isTrue();
        assertNotStored("proto-clte");
    }

    @Test
    void unknownTransferCodingsAreRefusedAndTheConnectionClosed() {
        String body = receipt("proto-te");
        for (String coding : List.of("xchunked", "chunked, identity", "chunked, chunked", "identity", " ")) {
            RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.post(ZECKTA, "Transfer-Encoding: " + coding + "\r\n",
                    RawHttp.chunked(body)), 10_000);
            assertThat(answer.status()).as(coding + ": " + answer.text()).isEqualTo(400);
            assertThat(answer.closed()).as(coding).isTrue();
        }
        RawHttp.Answer withLength = RawHttp.exchange(port, RawHttp.post(ZECKTA,
                "Transfer-Encoding: xchunked\r\nContent-Length: " + body.length() + "\r\n", body), 10_000);
        assertThat(withLength.status()).as(withLength.text()).isEqualTo(400);
        assertThat(withLength.closed()).isTrue();
        RawHttp.Answer gzip = RawHttp.exchange(port, RawHttp.post(ZECKTA, "Transfer-Encoding: gzip, chunked\r\n",
                RawHttp.chunked(body)), 10_000);
        assertThat(gzip.status()).as(gzip.text()).isEqualTo(501);
        assertThat(gzip.body()).contains("not-implemented");
        assertThat(gzip.closed()).isTrue();
        assertNotStored("proto-te");
    }

    @Test
    void aMalformedChunkSizeClosesTheConnectionAndStoresNothing() {
        RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.post(ZECKTA, "Transfer-Encoding: chunked\r\n",
                "ZZZ\r\n" + receipt("proto-badchunk") + "\r\n0\r\n\r\n"), 10_000);
        assertThat(answer.closed()).isTrue();
        assertThat(answer.status()).as(answer.text()).isIn(-1, 400);
        assertNotStored("proto-badchunk");
    }

    @Test
    void methodNotAllowedNamesTheAllowedMethods() {
        record Case(String method, String path, Set<String> allowed) {
        }
        for (Case c : List.of(
                new Case("GET", "/webhooks/zeckta/test-zeckta-token", Set.of("POST")),
                new Case("GET", "/webhooks/zeckta?token=test-zeckta-token", Set.of("POST")),
                new Case("PUT", "/webhooks/zeckta/test-zeckta-token", Set.of("POST")),
                new Case("DELETE", "/webhooks/acme/test-acme-token", Set.of("GET", "POST")),
                new Case("PUT", "/webhooks/acme?token=test-acme-token", Set.of("GET", "POST")),
                new Case("DELETE", "/api/dead-letters", Set.of("GET")),
                new Case("PUT", "/api/messages/zeckta/x", Set.of("GET")),
                new Case("GET", "/api/deliveries/1/retry", Set.of("POST")),
                new Case("HEAD", "/webhooks/zeckta", Set.of("POST")),
                new Case("HEAD", "/webhooks/zeckta/test-zeckta-token", Set.of("POST")),
                // POST registers a message, GET searches them (the console's search API)
                new Case("HEAD", "/api/messages", Set.of("GET", "POST")),
                new Case("HEAD", "/api/deliveries/1/retry", Set.of("POST")))) {
            RawHttp.Answer answer = RawHttp.exchange(port, c.method() + " " + c.path()
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 10_000);
            String what = c.method() + " " + c.path() + ": " + answer.text();
            assertThat(answer.status()).as(what).isEqualTo(405);
            assertThat(answer.header("Allow")).as(what).isPresent();
            Set<String> allowed = new HashSet<>();
            for (String method : answer.header("Allow").orElseThrow().split(",")) {
                allowed.add(method.trim());
            }
            assertThat(allowed).as(what).isEqualTo(c.allowed());
        }
    }

    @Test
    void silentTricklingAndIdleConnectionsAreClosed() throws Exception {
        // 300 connections that send nothing, 300 that trickle a request head a byte at a time
        // (each byte keeps the connection busy), 20 kept alive after a request and then silent.
        List<SocketChannel> silent = new ArrayList<>();
        List<SocketChannel> trickling = new ArrayList<>();
        List<SocketChannel> idle = new ArrayList<>();
        byte[] head = ("POST " + ZECKTA + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Padding: " + "a".repeat(2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < 300; i++) {
                silent.add(open(selector));
                trickling.add(open(selector));
            }
            for (int i = 0; i < 20; i++) {
                SocketChannel channel = open(selector);
                String body = receipt("proto-idle-" + i);
                write(channel, RawHttp.post(ZECKTA, "Content-Length: " + body.length() + "\r\n", body).getBytes(StandardCharsets.UTF_8));
                idle.add(channel);
            }
            Set<SocketChannel> closed = new HashSet<>();
            Map<SocketChannel, StringBuilder> answers = new LinkedHashMap<>();
            long start = System.nanoTime();
            int sent = 0;
            // Trickle one byte per connection every 250 ms, well within any idle timeout, until
            // every connection is closed by the server or 40 s pass.
            while (closed.size() < 620 && System.nanoTime() - start < Duration.ofSeconds(40).toNanos()) {
                for (SocketChannel channel : trickling) {
                    if (!closed.contains(channel) && sent < head.length) {
                        try {
                            write(channel, new byte[]{head[sent]});
                        } catch (IOException e) {
                            closed.add(channel);
                        }
                    }
                }
                sent++;
                selector.select(250);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    ByteBuffer buffer = ByteBuffer.allocate(4096);
                    int n;
                    try {
                        n = channel.read(buffer);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        closed.add(channel);
                        key.cancel();
                    } else {
                        answers.computeIfAbsent(channel, c -> new StringBuilder())
                                .append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
                    }
                }
                selector.selectedKeys().clear();
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(sent).as("the trickling never finished its head").isLessThan(head.length);
            assertThat(silent.stream().filter(closed::contains).count()).as("silent connections closed").isEqualTo(300);
            assertThat(trickling.stream().filter(closed::contains).count()).as("trickling connections closed").isEqualTo(300);
            assertThat(idle.stream().filter(closed::contains).count()).as("idle kept-alive connections closed").isEqualTo(20);
            for (SocketChannel channel : idle) {
                assertThat(answers.get(channel).toString()).as("answered before it was closed").startsWith("HTTP/1.1 200");
            }
            assertThat(seconds).as("closed by the 10 s header timeout and the 3 s idle timeout").isLessThan(30);
        } finally {
            for (List<SocketChannel> channels : List.of(silent, trickling, idle)) {
                for (SocketChannel channel : channels) {
                    channel.close();
                }
            }
        }
        // and the server still serves
        assertThat(adapter.post(ZECKTA, receipt("proto-after")).statusCode()).isEqualTo(200);
    }

    static SocketChannel open(Selector selector) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        return channel;
    }

    static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Test
    void aPortInUseStopsTheStartNamingTheSetting(@TempDir Path other) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(other));
            settings.put("dlr.http.port", String.valueOf(taken.getLocalPort()));
            settings.put("dlr.http.host", "127.0.0.1");
            assertThatThrownBy(() -> RunningAdapter.start(settings).close())
                    .hasStackTraceContaining("dlr.http.port: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }
}
