package com.dlradapter.support;

import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A legacy system receiving the adapter's outbound webhooks on 127.0.0.1 (JDK HttpServer). It
 * verifies every request's Standard Webhooks signature with its own implementation of the spec
 * (not the adapter's signer), answers with a settable status, and can go down and come back on
 * the same port.
 */
public final class WebhookReceiver implements AutoCloseable {

    public record Received(String path, String id, String timestamp, String signature, String contentType, String body,
                           boolean signatureValid) {
    }

    private final int port;
    private final byte[] key;
    private final AtomicInteger answer = new AtomicInteger(200);
    private final AtomicInteger delayMillis = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private HttpServer server;

    /** @param secret the {@code whsec_...} secret this receiver knows */
    public WebhookReceiver(int port, String secret) {
        this.port = port;
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    public static WebhookReceiver started(String secret) {
        WebhookReceiver receiver = new WebhookReceiver(RunningAdapter.freePort(), secret);
        receiver.start();
        return receiver;
    }

    public synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var headers = exchange.getRequestHeaders();
            String id = headers.getFirst("webhook-id");
            String timestamp = headers.getFirst("webhook-timestamp");
            String signature = headers.getFirst("webhook-signature");
            boolean valid = verify(id, timestamp, body, signature);
            received.add(new Received(exchange.getRequestURI().getPath(), id, timestamp, signature,
                    headers.getFirst("Content-Type"), body, valid));
            int delay = delayMillis.get();
            if (delay > 0) {
                try {
                    Thread.sleep(delay);   // a slow legacy system
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = valid ? answer.get() : 401;
            if (status >= 200 && status < 300) {
                accepted.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** The spec's check: any of the space-separated v1 signatures equals base64 HMAC-SHA256(id.timestamp.body). */
    boolean verify(String id, String timestamp, String body, String header) {
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String candidate : header.split(" ")) {
                if (candidate.startsWith("v1,") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Answers each request only after this long. */
    public void delay(Duration delay) {
        delayMillis.set((int) delay.toMillis());
    }

    public void answer(int status) {
        answer.set(status);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** How many times each webhook-id was answered 2xx. */
    public Map<String, Integer> acceptedCounts() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        accepted.forEach((id, count) -> counts.put(id, count.get()));
        return counts;
    }

    @Override
    public void close() {
        stop();
    }
}
