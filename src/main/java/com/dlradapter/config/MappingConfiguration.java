package com.dlradapter.config;

import com.dlradapter.mapping.MappingEngine;
import com.dlradapter.mapping.MappingLoader;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.ops.PolledProviders;
import com.dlradapter.reload.RoutesReloader;
import com.dlradapter.reload.WatchedFolder;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * mapping/ and reload/: the provider mappings (every file valid, or the start stops), the engine
 * that applies them, which providers are polled, and hot reload of mappings/ and routes/.
 */
final class MappingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MappingConfiguration.class);

    /** The loaded mappings and what is built on them; {@code reload}: hot reload is on. */
    record Mappings(MappingRegistry registry, MappingEngine engine, PolledProviders polled, boolean reload) {
    }

    private MappingConfiguration() {
    }

    static Mappings load(CamelContext context, Settings settings) throws Exception {
        Path mappingDirectory = Path.of(settings.text("dlr.mappings.dir", "mappings"));
        boolean reload = settings.bool("dlr.reload", false);
        // the folder's state is taken before it is read: a file changed in between is read again
        WatchedFolder watch = reload ? new WatchedFolder(context, mappingDirectory, MappingLoader::isMappingFile,
                "dlr-mapping-reload", settings.duration("dlr.reload.interval", Duration.ofSeconds(2))) : null;
        MappingRegistry mappings = new MappingRegistry(mappingDirectory);
        if (watch != null) {
            watch.onChanges(changes -> mappings.reload(changes.changed(), changes.removed()));
            context.addService(watch, true, true);
        }
        LOG.info("Loaded {} provider mappings from {}: {}", mappings.mappings().size(), mappingDirectory,
                mappings.mappings().keySet());
        MappingEngine engine = new MappingEngine(mappings::mappings,
                settings.integer("dlr.max-receipts-per-request", MappingEngine.MAX_RECEIPTS_PER_REQUEST));
        // A provider's polling route runs only when it has a status API to call (dlr.providers.<id>.base-url).
        PolledProviders polled = new PolledProviders(context, PollingConfiguration.statusApi(settings));
        context.addLifecycleStrategy(polled);
        if (reload) {
            // started with the context, after the routes it watches
            RoutesReloader routes = new RoutesReloader(context, Path.of(settings.text("dlr.routes.dir", "routes")),
                    settings.duration("dlr.reload.interval", Duration.ofSeconds(2)));
            // a route file refused for want of its mapping goes live once the mapping is loaded
            mappings.onReload(provider -> routes.retryRefused());
            // and a mapping is not removed from under its provider's live routes: it goes with them
            mappings.routedBy(routes::routesOf);
            routes.onRoutesRemoved(mappings::retryRemovals);
            context.addService(routes, true, false);
        }
        context.getRegistry().bind("mappingEngine", engine);
        context.getRegistry().bind("mappingRegistry", mappings);
        return new Mappings(mappings, engine, polled, reload);
    }
}
