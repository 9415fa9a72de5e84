package com.dlradapter.security;

import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Closes the connection of a request on the public port that is not answered within
 * {@code dlr.http.request-timeout} (a client that trickles its body, or never finishes it), so
 * slow clients cannot hold connections and memory for ever. Installed as the first handler of
 * platform-http's Vert.x router once Camel has started.
 */
public final class SlowClientGuard implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);

    private final Duration timeout;
    private final int port;

    public SlowClientGuard(Duration timeout, int port) {
        this.timeout = timeout;
        this.port = port;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // wait until fully started: the HTTP server exists by then
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (timeout.isZero() || timeout.isNegative()) {
            return;
        }
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        if (router == null) {
            LOG.warn("No platform-http router found: dlr.http.request-timeout is not applied");
            return;
        }
        Vertx vertx = router.vertx();
        long millis = timeout.toMillis();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            long timer = vertx.setTimer(millis, id -> {
                if (!ctx.response().ended() && !ctx.response().closed()) {
                    // not the path: it may carry a provider's token (/webhooks/acme/<token>)
                    LOG.info("Closing a {} request not completed within {} ms", ctx.request().method(), millis);
                    ctx.request().connection().close();
                }
            });
            ctx.addEndHandler(done -> vertx.cancelTimer(timer));
            ctx.next();
        });
        LOG.info("Requests on the public port must complete within {} ms", millis);
    }
}
