package com.dlradapter.routing;

import com.sun.net.httpserver.HttpServer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An outbound target's timeout bounds its whole attempt, answer included (HttpClient's own
 * timeouts are per phase, and a receiver answering a byte at a time never trips them), while
 * connections are still kept alive between attempts.
 */
class TargetTimeoutsTest {

    HttpServer server;
    ExecutorService handlers;
    final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    DefaultCamelContext camel;
    ScheduledExecutorService deadlines;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.start();
        deadlines = TargetTimeouts.deadlines(camel, this);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/quick", exchange -> {
            exchange.getRequestBody().readAllBytes();
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] body = "ok".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/large", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 1000; i++) {
                    out.write(new byte[1024]);
                }
            } catch (java.io.IOException e) {
                // the client read what it wanted and closed the connection
            }
            exchange.close();
        });
        server.createContext("/trickle", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                    out.write('.');
                    out.flush();
                    Thread.sleep(100);   // a byte every 100 ms: never idle for the 500 ms timeout
                }
            } catch (java.io.IOException | InterruptedException e) {
                // the client gave up
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
        camel.stop();
    }

    CloseableHttpClient client(Duration timeout) {
        HttpClientBuilder builder = HttpClientBuilder.create();
        TargetTimeouts.attemptBound(timeout, deadlines).configureHttpClient(builder);
        return builder.build();
    }

    String post(CloseableHttpClient client, String path) throws Exception {
        HttpPost post = new HttpPost("http://127.0.0.1:" + server.getAddress().getPort() + path);
        // as camel-http does: the answer read by a response handler
        return client.execute(post, response -> EntityUtils.toString(response.getEntity()));
    }

    @Test
    void aTricklingAnswerIsGivenUpAtTheTimeout() throws Exception {
        try (CloseableHttpClient client = client(Duration.ofMillis(500))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> post(client, "/trickle")).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("5 s of trickle").isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void answersAreReadWithinTheBoundAndConnectionsStayAlive() throws Exception {
        try (CloseableHttpClient client = client(Duration.ofSeconds(5))) {
            for (int i = 0; i < 5; i++) {
                assertThat(post(client, "/quick")).isEqualTo("ok");
            }
            assertThat(clientPorts).as("one keep-alive connection for five attempts").hasSize(1);
            assertThat(post(client, "/large")).as("a long answer is cut").hasSize(TargetTimeouts.MAX_ANSWER);
            assertThat(post(client, "/quick")).isEqualTo("ok");
        }
    }

    /** The deadlines' thread is Camel's (ExecutorServiceManager): named for it, and stopped with the context. */
    @Test
    void theDeadlinesThreadIsCamelsAndStopsWithTheContext() throws Exception {
        String thread = deadlines.submit(() -> Thread.currentThread().getName()).get();
        assertThat(thread).startsWith("Camel (" + camel.getName() + ")").endsWith("dlr-attempt-deadlines");
        camel.stop();
        assertThat(deadlines.isShutdown()).isTrue();
    }
}
