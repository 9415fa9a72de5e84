package com.dlradapter.reload;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Tells which files of a directory were added, changed or removed since the last look, by their
 * modification times. Polling, because file-system events miss files moved into place and catch
 * others half-written.
 */
public final class DirectoryWatch {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

    /** What changed: files new or modified, and files gone. */
    public record Changes(List<Path> changed, List<Path> removed) {
        public boolean isEmpty() {
            return changed.isEmpty() && removed.isEmpty();
        }
    }

    private final Path directory;
    private final Predicate<Path> filter;
    private Map<Path, FileTime> seen;

    /** Takes the directory's current state as the starting point. */
    public DirectoryWatch(Path directory, Predicate<Path> filter) {
        this.directory = directory;
        this.filter = filter;
        this.seen = scan();
    }

    public synchronized Changes poll() {
        Map<Path, FileTime> now = scan();
        List<Path> changed = now.entrySet().stream()
                .filter(e -> !Objects.equals(seen.get(e.getKey()), e.getValue()))
                .map(Map.Entry::getKey).toList();
        List<Path> removed = seen.keySet().stream().filter(file -> !now.containsKey(file)).sorted().toList();
        seen = now;
        return new Changes(changed, removed);
    }

    /**
     * Polls every {@code interval} on a Camel-managed thread and hands non-empty changes to
     * {@code listener}; closing the returned handle stops it.
     */
    public AutoCloseable every(CamelContext context, Object owner, String threadName, Duration interval,
                               Consumer<Changes> listener) {
        ScheduledExecutorService executor = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(owner, threadName);
        executor.scheduleWithFixedDelay(() -> {
            Changes changes = poll();
            if (!changes.isEmpty()) {
                listener.accept(changes);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Hot reload of {} is on (checked every {})", directory, interval);
        return () -> context.getExecutorServiceManager().shutdownNow(executor);
    }

    public synchronized List<Path> files() {
        return List.copyOf(seen.keySet());
    }

    private Map<Path, FileTime> scan() {
        Map<Path, FileTime> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : list.filter(filter).sorted().toList()) {
                try {
                    files.put(file, Files.getLastModifiedTime(file));
                } catch (IOException e) {
                    // gone between the listing and the look: the next poll sees it
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", directory, e.getMessage());
        }
        return files;
    }
}
