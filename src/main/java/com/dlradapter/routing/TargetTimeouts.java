package com.dlradapter.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gives one outbound target's (or one provider's status API) HTTP client its own connect and
 * response timeout ({@code dlr.outbound.<name>.timeout}, {@code dlr.providers.<id>.timeout}), and
 * no retries of its own: HttpClient would otherwise repeat a 429 or 503 after its Retry-After,
 * however long, holding a worker thread meanwhile; the delivery schedule and the polling pause
 * decide when to try again.
 *
 * <p>An outbound target's timeout is also a hard bound of the whole attempt ({@link #attemptBound}):
 * HttpClient's timeouts are per phase, and its response timeout is one of inactivity, so a receiver
 * that answers a byte at a time could hold an attempt past its delivery's lease, and another node
 * would send the delivery again meanwhile. The attempt is cancelled when its time is up, and the
 * answer is read (at most {@link #MAX_ANSWER} bytes) within that time.
 */
public class TargetTimeouts implements HttpClientConfigurer {

    /** The part of a target's answer an attempt reads; it is only ever shown as an error's text. */
    static final int MAX_ANSWER = 64 * 1024;

    private final Duration timeout;
    /** Where the deadlines of bounded attempts wait; null: per-phase timeouts only. */
    private final ScheduledExecutorService deadlines;

    /** Per-phase timeouts only (a provider's status API, whose answers may be large). */
    public TargetTimeouts(Duration timeout) {
        this(timeout, null);
    }

    private TargetTimeouts(Duration timeout, ScheduledExecutorService deadlines) {
        this.timeout = timeout;
        this.deadlines = deadlines;
    }

    /**
     * An outbound target's configurer: its timeout bounds the whole attempt.
     *
     * @param deadlines where the attempts' deadlines wait ({@link #deadlines(CamelContext, Object)})
     */
    public static TargetTimeouts attemptBound(Duration timeout, ScheduledExecutorService deadlines) {
        return new TargetTimeouts(timeout, deadlines);
    }

    /**
     * The one thread that cancels attempts whose time is up ({@code dlr-attempt-deadlines}), from
     * Camel's ExecutorServiceManager, so it stops with the context. Its queue is unbounded: a
     * deadline waits there for each attempt in flight (cancelled ones are removed), and a
     * deadline refused for want of room would run at once and cancel its attempt.
     */
    public static ScheduledExecutorService deadlines(CamelContext context, Object owner) {
        return context.getExecutorServiceManager().newScheduledThreadPool(owner, "dlr-attempt-deadlines",
                new ThreadPoolProfileBuilder("dlr-attempt-deadlines").poolSize(1).maxPoolSize(1).maxQueueSize(-1).build());
    }

    @Override
    @SuppressWarnings("deprecation")
    public void configureHttpClient(HttpClientBuilder builder) {
        Timeout value = Timeout.ofMilliseconds(timeout.toMillis());
        builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectTimeout(value)
                .setConnectionRequestTimeout(value)
                .setResponseTimeout(value)
                .setRedirectsEnabled(false)
                .build());
        builder.disableAutomaticRetries();
        if (deadlines != null) {
            builder.addExecInterceptorFirst("dlr-attempt-deadline", this::withinDeadline);
        }
    }

    /**
     * The whole exchange, the answer read into memory included, or the request cancelled (its
     * connection closed) when the timeout is up: the caller then gets an IOException.
     */
    private ClassicHttpResponse withinDeadline(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        if (!(scope.originalRequest instanceof Cancellable cancellable)) {
            return chain.proceed(request, scope);
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            cancellable.cancel();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity entity = response.getEntity();
            if (entity != null) {
                byte[] answer;
                boolean more;
                InputStream in = entity.getContent();
                try {
                    answer = in == null ? new byte[0] : in.readNBytes(MAX_ANSWER);
                    more = in != null && in.read() >= 0;
                } catch (IOException e) {
                    closeQuietly(response);
                    throw e;
                }
                if (more) {
                    // more than is ever shown: not read on, the connection is closed instead
                    cancellable.cancel();
                    closeQuietly(response);
                } else if (in != null) {
                    // read to its end: the connection goes back to the pool, kept alive
                    closeQuietly(in);
                }
                response.setEntity(new ByteArrayEntity(answer, entity.getContentType() == null ? null
                        : ContentType.parseLenient(entity.getContentType())));
            }
            return response;
        } catch (IOException e) {
            if (expired.get()) {
                SocketTimeoutException timedOut = new SocketTimeoutException("the attempt timed out: no complete answer "
                        + "within " + timeout);
                timedOut.initCause(e);
                throw timedOut;
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // the answer is read (or given up on); a failing close changes nothing about it
        }
    }
}
