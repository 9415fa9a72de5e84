package com.dlradapter.http;

import com.dlradapter.canonical.CanonicalJson;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
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
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.support.service.ServiceSupport;
import com.dlradapter.ops.ListenPorts;
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
 *   <li>a form-encoded request's exact body bytes, for its signature and its stored payload
 *   ({@link FormBytesEngine});</li>
 *   <li>a body handler without file uploads (Camel's stores multipart files, and creates its
 *   folder for every form request, under a shared {@code ${java.io.tmpdir}/camel});</li>
 *   <li>answers to malformed requests, unknown paths and failed bodies as short JSON errors, each
 *   kind logged at most once a minute and without a stack trace ({@link RareLog});</li>
 *   <li>HTTP/1.1 only: no cleartext HTTP/2 upgrade (h2c), which the providers do not use;</li>
 *   <li>it listens only once the routes have started, and a port already in use stops the start
 *   naming {@code dlr.http.port};</li>
 *   <li>once the adapter begins to stop, a new request is answered 503 with Retry-After (and its
 *   connection closed) while the requests in flight are finished; without this, requests met the
 *   routes' consumers suspended (503 with no Retry-After) or already removed (404).</li>
 * </ul>
 * One Vert.x serves this server and Camel's management server (health, metrics), which finds it in
 * the registry by type (camel-platform-http-main 4.18: {@code VertxPlatformHttpServer#lookupVertx};
 * without one it would build a second Vert.x of its own). The public requests run on a worker pool
 * of their own ({@code dlr.http.worker-threads}, threads {@code vert.x-worker-public-*}): this
 * server listens from a verticle deployed with that pool, and the requests' blocking work goes to
 * the pool of the context they arrive on. The Vert.x default worker pool, small, is left to the
 * management server, whose health checks so never wait behind a queue of webhook requests.
 */
public final class PublicHttpServer extends ServiceSupport implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(PublicHttpServer.class);
    /** The public requests' worker pool; its threads are named {@code vert.x-worker-public-<n>}. */
    static final String WORKER_POOL = "vert.x-worker-public";
    /** The default worker pool: only the management server's blocking handlers (health, metrics) run there. */
    static final int MANAGEMENT_WORKERS = 2;
    /** Seconds a client is asked to wait when the adapter is stopping (another node, or this one restarted, takes it). */
    static final int STOPPING_RETRY_AFTER = 5;

    private final String host;
    private final int port;
    private final long maxBodyBytes;
    private final Duration headerTimeout;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final int workerThreads;
    private final Vertx vertx;
    private final Router router;
    private final HttpServerOptions options;
    private final ConnectionGuard guard;
    private final RareLog rare = new RareLog(LOG, 1, TimeUnit.MINUTES);
    private volatile boolean stopping;
    private volatile HttpServer server;
    private String deployment;

    /**
     * @param workerThreads the public requests' worker threads: their number bounds the requests in
     *                      the pipeline at once (blocking JDBC runs there, never on an event loop)
     */
    public PublicHttpServer(CamelContext context, String host, int port, int workerThreads, long maxBodyBytes,
                            Duration headerTimeout, Duration requestTimeout, Duration idleTimeout) {
        this.host = host;
        this.port = port;
        this.workerThreads = workerThreads;
        this.maxBodyBytes = maxBodyBytes;
        this.headerTimeout = headerTimeout;
        this.requestTimeout = requestTimeout;
        // A request being served is silent on the wire: never let the idle timeout cut it before
        // the request timeout does.
        this.idleTimeout = requestTimeout.compareTo(idleTimeout) > 0 ? requestTimeout : idleTimeout;
        this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(MANAGEMENT_WORKERS));
        // the management server's VertxPlatformHttpServer looks a Vertx up by type, at init and at start
        context.getRegistry().bind("vertx", vertx);
        this.router = Router.router(vertx);
        this.options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, this.idleTimeout.toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        this.guard = new ConnectionGuard(options, headerTimeout, requestTimeout);

        answerRouterErrors();
        bindForPlatformHttp(context, bodyHandler(maxBodyBytes));
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            /** Called first by CamelContext.stop(), before the routes' consumers are suspended and stopped. */
            @Override
            public void onContextStopping(CamelContext camelContext) {
                stopping = true;
            }

            /** Called once every service has stopped: the management server no longer uses the Vert.x. */
            @Override
            public void onContextStopped(CamelContext camelContext) {
                closeVertx();
            }
        });
    }

    /** The router's own answers: a failed handler, a wrong path (or a route gone because the adapter stops), a wrong method. */
    private void answerRouterErrors() {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        // a route removed because the adapter is stopping is not a wrong path
        router.errorHandler(404, ctx -> {
            if (stopping) {
                refuseWhileStopping(ctx.response());
            } else {
                answer(ctx.response(), 404, "not-found", "no such path");
            }
        });
        router.errorHandler(405, this::methodNotAllowed);
    }

    /** The router and the port as platform-http looks them up, with this server's body handler. */
    private void bindForPlatformHttp(CamelContext context, Handler<RoutingContext> bodies) {
        String name = VertxPlatformHttpRouter.getRouterNameFromPort(port);
        context.getRegistry().bind(name, new VertxPlatformHttpRouter(null, vertx, router, name,
                VertxPlatformHttpRouter.SERVER_TYPE_SERVER) {
            @Override
            public Handler<RoutingContext> bodyHandler() {
                return bodies;
            }
        });
        // platform-http's engine looks up the server's port by the type of this bean (and only that:
        // bodies are read by the body handler above, whatever this configuration would say).
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(host);
        configuration.setBindPort(port);
        context.getRegistry().bind("publicHttpServerConfiguration", configuration);
        // the engine platform-http builds its consumers with: a form keeps its exact bytes (signatures)
        FormBytesEngine engine = new FormBytesEngine();
        engine.setCamelContext(context);
        context.getRegistry().bind(FormBytesEngine.REGISTRY_NAME, engine);
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
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // called before the route consumers start: too early to listen
    }

    /** Listens once the routes' consumers have started, so that no request meets an empty router. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        if (server != null) {
            return;
        }
        DeploymentOptions listener = new DeploymentOptions().setWorkerPoolName(WORKER_POOL).setWorkerPoolSize(workerThreads);
        try {
            deployment = vertx.deployVerticle(new Listener(), listener).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof BindException ? ListenPorts.inUse("dlr.http.port", host, port, cause)
                    : ListenPorts.cannotListen("dlr.http.port", host, port, cause);
        }
        LOG.info("Public HTTP server on {}:{}: request heads within {} ms, answers within {} ms, idle connections closed "
                        + "after {} ms, bodies up to {} bytes, no file uploads, HTTP/1.1, {} worker threads",
                host, server.actualPort(), headerTimeout.toMillis(), requestTimeout.toMillis(), idleTimeout.toMillis(),
                maxBodyBytes, workerThreads);
    }

    /**
     * Creates and binds the server on the verticle's context: its connections, and so the blocking
     * work of their requests, use the verticle's worker pool.
     */
    private final class Listener extends AbstractVerticle {
        @Override
        public void start(Promise<Void> started) {
            guard.start(vertx);
            vertx.createHttpServer(options)
                    .connectionHandler(guard::connected)
                    .invalidRequestHandler(PublicHttpServer.this::invalid)
                    .exceptionHandler(PublicHttpServer.this::connectionFailed)
                    .requestHandler(PublicHttpServer.this::request)
                    .listen()
                    .onSuccess(listening -> {
                        server = listening;
                        started.complete();
                    })
                    .onFailure(started::fail);
        }
    }

    private void request(HttpServerRequest request) {
        guard.requestBegins(request);
        if (stopping) {
            refuseWhileStopping(request.response());
            return;
        }
        router.handle(request);
    }

    /** 503 with Retry-After while the adapter stops; the connection is closed, so the client's retry goes elsewhere. */
    private static void refuseWhileStopping(HttpServerResponse response) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.putHeader("Retry-After", String.valueOf(STOPPING_RETRY_AFTER)).putHeader("Connection", "close");
        answer(response, 503, "unavailable", "the adapter is shutting down; nothing was stored, please retry");
    }

    /**
     * Stops listening: undeploying the verticle closes its server and worker pool. The Vert.x is
     * closed once the context has stopped (the management server stops after this service).
     */
    @Override
    protected void doStop() throws Exception {
        guard.stop(vertx);
        if (deployment != null) {
            vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            deployment = null;
            server = null;
        }
    }

    /** Closes the Vert.x; not restartable (a restart configures a new adapter). */
    private void closeVertx() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Vert.x did not close within 30 s: {}", e.toString());
        }
    }

    /** The host the server is bound to, as configured ({@code dlr.http.host}). */
    public String host() {
        return host;
    }

    /** The port the server listens on (the one chosen when {@code dlr.http.port} is 0), or -1 before it listens. */
    public int actualPort() {
        HttpServer listening = server;
        return listening == null ? -1 : listening.actualPort();
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
            answer(response, 413, "payload-too-large", "the request body is larger than " + maxBodyBytes + " bytes");
            return;
        }
        if (status == 417) {
            answer(response, 417, "expectation-failed", "only Expect: 100-continue is supported");
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
        if (!response.ended() && !response.closed()) {   // the header only on an answer still to write
            response.putHeader("Connection", "close");
        }
        answer(response, answer, answer == 400 ? "bad-request" : "internal-error",
                answer == 400 ? "malformed HTTP request" : "the request could not be processed");
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
        Throwable root = root(failure);
        if (root instanceof java.io.IOException || root instanceof io.netty.handler.codec.DecoderException
                || root instanceof IllegalArgumentException || root instanceof io.vertx.core.http.HttpClosedException) {
            LOG.debug("HTTP connection failed: {}", describe(failure));
            return;
        }
        rare.warn("HTTP connection failed", describe(failure));
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

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
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
        Throwable root = root(failure);
        return root.getClass().getSimpleName();
    }

    private static String client(HttpServerRequest request) {
        return request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
    }
}
