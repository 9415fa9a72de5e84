package com.dlradapter.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a client may hold a connection of the public port without doing its part:
 * <ul>
 *   <li>a request head (request line and headers) must be complete within
 *   {@code dlr.http.header-timeout} of its first byte, or of the connection's opening: this closes
 *   connections that send nothing, and clients that trickle their headers byte by byte, which
 *   keep the connection busy enough to defeat an idle timeout;</li>
 *   <li>a request must be answered within {@code dlr.http.request-timeout} of its head (a client
 *   trickling its body, or never finishing it);</li>
 *   <li>between requests, Vert.x's own idle timeout ({@code dlr.http.idle-timeout}) closes a kept-alive
 *   connection that stays silent.</li>
 * </ul>
 * Each connection gets a small watch when it opens (its state is written on its event loop only);
 * a sweep every half second reads the watches and closes the connections past their deadline, so
 * a request costs two field writes and no timer.
 * <p>
 * Vert.x internals: written against vertx-core 4.5.24 (Netty 4.1.130), the version
 * camel-platform-http-vertx 4.18 brings. It reaches into {@code io.vertx.core.net.impl.ConnectionBase}
 * (the connection's Netty channel) and replaces the pipeline handler named {@code "httpDecoder"},
 * a {@code io.vertx.core.http.impl.VertxHttpRequestDecoder}, with {@link StrictRequestDecoder}.
 * None of this is public API. After a Vert.x upgrade that moves or renames these classes, this
 * class and {@link StrictRequestDecoder} no longer compile; one that only changes the pipeline
 * (another handler name or decoder class) makes {@link #connected} log once that the strict
 * decoder is not installed, and then requests with both Content-Length and Transfer-Encoding are
 * no longer refused, and a request head trickled on a kept-alive connection (after its first
 * request) is no longer bounded by the header timeout.
 * {@code HttpProtocolTest} fails in either case.
 */
public final class ConnectionGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long SWEEP_MILLIS = 500;

    private final HttpServerOptions options;
    private final long headerNanos;
    private final long requestNanos;
    private final ConcurrentHashMap<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
    private final RareLog rare = new RareLog(LOG, 1, TimeUnit.MINUTES);
    private final String headerKind;
    private final String requestKind;
    private volatile boolean strictDecoder = true;
    private long sweeper = -1;

    public ConnectionGuard(HttpServerOptions options, Duration headerTimeout, Duration requestTimeout) {
        this.options = options;
        this.headerNanos = positiveNanos(headerTimeout);
        this.requestNanos = positiveNanos(requestTimeout);
        this.headerKind = "Closed a connection whose request head did not arrive within " + headerTimeout.toMillis() + " ms";
        this.requestKind = "Closed a connection whose request was not complete and answered within " + requestTimeout.toMillis() + " ms";
    }

    private static long positiveNanos(Duration timeout) {
        return timeout.isZero() || timeout.isNegative() ? Long.MAX_VALUE : timeout.toNanos();
    }

    void start(Vertx vertx) {
        sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    }

    void stop(Vertx vertx) {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        watches.clear();
    }

    /** The server's connection handler: a new connection, on its event loop, before it is read. */
    void connected(HttpConnection connection) {
        Watch watch = new Watch(connection);
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
            ChannelHandler decoder = pipeline.get("httpDecoder");
            if (decoder instanceof VertxHttpRequestDecoder && !(decoder instanceof StrictRequestDecoder)) {
                pipeline.replace(decoder, "httpDecoder", new StrictRequestDecoder(options, watch));
            } else {
                noStrictDecoder();
            }
        } else {
            noStrictDecoder();
        }
        watches.put(connection, watch);
        connection.closeHandler(closed -> watches.remove(connection));
    }

    private void noStrictDecoder() {
        if (strictDecoder) {
            strictDecoder = false;
            LOG.warn("Could not install the strict HTTP/1.1 request decoder: requests with both Content-Length and "
                    + "Transfer-Encoding are not refused (an unexpected Vert.x version?)");
        }
    }

    /** A request head is complete (the server's request handler, on the connection's event loop). */
    void requestBegins(HttpServerRequest request) {
        Watch watch = watches.get(request.connection());
        if (watch != null) {
            watch.request(request.response());
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch watch : watches.values()) {
            String kind = watch.overdue(now, headerNanos, requestNanos);
            if (kind != null) {
                watches.remove(watch.connection);
                rare.warn(kind == Watch.HEAD ? headerKind : requestKind, "client " + watch.client());
                watch.connection.close();
            }
        }
    }

    /**
     * One connection's state: waiting for a request head (since its first byte, or the opening),
     * or serving a request (since its head). Written on the connection's event loop, read by the
     * sweep.
     */
    static final class Watch {
        static final String HEAD = "head";
        static final String REQUEST = "request";

        final HttpConnection connection;
        private volatile HttpServerResponse response;
        private volatile long since = System.nanoTime();

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        /** Bytes arrived: if no request is in progress, they begin a new request head. */
        void bytesArrived() {
            HttpServerResponse current = response;
            if (current != null && current.ended()) {
                since = System.nanoTime();
                response = null;
            }
        }

        void request(HttpServerResponse response) {
            since = System.nanoTime();
            this.response = response;
        }

        /** HEAD or REQUEST when past its deadline, else null. */
        String overdue(long now, long headerNanos, long requestNanos) {
            HttpServerResponse current = response;
            long start = since;
            if (current == null) {
                return now - start > headerNanos ? HEAD : null;
            }
            if (current.ended()) {
                return null;   // idle between requests: Vert.x's idle timeout applies
            }
            return now - start > requestNanos ? REQUEST : null;
        }

        String client() {
            return connection.remoteAddress() == null ? "?" : connection.remoteAddress().hostAddress();
        }
    }
}
