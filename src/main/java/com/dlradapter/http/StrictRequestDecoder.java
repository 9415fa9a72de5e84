package com.dlradapter.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

import java.util.List;

/**
 * Vert.x's HTTP/1.x request decoder with two additions, installed on every connection of the
 * public port by {@link ConnectionGuard}:
 * <ul>
 *   <li>It refuses ambiguous message framing (RFC 9112 6.1): Content-Length together with
 *   Transfer-Encoding, a Transfer-Encoding other than {@code chunked}, or any Transfer-Encoding on
 *   HTTP/1.0. Netty would read such a request as chunked and keep the connection (request
 *   smuggling). The request's decoder result is marked failed, so Vert.x hands it to the invalid
 *   request handler, which answers 400 (501 for an unknown coding before {@code chunked}), and
 *   closes the connection after that answer.</li>
 *   <li>It tells the connection's watch when the bytes of a new request begin to arrive, so that
 *   a request head trickled byte by byte is bounded by {@code dlr.http.header-timeout}.</li>
 * </ul>
 * The checks run once per request head, on headers Netty has already parsed.
 * <p>
 * Vert.x internals: written against vertx-core 4.5.24 and Netty 4.1.130. It extends
 * {@code io.vertx.core.http.impl.VertxHttpRequestDecoder} (not public API; its constructor takes
 * the server's {@link HttpServerOptions}) and relies on Netty's {@code HttpObjectDecoder} calling
 * {@link #isContentAlwaysEmpty} once a message's headers are complete and before it chooses how to
 * read the body, and on Vert.x handing a request whose decoder result failed to the server's
 * invalid-request handler. If an upgrade changes the first, this class no longer compiles; if it
 * changes the order of the second or third, ambiguous framing is read as Netty reads it (chunked
 * wins) instead of being refused: {@code HttpProtocolTest} fails then.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    private final ConnectionGuard.Watch watch;

    StrictRequestDecoder(HttpServerOptions options, ConnectionGuard.Watch watch) {
        super(options);
        this.watch = watch;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (buffer.isReadable()) {
            watch.bytesArrived();
        }
        super.decode(ctx, buffer, out);
    }

    /** Called by Netty once a request's headers are complete, before it decides how to read the body. */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        if (message != null) {
            RefusedFraming refused = refused(message);
            if (refused != null) {
                message.setDecoderResult(DecoderResult.failure(refused));
            }
        }
        return super.isContentAlwaysEmpty(message);
    }

    static RefusedFraming refused(HttpMessage message) {
        HttpHeaders headers = message.headers();
        String first = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
        if (first == null) {
            return null;
        }
        if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return new RefusedFraming(400, "a request must not carry both Content-Length and Transfer-Encoding");
        }
        if (message.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            return new RefusedFraming(400, "Transfer-Encoding is not defined for HTTP/1.0");
        }
        // The codings in order, over every Transfer-Encoding line: chunked must come last and once.
        int codings = 0;
        String last = null;
        boolean chunkedBeforeLast = false;
        for (String line : headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
            for (String coding : line.split(",")) {
                String name = coding.trim();
                if (name.isEmpty()) {
                    continue;
                }
                chunkedBeforeLast |= "chunked".equalsIgnoreCase(last);
                last = name;
                codings++;
            }
        }
        if (!"chunked".equalsIgnoreCase(last) || chunkedBeforeLast) {
            return new RefusedFraming(400, "the transfer coding must be chunked, once and last");
        }
        if (codings > 1) {
            return new RefusedFraming(501, "only the chunked transfer coding is supported");
        }
        return null;
    }

    /** A request whose body length cannot be determined safely; answered, then its connection closed. */
    static final class RefusedFraming extends RuntimeException {
        private final int status;

        RefusedFraming(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
