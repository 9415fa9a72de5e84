package com.dlradapter.mapping;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The loaded mappings, by provider. At start every file must be valid and pass its own samples.
 * With hot reload on, the directory is re-read when a file changes: a valid new version whose
 * samples pass replaces the old one at once; a broken one, or one failing a sample, is refused with a log line naming the file and the field, and the previous version
 * keeps serving. A removed file whose provider live routes still name keeps serving too, until
 * they go ({@link #routedBy}). Readers see either the old or the new set, never half of one. Who watches the
 * directory and when is the wiring's business: it calls {@link #reload}.
 */
public class MappingRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(MappingRegistry.class);

    private final MappingLoader loader = new MappingLoader();
    private volatile Map<String, ProviderMapping> mappings;
    private final List<Consumer<String>> reloadListeners = new CopyOnWriteArrayList<>();
    /** The live routes that name a provider (its webhook, its poller); none until the wiring says. */
    private volatile Function<String, List<String>> routesOf = provider -> List.of();
    /** Removed mapping files still serving because routes named their provider; tried again when routes go. */
    private final Set<Path> keptRemoved = new LinkedHashSet<>();

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
     * Tells which live routes name a provider: a mapping file removed while routes still name its
     * provider keeps serving (as a route is refused without its mapping, a mapping is not taken
     * from under its routes: its webhook would answer 404 "unknown provider"), until they go.
     */
    public void routedBy(Function<String, List<String>> routesOf) {
        this.routesOf = routesOf;
    }

    /** Applies the removals that waited for their provider's routes to go (called when route files are removed). */
    public synchronized void retryRemovals() {
        if (!keptRemoved.isEmpty()) {
            reload(List.of(), List.copyOf(keptRemoved));
        }
    }

    /**
     * Applies changed files of the directory: removed files take their provider with them (unless
     * live routes still name it); a valid new or changed file replaces its provider's mapping, a
     * broken one is refused.
     */
    public synchronized void reload(List<Path> changed, List<Path> removed) {
        Map<String, ProviderMapping> next = new TreeMap<>(mappings);
        List<String> loaded = new ArrayList<>();
        List<ProviderMapping> gone = new ArrayList<>();
        for (Path file : removed) {
            keptRemoved.remove(file);
            next.values().stream().filter(mapping -> mapping.file().equals(file)).findFirst().ifPresent(gone::add);
            next.values().removeIf(mapping -> mapping.file().equals(file));
        }
        for (Path file : changed) {
            keptRemoved.remove(file);
            try {
                ProviderMapping mapping = SampleCheck.requirePassing(loader.load(file));
                ProviderMapping other = next.get(mapping.provider());
                if (other != null && !other.file().equals(file)) {
                    throw new MappingDefinitionException(MappingLoader.alreadyDefined(file, mapping.provider(), other.file()));
                }
                next.values().removeIf(old -> old.file().equals(file));
                next.put(mapping.provider(), mapping);
                loaded.add(mapping.provider());
                LOG.info("Mapping {} reloaded: provider '{}'", file, mapping.provider());
            } catch (MappingDefinitionException e) {
                LOG.error("Mapping refused, the previous version keeps serving: {}", e.getMessage());
            }
        }
        for (ProviderMapping mapping : gone) {
            List<String> routes = next.containsKey(mapping.provider()) ? List.of() : routesOf.apply(mapping.provider());
            if (routes.isEmpty()) {
                LOG.info("Mapping {} removed", mapping.file());
            } else {
                next.put(mapping.provider(), mapping);
                keptRemoved.add(mapping.file());
                LOG.error("Mapping {} removed, but the previous version keeps serving: route(s) {} still name provider '{}' "
                        + "(without its mapping its webhook would answer 404); remove their route file and the mapping goes then",
                        mapping.file(), routes, mapping.provider());
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
