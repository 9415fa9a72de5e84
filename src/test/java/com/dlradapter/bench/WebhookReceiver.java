package com.dlradapter.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbound webhook target of the delivery phase: an HTTP server on 127.0.0.1 in this JVM, on
 * its own Vert.x event loop, that answers every POST 200 at once and counts the requests and the
 * distinct deliveries ({@code webhook-id} header, the same on every retry of one delivery).
 */
final class WebhookReceiver implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final Set<String> deliveries = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong withoutId = new AtomicLong();
    private final HttpServer server;

    WebhookReceiver() throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
            requests.incrementAndGet();
            String id = request.getHeader("webhook-id");
            if (id == null) {
                withoutId.incrementAndGet();
            } else {
                deliveries.add(id);
            }
            request.response().setStatusCode(200).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/deliveries";
    }

    /** Distinct deliveries received (by webhook-id). */
    long delivered() {
        return deliveries.size();
    }

    /** Requests received, repeats of one delivery and requests without a webhook-id included. */
    long requests() {
        return requests.get();
    }

    long withoutId() {
        return withoutId.get();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
