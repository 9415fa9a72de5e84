package com.dlradapter.http;

import com.dlradapter.canonical.CanonicalJson;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The public port (webhooks and the admin API): a Vert.x HTTP server of the adapter's own, in
 * place of camel-main's embedded one ({@code camel.server.*}), because camel-platform-http-vertx
 * 4.18 creates its server with default {@link HttpServerOptions} and offers no hook for them. The
 * platform-http routes find this server's router in the registry under the name Camel gives the
 * router of a port, so the YAML routes are unchanged. What it adds:
 * <ul>
 *   <li>{@link ConnectionGuard}: header, request and idle timeouts, and strict message framing
 *   (Content-Length with Transfer-Encoding, unknown transfer codings: 400 and the connection closed);</li>
 *   <li>a body handler without file uploads (Camel's stores multipart files, and creates its
 *   folder for every form request, under a shared {@code ${java.io.tmpdir}/camel});</li>
 *   <li>answers to malformed requests, unknown paths and failed bodies as short JSON errors, each
 *   kind logged at most once a minute and without a stack trace ({@link RareLog});</li>
 *   <li>HTTP/1.1 only: no cleartext HTTP/2 upgrade (h2c), which the providers do not use;</li>
 *   <li>it listens only once the routes have started, and a port already in use stops the start
 *   naming {@code dlr.http.port}.</li>
 * </ul>
 */
public final class PublicHttpServer extends ServiceSupport implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(PublicHttpServer.class);

    private final String host;
    private final int port;
    private final long maxBodyBytes;
    private final Duration headerTimeout;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final Vertx vertx;
    private final Router router;
    private final HttpServerOptions options;
    private final ConnectionGuard guard;
    private final RareLog rare = new RareLog(LOG, 1, TimeUnit.MINUTES);
    private HttpServer server;

    public PublicHttpServer(CamelContext context, VertxOptions vertxOptions, String host, int port, long maxBodyBytes,
                            Duration headerTimeout, Duration requestTimeout, Duration idleTimeout) {
        this.host = host;
        this.port = port;
        this.maxBodyBytes = maxBodyBytes;
        this.headerTimeout = headerTimeout;
        this.requestTimeout = requestTimeout;
        // A request being served is silent on the wire: never let the idle timeout cut it before
        // the request timeout does.
        this.idleTimeout = requestTimeout.compareTo(idleTimeout) > 0 ? requestTimeout : idleTimeout;
        this.vertx = Vertx.vertx(vertxOptions);
        this.router = Router.router(vertx);
        this.options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, this.idleTimeout.toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        this.guard = new ConnectionGuard(options, headerTimeout, requestTimeout);

        Handler<RoutingContext> bodies = bodyHandler(maxBodyBytes);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        router.errorHandler(404, ctx -> answer(ctx.response(), 404, "not-found", "no such path"));
        router.errorHandler(405, this::methodNotAllowed);
        String name = VertxPlatformHttpRouter.getRouterNameFromPort(port);
        context.getRegistry().bind(name, new VertxPlatformHttpRouter(null, vertx, router, name,
                VertxPlatformHttpRouter.SERVER_TYPE_SERVER) {
            @Override
            public Handler<RoutingContext> bodyHandler() {
                return bodies;
            }
        });
        // platform-http's engine looks up the server's port by the type of this bean.
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(host);
        configuration.setBindPort(port);
        configuration.setMaxBodySize(maxBodyBytes);
        configuration.getBodyHandler().setHandleFileUploads(false);
        context.getRegistry().bind("publicHttpServerConfiguration", configuration);
    }

    /** Vert.x's body handler with file uploads off: a multipart file part is read and dropped, never stored. */
    static Handler<RoutingContext> bodyHandler(long maxBodyBytes) {
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setMergeFormAttributes(false);
        return ctx -> {
            ctx.request().resume();
            bodies.handle(ctx);
        };
    }

    @Override
    protected void doStart() {
        guard.start(vertx);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // called before the route consumers start: too early to listen
    }

    /** Listens once the routes' consumers have started, so that no request meets an empty router. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        if (server != null) {
            return;
        }
        HttpServer created = vertx.createHttpServer(options)
                .connectionHandler(guard::connected)
                .invalidRequestHandler(this::invalid)
                .exceptionHandler(this::connectionFailed)
                .requestHandler(request -> {
                    guard.requestBegins(request);
                    router.handle(request);
                });
        try {
            server = created.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BindException) {
                throw new IllegalStateException("dlr.http.port " + port + " (dlr.http.host " + host
                        + "): cannot listen, the address is already in use or not available: " + cause.getMessage(), cause);
            }
            throw new IllegalStateException("dlr.http.port " + port + ": cannot listen: " + cause.getMessage(), cause);
        }
        LOG.info("Public HTTP server on {}:{}: request heads within {} ms, answers within {} ms, idle connections closed "
                        + "after {} ms, bodies up to {} bytes, no file uploads, HTTP/1.1",
                host, server.actualPort(), headerTimeout.toMillis(), requestTimeout.toMillis(), idleTimeout.toMillis(), maxBodyBytes);
    }

    /** Stops listening and closes its Vert.x; not restartable (a restart configures a new adapter). */
    @Override
    protected void doStop() throws Exception {
        guard.stop(vertx);
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            server = null;
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public Vertx vertx() {
        return vertx;
    }

    /** A request Vert.x could not decode, or whose framing {@link StrictRequestDecoder} refused: answered, then closed. */
    private void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String kind;
        if (cause instanceof StrictRequestDecoder.RefusedFraming refused) {
            status = refused.status();
            kind = status == 501 ? "Refused a request with an unsupported transfer coding"
                    : "Refused a request with ambiguous framing";
        } else if (cause instanceof TooLongHttpLineException) {
            status = 414;
            kind = "Refused a request whose request line is too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            kind = "Refused a request whose headers are too large";
        } else {
            status = 400;
            kind = "Refused a malformed HTTP request";
        }
        rare.warn(kind, describe(cause) + " from " + client(request));
        HttpServerResponse response = request.response();
        response.putHeader("Connection", "close");
        answer(response, status, status == 501 ? "not-implemented" : "bad-request", message(status, cause));
    }

    private static String message(int status, Throwable cause) {
        if (cause instanceof StrictRequestDecoder.RefusedFraming) {
            return cause.getMessage();
        }
        return switch (status) {
            case 414 -> "the request line is too long";
            case 431 -> "the request headers are too large";
            default -> "malformed HTTP request";
        };
    }

    /**
     * A request whose handling failed in Vert.x before or after the route (a body over the limit, a
     * malformed chunk, a connection closed mid-body): answered if it still can be, logged rarely.
     */
    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode();
        Throwable failure = ctx.failure();
        HttpServerResponse response = ctx.response();
        if (status == 413) {
            answerIfOpen(response, 413, "payload-too-large", "the request body is larger than " + maxBodyBytes + " bytes");
            return;
        }
        if (status == 417) {
            answerIfOpen(response, 417, "expectation-failed", "only Expect: 100-continue is supported");
            return;
        }
        if (failure instanceof io.vertx.core.http.HttpClosedException || response.closed()) {
            // the client went away (or a malformed body closed the connection, logged as such): nothing to answer
            LOG.debug("A connection closed before its request was answered: {}", describe(failure));
            return;
        }
        String kind;
        int answer;
        if (failure instanceof io.netty.handler.codec.DecoderException || failure instanceof NumberFormatException
                || failure instanceof IllegalArgumentException || status == 400) {
            kind = "Refused a request with a malformed body";
            answer = 400;
        } else {
            kind = "A request failed in the HTTP layer";
            answer = status >= 400 && status < 600 ? status : 500;
        }
        rare.warn(kind, describe(failure) + " from " + client(ctx.request()));
        if (!response.ended() && !response.closed()) {
            response.putHeader("Connection", "close");
            answer(response, answer, answer == 400 ? "bad-request" : "internal-error",
                    answer == 400 ? "malformed HTTP request" : "the request could not be processed");
        }
    }

    /**
     * 405 with the methods the path takes in {@code Allow}: Vert.x's own answer leaves the header
     * out for HEAD, and had it empty when routes were mounted on a sub-router.
     */
    private void methodNotAllowed(RoutingContext ctx) {
        java.util.Set<String> methods = new java.util.TreeSet<>();
        String path = ctx.normalizedPath();
        for (io.vertx.ext.web.Route route : router.getRoutes()) {
            java.util.Set<io.vertx.core.http.HttpMethod> taken = route.methods();
            if (route.getPath() != null && taken != null && !taken.isEmpty() && matches(route.getPath(), path)) {
                taken.forEach(method -> methods.add(method.name()));
            }
        }
        if (methods.isEmpty()) {
            answer(ctx.response(), 404, "not-found", "no such path");
            return;
        }
        String allow = String.join(", ", methods);
        ctx.response().putHeader("Allow", allow);
        answer(ctx.response(), 405, "method-not-allowed", "this path takes " + allow);
    }

    /** Whether a Vert.x route path ("/webhooks/:provider/:token", "/api/x*") matches {@code path}. */
    static boolean matches(String template, String path) {
        if (path == null) {
            return false;
        }
        String[] want = template.split("/", -1);
        String[] have = path.split("/", -1);
        if (want.length != have.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean parameter = want[i].startsWith(":") && !have[i].isEmpty();
            if (!parameter && !want[i].equals(have[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * A connection-level failure. What the request's own handling reports (a malformed body) or
     * what clients do all the time (a reset connection) is not logged again above DEBUG.
     */
    private void connectionFailed(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.io.IOException || root instanceof io.netty.handler.codec.DecoderException
                || root instanceof IllegalArgumentException || root instanceof io.vertx.core.http.HttpClosedException) {
            LOG.debug("HTTP connection failed: {}", describe(failure));
            return;
        }
        rare.warn("HTTP connection failed", describe(failure));
    }

    private static void answerIfOpen(HttpServerResponse response, int status, String error, String message) {
        if (!response.ended() && !response.closed()) {
            answer(response, status, error, message);
        }
    }

    static void answer(HttpServerResponse response, int status, String error, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(CanonicalJson.write(body));
    }

    /**
     * What went wrong, for a log line: the exception's type, and its text only where it is ours;
     * a decoder's text may quote the request line, and with it a path token.
     */
    private static String describe(Throwable failure) {
        if (failure == null) {
            return "no detail";
        }
        if (failure instanceof StrictRequestDecoder.RefusedFraming) {
            return failure.getMessage();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static String client(HttpServerRequest request) {
        return request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
    }
}
