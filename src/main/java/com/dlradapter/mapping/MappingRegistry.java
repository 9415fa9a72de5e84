package com.dlradapter.mapping;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The loaded mappings, by provider. At start every file must be valid and pass its own samples.
 * With hot reload on, the directory is re-read when a file changes: a valid new version whose
 * samples pass replaces the old one at once; a broken one, or one failing a sample, is refused with a log line naming the file and the field, and the previous version
 * keeps serving. Readers see either the old or the new set, never half of one. Who watches the
 * directory and when is the wiring's business: it calls {@link #reload}.
 */
public class MappingRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(MappingRegistry.class);

    private final MappingLoader loader = new MappingLoader();
    private volatile Map<String, ProviderMapping> mappings;
    private final List<Consumer<String>> reloadListeners = new CopyOnWriteArrayList<>();

    /** Loads the directory now: every file must be valid and pass its own samples. */
    public MappingRegistry(Path directory) {
        Map<String, ProviderMapping> loaded = loader.loadDirectory(directory);
        loaded.values().forEach(SampleCheck::requirePassing);
        this.mappings = Collections.unmodifiableMap(loaded);
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

    /**
     * Applies changed files of the directory: removed files take their provider with them; a
     * valid new or changed file replaces its provider's mapping, a broken one is refused.
     */
    public synchronized void reload(List<Path> changed, List<Path> removed) {
        Map<String, ProviderMapping> next = new TreeMap<>(mappings);
        List<String> loaded = new ArrayList<>();
        for (Path gone : removed) {
            next.values().removeIf(mapping -> mapping.file().equals(gone));
            LOG.info("Mapping {} removed", gone);
        }
        for (Path file : changed) {
            try {
                ProviderMapping mapping = SampleCheck.requirePassing(loader.load(file));
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
