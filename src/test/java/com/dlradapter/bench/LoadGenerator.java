package com.dlradapter.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * A closed-loop HTTP load generator on one Vert.x event loop: {@code connections} keep-alive
 * connections, each with one request outstanding, the next sent as soon as the answer is read
 * (wrk's model). Latencies are recorded from the moment a request is handed to the client until
 * its whole answer is read; the figures of a {@link Result} count the requests sent inside the
 * measured window (after the warm-up), the {@code run*} figures and {@link Result#accepted()}
 * the whole run.
 *
 * <p>A closed loop measures what the server sustains; its latencies are those of a server kept
 * busy, not of an open arrival rate (no coordinated-omission correction).
 */
final class LoadGenerator {

    /** An answer slower than this is retried by Routee: the overload goal is none slower. */
    static final Duration SLOW = Duration.ofSeconds(2);
    /** A 2xx status: the receipt is accepted. */
    static final IntPredicate OK = status -> status >= 200 && status <= 299;
    /** A request without any answer data for this long fails as a timeout. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Called on the caller's thread at the two ends of the measured window (CPU readings). */
    interface Window {
        void started() throws Exception;

        void ended() throws Exception;

        /** This window's readings, then {@code other}'s, at each end. */
        default Window and(Window other) {
            Window first = this;
            return new Window() {
                @Override
                public void started() throws Exception {
                    first.started();
                    other.started();
                }

                @Override
                public void ended() throws Exception {
                    first.ended();
                    other.ended();
                }
            };
        }
    }

    /** Path and body of one request, and the workload's number of the receipt event it carries (-1: none). */
    record RequestSpec(String path, byte[] body, long event) {
    }

    /**
     * What one phase measured: inside the window the answers by status, failures by kind,
     * latencies, answers slower than {@link #SLOW} and 503 answers without {@code Retry-After};
     * over the whole run the answers by status, the failures and the events answered 2xx.
     */
    record Result(long answers, double seconds, long[] latenciesMicros, Map<Integer, Long> statuses,
                  long timeouts, long connectionErrors, long slowAnswers, long unavailableWithoutRetryAfter,
                  Map<Integer, Long> runStatuses, long runFailures, BitSet accepted) {

        /** Answers per second, whatever their status. */
        double perSecond() {
            return answers / seconds;
        }

        /** 2xx answers per second: receipts accepted. */
        double okPerSecond() {
            return okAnswers() / seconds;
        }

        /** 2xx answers: receipts accepted (repeats included, as a provider's retry is a receipt too). */
        long okAnswers() {
            return count(statuses, OK);
        }

        double percentileMillis(double percentile) {
            if (latenciesMicros.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(percentile / 100.0 * latenciesMicros.length) - 1;
            return latenciesMicros[Math.max(0, Math.min(index, latenciesMicros.length - 1))] / 1000.0;
        }

        /** Inside the window: failed requests and answers other than 2xx. */
        long errors() {
            return timeouts + connectionErrors + count(statuses, OK.negate());
        }

        /** Over the whole run: answers with a status {@code expected} does not accept. */
        long runAnswersOtherThan(IntPredicate expected) {
            return count(runStatuses, expected.negate());
        }

        private static long count(Map<Integer, Long> statuses, IntPredicate which) {
            return statuses.entrySet().stream().filter(e -> which.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private final int port;
    private final int connections;

    LoadGenerator(int port, int connections) {
        this.port = port;
        this.connections = connections;
    }

    /**
     * Drives {@code nextRequest} for warm-up plus measurement, calling {@code window} at the
     * measured window's start and end, then waits for the requests still outstanding.
     * {@code nextRequest} is called on the event loop only.
     */
    Result run(Function<Integer, RequestSpec> nextRequest, Duration warmUp, Duration measure, Window window)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        try {
            HttpClient client = vertx.createHttpClient(
                    new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true)
                            .setDefaultHost("127.0.0.1").setDefaultPort(port),
                    new PoolOptions().setHttp1MaxSize(connections));
            long measureFrom = System.nanoTime() + warmUp.toNanos();
            long stopAt = measureFrom + measure.toNanos();
            Run run = new Run(client, nextRequest, measureFrom, stopAt);
            vertx.runOnContext(ignored -> {
                for (int i = 0; i < connections; i++) {
                    run.send(i);
                }
            });
            sleepUntil(measureFrom);
            window.started();
            sleepUntil(stopAt);
            window.ended();
            if (!run.finished.await(TIMEOUT.plusSeconds(30).toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("load generator: some requests never answered");
            }
            // the event loop is done with the figures once finished has counted down
            long[] latencies = Arrays.copyOf(run.latencies, run.count);
            Arrays.sort(latencies);
            return new Result(run.count, measure.toNanos() / 1e9, latencies, run.statuses, run.timeouts,
                    run.connectionErrors, run.slow, run.withoutRetryAfter, run.runStatuses, run.runFailures,
                    run.accepted);
        } finally {
            CountDownLatch closed = new CountDownLatch(1);
            vertx.close().onComplete(done -> closed.countDown());
            closed.await(10, TimeUnit.SECONDS);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** Status of one answer and whether it carried {@code Retry-After}. */
    private record Answer(int status, boolean retryAfter) {
    }

    /** The state of one run; touched on the event loop only. */
    private static final class Run {
        private final HttpClient client;
        private final Function<Integer, RequestSpec> nextRequest;
        private final long measureFrom;
        private final long stopAt;
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Map<Integer, Long> statuses = new TreeMap<>();
        private final Map<Integer, Long> runStatuses = new TreeMap<>();
        private final BitSet accepted = new BitSet();
        private long[] latencies = new long[1 << 20];
        private int count;
        private long timeouts;
        private long connectionErrors;
        private long slow;
        private long withoutRetryAfter;
        private long runFailures;
        private int outstanding;

        Run(HttpClient client, Function<Integer, RequestSpec> nextRequest, long measureFrom, long stopAt) {
            this.client = client;
            this.nextRequest = nextRequest;
            this.measureFrom = measureFrom;
            this.stopAt = stopAt;
        }

        void send(int connection) {
            long start = System.nanoTime();
            if (start >= stopAt) {
                if (outstanding == 0) {
                    finished.countDown();
                }
                return;
            }
            RequestSpec spec = nextRequest.apply(connection);
            outstanding++;
            client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(spec.path())
                            .setIdleTimeout(TIMEOUT.toMillis())
                            .putHeader("Content-Type", "application/json"))
                    .compose(request -> request.send(Buffer.buffer(spec.body())))
                    .compose(response -> response.body().map(body ->
                            new Answer(response.statusCode(), response.getHeader("Retry-After") != null)))
                    .onComplete(outcome -> {
                        outstanding--;
                        long micros = (System.nanoTime() - start) / 1000;
                        if (outcome.succeeded()) {
                            answered(spec, start, micros, outcome.result());
                        } else {
                            failed(start, micros, outcome.cause());
                        }
                        send(connection);
                    });
        }

        private void answered(RequestSpec spec, long start, long micros, Answer answer) {
            runStatuses.merge(answer.status(), 1L, Long::sum);
            if (OK.test(answer.status()) && spec.event() >= 0) {
                accepted.set(Math.toIntExact(spec.event()));
            }
            if (start >= measureFrom) {
                statuses.merge(answer.status(), 1L, Long::sum);
                if (answer.status() == 503 && !answer.retryAfter()) {
                    withoutRetryAfter++;
                }
                record(micros);
            }
        }

        private void failed(long start, long micros, Throwable cause) {
            runFailures++;
            if (start >= measureFrom) {
                if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
                    timeouts++;
                } else {
                    connectionErrors++;
                }
                record(micros);
            }
        }

        private void record(long micros) {
            if (micros > SLOW.toNanos() / 1000) {
                slow++;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[count++] = micros;
        }
    }
}
