package com.dlradapter.bench;

import com.dlradapter.support.AdapterProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Peak used heap (the adapter's own Prometheus metrics, every 2 s) and peak RSS (/proc, twice a second). */
final class MemorySampler {
    private final AdapterProcess adapter;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean running = true;
    private Thread thread;
    private volatile long peakHeap;
    private volatile long peakRss;

    MemorySampler(AdapterProcess adapter) {
        this.adapter = adapter;
    }

    void start() {
        thread = new Thread(() -> {
            for (int tick = 0; running; tick++) {
                // RSS is cheap to read; a metrics scrape is not, so heap only every 2 s
                sample(tick % 4 == 0);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join();
        sample(true);
    }

    long peakHeap() {
        return peakHeap;
    }

    long peakRss() {
        return peakRss;
    }

    private void sample(boolean heapToo) {
        if (heapToo) {
            sampleHeap();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + adapter.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    peakRss = Math.max(peakRss, Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux, or the process is gone
        }
    }

    private void sampleHeap() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(adapter.managementUrl("/observe/metrics")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            long heap = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            peakHeap = Math.max(peakHeap, heap);
        } catch (IOException | RuntimeException e) {
            // a missed sample; the next one follows
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
