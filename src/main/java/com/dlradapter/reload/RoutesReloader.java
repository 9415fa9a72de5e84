package com.dlradapter.reload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hot reload of the YAML routes: every few seconds, a new or changed file in the routes directory
 * is loaded again and its routes replace their previous versions; a file that does not load is
 * refused with a log line and the routes it had keep serving; a removed file takes its routes away.
 * It polls modification times ({@link DirectoryWatch}). A refused file is tried again when a
 * mapping is (re)loaded ({@link #retryRefused}): a provider's route file refused because its
 * mapping was not loaded yet goes live once the mapping is, never before.
 */
public class RoutesReloader extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesReloader.class);

    private final CamelContext context;
    private final Path directory;
    private final Duration interval;
    private final Map<Path, Set<String>> routeIds = new HashMap<>();
    /** Files refused at their last try, tried again when a mapping loads. */
    private final Set<Path> refused = new java.util.LinkedHashSet<>();
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final List<Runnable> removedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private DirectoryWatch watch;
    private AutoCloseable watcher;

    public RoutesReloader(CamelContext context, Path directory, Duration interval) {
        this.context = context;
        this.directory = directory;
        this.interval = interval;
    }

    @Override
    protected void doStart() {
        watch = new DirectoryWatch(directory, file -> file.getFileName().toString().endsWith(".yaml"));
        watch.files().forEach(file -> routeIds.put(file, declaredRouteIds(file)));
        watcher = watch.every(context, this, "dlr-routes-reload", interval, this::apply);
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    /**
     * Called after route files were removed, outside this reloader's lock: a mapping whose removal
     * waited for its provider's routes to go (see {@link #routesOf}) can go now.
     */
    public void onRoutesRemoved(Runnable listener) {
        removedListeners.add(listener);
    }

    private void apply(DirectoryWatch.Changes changes) {
        synchronized (this) {
            for (Path gone : changes.removed()) {
                removeRoutes(gone, routeIds.getOrDefault(gone, Set.of()));
                routeIds.remove(gone);
                refused.remove(gone);
            }
            changes.changed().forEach(this::apply);
        }
        if (!changes.removed().isEmpty()) {
            removedListeners.forEach(Runnable::run);
        }
    }

    /**
     * The ids of the routes in the context made from a template with {@code provider} as their
     * provider parameter (its webhook, its poller): what a mapping's removal would leave without a
     * mapping.
     */
    public synchronized List<String> routesOf(String provider) {
        List<String> ids = new ArrayList<>();
        for (RouteDefinition route : context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            Map<String, Object> parameters = route.getTemplateParameters();
            if (parameters != null && provider.equals(parameters.get("provider")) && context.getRoute(route.getRouteId()) != null) {
                ids.add(route.getRouteId());
            }
        }
        return ids;
    }

    /**
     * Tries the refused route files again: called once a mapping is loaded, so that a route file
     * written before its provider's mapping goes live as soon as the mapping does.
     */
    public synchronized void retryRefused() {
        for (Path file : List.copyOf(refused)) {
            if (java.nio.file.Files.isRegularFile(file)) {
                apply(file);
            } else {
                refused.remove(file);
            }
        }
    }

    private void apply(Path file) {
        try {
            Set<String> declared = declaredRouteIds(file);
            LOG.info("Routes reloaded from {}: {}", file, reload(file));
            Set<String> dropped = new java.util.HashSet<>(routeIds.getOrDefault(file, Set.of()));
            dropped.removeAll(declared);
            removeRoutes(file, dropped);
            routeIds.put(file, declared);
            refused.remove(file);
        } catch (Exception e) {
            refused.add(file);
            LOG.error("Route file {} refused, the routes it had keep serving: {}", file, e.getMessage());
        }
    }

    /**
     * Loads one file: its plain routes replace theirs by id (Camel's update), its templated routes
     * replace theirs one by one, the previous definition put back if the new one cannot be added.
     * Anything that does not parse fails before a single route is touched.
     */
    private List<String> reload(Path file) throws Exception {
        Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
        // "yaml", or "kamelet.yaml" for a local Kamelet (a route template with its parameters' contract)
        RoutesBuilder builder = PluginHelper.getRoutesLoader(context)
                .getRoutesLoader(FileUtil.onlyExt(file.getFileName().toString(), false)).loadRoutesBuilder(resource);
        List<String> ids = new ArrayList<>(builder.updateRoutesToCamelContext(context));
        if (builder instanceof RouteBuilder routeBuilder) {
            Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
            for (TemplatedRouteDefinition templated : routeBuilder.getTemplatedRouteCollection().getTemplatedRoutes()) {
                if (model.getRouteTemplateDefinition(templated.getRouteTemplateRef()) == null) {
                    throw new IllegalArgumentException("no route template '" + templated.getRouteTemplateRef() + "'");
                }
                RouteDefinition previous = templated.getRouteId() == null ? null : model.getRouteDefinition(templated.getRouteId());
                if (previous != null) {
                    model.removeRouteDefinition(previous);
                }
                try {
                    model.addRouteFromTemplatedRoute(templated);
                } catch (Exception e) {
                    if (previous != null) {
                        model.addRouteDefinition(previous);
                    }
                    throw e;
                }
                ids.add(templated.getRouteId());
            }
        }
        return ids;
    }

    private void removeRoutes(Path file, Set<String> ids) {
        for (String id : ids) {
            try {
                if (context.getRoute(id) != null) {
                    context.getRouteController().stopRoute(id);
                    context.removeRoute(id);
                    LOG.info("Route {} removed with {}", id, file);
                }
            } catch (Exception e) {
                LOG.error("Cannot remove route {} of {}: {}", id, file, e.getMessage());
            }
        }
    }

    /** The ids of the routes and templated routes a YAML file declares (read as plain YAML). */
    private Set<String> declaredRouteIds(Path file) {
        Set<String> ids = new java.util.HashSet<>();
        try {
            JsonNode root = yaml.readTree(file.toFile());
            if (root != null && root.isArray()) {
                for (JsonNode entry : root) {
                    String id = entry.path("route").path("id").asText(entry.path("templatedRoute").path("routeId").asText(""));
                    if (!id.isEmpty()) {
                        ids.add(id);
                    }
                }
            }
        } catch (IOException e) {
            // not YAML: loading it will say so
        }
        return ids;
    }
}
