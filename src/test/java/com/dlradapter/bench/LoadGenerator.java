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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A closed-loop HTTP load generator on one Vert.x event loop: {@code connections} keep-alive
 * connections, each with one request outstanding, the next sent as soon as the answer is read
 * (wrk's model). Latencies are recorded from the moment a request is handed to the client until
 * its whole answer is read; only requests answered after the warm-up count.
 *
 * <p>A closed loop measures what the server sustains; its latencies are those of a server kept
 * busy, not of an open arrival rate (no coordinated-omission correction).
 */
final class LoadGenerator {

    /** What one phase measured. */
    record Result(long requests, double seconds, long[] latenciesMicros, Map<Integer, Long> statuses, long failures,
                  long allErrors) {

        double perSecond() {
            return requests / seconds;
        }

        double percentileMillis(double percentile) {
            if (latenciesMicros.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(percentile / 100.0 * latenciesMicros.length) - 1;
            return latenciesMicros[Math.max(0, Math.min(index, latenciesMicros.length - 1))] / 1000.0;
        }

        long errors() {
            long errors = failures;
            for (Map.Entry<Integer, Long> entry : statuses.entrySet()) {
                if (entry.getKey() < 200 || entry.getKey() > 299) {
                    errors += entry.getValue();
                }
            }
            return errors;
        }

        long serverErrors() {
            return statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private final int port;
    private final int connections;

    LoadGenerator(int port, int connections) {
        this.port = port;
        this.connections = connections;
    }

    /**
     * Drives {@code nextRequest} for warm-up plus measurement, then waits for the requests still
     * outstanding. {@code nextRequest} is called on the event loop only.
     */
    Result run(Function<Integer, RequestSpec> nextRequest, Duration warmUp, Duration measure) throws InterruptedException {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true)
                        .setDefaultHost("127.0.0.1").setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(connections));
        Run run = new Run(client, nextRequest, System.nanoTime() + warmUp.toNanos(),
                System.nanoTime() + warmUp.toNanos() + measure.toNanos());
        vertx.runOnContext(ignored -> {
            for (int i = 0; i < connections; i++) {
                run.send(i);
            }
        });
        if (!run.finished.await(warmUp.plus(measure).plusSeconds(60).toSeconds(), TimeUnit.SECONDS)) {
            System.err.println("load generator: " + run.outstanding + " requests never answered");
        }
        CountDownLatch closed = new CountDownLatch(1);
        vertx.close().onComplete(done -> closed.countDown());
        closed.await(10, TimeUnit.SECONDS);
        long[] latencies = Arrays.copyOf(run.latencies, run.count);
        Arrays.sort(latencies);
        return new Result(run.count, measure.toNanos() / 1e9, latencies, run.statuses, run.failures, run.allErrors);
    }

    /** Path and body of one request. */
    record RequestSpec(String path, byte[] body) {
    }

    private static final class Run {
        private final HttpClient client;
        private final Function<Integer, RequestSpec> nextRequest;
        private final long measureFrom;
        private final long stopAt;
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Map<Integer, Long> statuses = new TreeMap<>();
        private long[] latencies = new long[1 << 20];
        private int count;
        private long failures;
        /** Failed or non-2xx answers over the whole run, warm-up included. */
        private long allErrors;
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
                            .putHeader("Content-Type", "application/json"))
                    .compose(request -> request.send(Buffer.buffer(spec.body())))
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .onComplete(answer -> {
                        outstanding--;
                        long end = System.nanoTime();
                        if (answer.failed() || answer.result() < 200 || answer.result() > 299) {
                            allErrors++;
                        }
                        if (start >= measureFrom && end <= stopAt + 5_000_000_000L) {
                            if (answer.succeeded()) {
                                statuses.merge(answer.result(), 1L, Long::sum);
                            } else {
                                failures++;
                            }
                            record((end - start) / 1000);
                        }
                        send(connection);
                    });
        }

        private void record(long micros) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[count++] = micros;
        }
    }
}
