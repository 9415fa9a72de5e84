package com.dlradapter.mapping;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The loaded mappings, by provider. At start every file must be valid. With hot reload on, the
 * directory is re-read when a file changes: a valid new version replaces the old one at once; a
 * broken one is refused with a log line naming the file and the field, and the previous version
 * keeps serving. Readers see either the old or the new set, never half of one.
 */
public class MappingRegistry extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(MappingRegistry.class);

    private final Path directory;
    private final Duration reloadInterval;
    private final MappingLoader loader = new MappingLoader();
    private final Map<Path, FileTime> seen = new HashMap<>();
    private volatile Map<String, ProviderMapping> mappings;
    private ScheduledExecutorService watcher;

    /** Loads the directory now; {@code reloadInterval} null: no hot reload. */
    public MappingRegistry(Path directory, Duration reloadInterval) {
        this.directory = directory;
        this.reloadInterval = reloadInterval;
        this.mappings = Collections.unmodifiableMap(loader.loadDirectory(directory));
        files().forEach(file -> seen.put(file, modified(file)));
    }

    public Map<String, ProviderMapping> mappings() {
        return mappings;
    }

    @Override
    protected void doStart() {
        if (reloadInterval == null) {
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dlr-mapping-reload");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::reloadChanged, reloadInterval.toMillis(), reloadInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("Hot reload of {} is on (checked every {})", directory, reloadInterval);
    }

    @Override
    protected void doStop() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
    }

    /** Applies what changed on disk since the last look; public so tests need not wait. */
    public synchronized void reloadChanged() {
        Map<Path, FileTime> now = new LinkedHashMap<>();
        files().forEach(file -> now.put(file, modified(file)));
        if (now.equals(seen)) {
            return;
        }
        Map<String, ProviderMapping> next = new TreeMap<>(mappings);
        // Removed files take their provider with them.
        for (Path gone : seen.keySet()) {
            if (!now.containsKey(gone)) {
                next.values().removeIf(mapping -> mapping.file().equals(gone));
                LOG.info("Mapping {} removed", gone);
            }
        }
        for (Map.Entry<Path, FileTime> entry : now.entrySet()) {
            Path file = entry.getKey();
            if (Objects.equals(seen.get(file), entry.getValue())) {
                continue;
            }
            try {
                ProviderMapping mapping = loader.load(file);
                ProviderMapping other = next.get(mapping.provider());
                if (other != null && !other.file().equals(file)) {
                    throw new MappingDefinitionException(file + ": provider '" + mapping.provider()
                            + "' is already defined by " + other.file());
                }
                next.values().removeIf(old -> old.file().equals(file));
                next.put(mapping.provider(), mapping);
                LOG.info("Mapping {} reloaded: provider '{}'", file, mapping.provider());
            } catch (MappingDefinitionException e) {
                LOG.error("Mapping refused, the previous version keeps serving: {}", e.getMessage());
            }
        }
        seen.clear();
        seen.putAll(now);
        mappings = Collections.unmodifiableMap(next);
    }

    private Stream<Path> files() {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(MappingLoader::isMappingFile).sorted().toList().stream();
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", directory, e.getMessage());
            return Stream.empty();
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
