package com.dlradapter.routes;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The routes half of the checker's folder mode: loads a routes folder the way the adapter's start
 * does (Camel's YAML DSL, the Kamelets' parameter contracts and the route-to-mapping cross-check of
 * {@link TemplateContracts}) into a Camel context that is never started, so nothing listens,
 * polls or connects. Files load one by one, Kamelets first, so that each bad file is reported and
 * the others are still checked (the start stops at the first).
 */
public final class RouteFolderCheck {

    private static final String KAMELET = ".kamelet.yaml";

    /** One route file: the providers its templated routes name, and why it is refused (null if it is not). */
    public record FileResult(Path file, Set<String> providers, String problem) {

        public boolean valid() {
            return problem == null;
        }
    }

    /** Every route file of the folder, in name order (Kamelets loaded first). */
    public record Result(List<FileResult> files) {

        /** The providers some valid route file names: their webhooks or pollers would run. */
        public Set<String> routedProviders() {
            Set<String> routed = new TreeSet<>();
            files.stream().filter(FileResult::valid).forEach(file -> routed.addAll(file.providers()));
            return routed;
        }

        public long invalid() {
            return files.stream().filter(file -> !file.valid()).count();
        }
    }

    private RouteFolderCheck() {
    }

    /**
     * Checks the route files ({@code *.yaml}, as {@code camel.main.routes-include-pattern} reads
     * them) of {@code folder} against the providers {@code hasMapping} knows.
     *
     * @throws IOException the folder cannot be listed
     */
    public static Result check(Path folder, Predicate<String> hasMapping) throws IOException {
        List<Path> files;
        try (var listing = Files.list(folder)) {
            files = listing.filter(file -> file.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(file))
                    .sorted(Comparator.comparing((Path file) -> !file.getFileName().toString().endsWith(KAMELET))
                            .thenComparing(Comparator.naturalOrder()))
                    .toList();
        }
        List<FileResult> results = new ArrayList<>();
        CamelContext context = new DefaultCamelContext();
        // the checker's output is the report: no start or shutdown summary lines in it
        context.setStartupSummaryLevel(StartupSummaryLevel.Off);
        try {
            // {{placeholders}} in route parameters resolve as at start, against the shipped defaults
            context.getPropertiesComponent().setLocation("classpath:application.properties");
            context.getPropertiesComponent().setIgnoreMissingLocation(true);
            // TemplateContracts asks whether each provider a templated route names has a mapping:
            // that question also tells which providers the file being loaded routes. One instance
            // for every file, as at start: it keeps the Kamelets' contracts it has read.
            AtomicReference<Set<String>> named = new AtomicReference<>();
            context.getRegistry().bind("templateContracts", new TemplateContracts(context, provider -> {
                named.get().add(provider);
                return hasMapping.test(provider);
            }));
            for (Path file : files) {
                named.set(new TreeSet<>());
                results.add(load(context, file, named.get()));
            }
        } finally {
            context.shutdown();
        }
        return new Result(results.stream().sorted(Comparator.comparing(FileResult::file)).toList());
    }

    private static FileResult load(CamelContext context, Path file, Set<String> named) {
        try {
            Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
            PluginHelper.getRoutesLoader(context).loadRoutes(List.of(resource));
            return new FileResult(file, named, null);
        } catch (Exception e) {
            return new FileResult(file, named, rootMessage(e));
        }
    }

    /** The innermost message: Camel wraps the contract's own words in its loading exceptions. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : message + (e.getMessage() != null && !e.getMessage().contains(message) ? " (" + e.getMessage() + ")" : "");
    }
}
