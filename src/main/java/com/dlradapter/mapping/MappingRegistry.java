package com.dlradapter.mapping;

import com.dlradapter.reload.DirectoryWatch;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
    private final CamelContext context;
    private final DirectoryWatch watch;
    private volatile Map<String, ProviderMapping> mappings;
    private final List<Consumer<String>> reloadListeners = new CopyOnWriteArrayList<>();
    private AutoCloseable watcher;

    /** Loads the directory now; {@code reloadInterval} null: no hot reload. */
    public MappingRegistry(CamelContext context, Path directory, Duration reloadInterval) {
        this.context = context;
        this.directory = directory;
        this.reloadInterval = reloadInterval;
        this.watch = new DirectoryWatch(directory, MappingLoader::isMappingFile);
        this.mappings = Collections.unmodifiableMap(loader.loadDirectory(directory));
    }

    public Map<String, ProviderMapping> mappings() {
        return mappings;
    }

    /**
     * Called with the provider id of each mapping a reload loads (new or changed), once readers
     * see it: what a new provider needs before its first request (its webhook token) is made then.
     */
    public void onReload(Consumer<String> listener) {
        reloadListeners.add(listener);
    }

    @Override
    protected void doStart() {
        if (reloadInterval != null) {
            watcher = watch.every(context, this, "dlr-mapping-reload", reloadInterval, this::apply);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    private synchronized void apply(DirectoryWatch.Changes changes) {
        Map<String, ProviderMapping> next = new TreeMap<>(mappings);
        List<String> loaded = new ArrayList<>();
        // Removed files take their provider with them.
        for (Path gone : changes.removed()) {
            next.values().removeIf(mapping -> mapping.file().equals(gone));
            LOG.info("Mapping {} removed", gone);
        }
        for (Path file : changes.changed()) {
            try {
                ProviderMapping mapping = loader.load(file);
                ProviderMapping other = next.get(mapping.provider());
                if (other != null && !other.file().equals(file)) {
                    throw new MappingDefinitionException(file + ": provider '" + mapping.provider()
                            + "' is already defined by " + other.file());
                }
                next.values().removeIf(old -> old.file().equals(file));
                next.put(mapping.provider(), mapping);
                loaded.add(mapping.provider());
                LOG.info("Mapping {} reloaded: provider '{}'", file, mapping.provider());
            } catch (MappingDefinitionException e) {
                LOG.error("Mapping refused, the previous version keeps serving: {}", e.getMessage());
            }
        }
        mappings = Collections.unmodifiableMap(next);
        for (String provider : loaded) {
            for (Consumer<String> listener : reloadListeners) {
                try {
                    listener.accept(provider);
                } catch (RuntimeException e) {
                    LOG.error("After reloading the mapping of provider '{}': {}", provider, e.getMessage());
                }
            }
        }
    }
}
