package com.dlradapter.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import java.util.List;

/**
 * platform-http's Vert.x engine, with one addition: a form-encoded request keeps the exact bytes
 * it was sent with. camel-platform-http-vertx 4.18 hands a form body to the route only as the map
 * of its parsed fields (its body handler decodes the form, and the raw body stays in the Vert.x
 * routing context, out of the route's reach), so a signature over the bytes the sender signed
 * could not be checked, nor those bytes stored. The bytes are put in the exchange property
 * {@link #FORM_BYTES} (a {@code byte[]}); other content types reach the route as their body already.
 */
public final class FormBytesEngine extends VertxPlatformHttpEngine {

    /** Exchange property: the exact body of a form-encoded request ({@code byte[]}); absent for other requests. */
    public static final String FORM_BYTES = "dlrFormBytes";
    /** The name platform-http looks its engine up by in the registry. */
    static final String REGISTRY_NAME = "platform-http-engine";
    private static final String FORM = "application/x-www-form-urlencoded";

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        List<Handler<RoutingContext>> handlers = getHandlers();
        return new VertxPlatformHttpConsumer(endpoint, processor, handlers,
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort())) {
            @Override
            protected Future<Void> populateCamelMessage(RoutingContext ctx, Exchange exchange, Message message) {
                keepFormBytes(ctx, exchange);
                return super.populateCamelMessage(ctx, exchange, message);
            }
        };
    }

    /** One header comparison per request; a copy of the body only for a form. */
    static void keepFormBytes(RoutingContext ctx, Exchange exchange) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.regionMatches(true, 0, FORM, 0, FORM.length())) {
            return;
        }
        RequestBody body = ctx.body();
        if (body != null && body.buffer() != null) {
            exchange.setProperty(FORM_BYTES, body.buffer().getBytes());
        } else {
            exchange.setProperty(FORM_BYTES, new byte[0]);
        }
    }
}
