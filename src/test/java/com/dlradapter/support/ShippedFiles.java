package com.dlradapter.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The repository's own {@code mappings/} and {@code routes/}, copied into a test's folder so that
 * the test may add a provider, change a file or reload them without touching the shipped ones.
 */
public final class ShippedFiles {

    public static final Path MAPPINGS = Path.of("mappings");
    public static final Path ROUTES = Path.of("routes");

    private ShippedFiles() {
    }

    /** Copies every shipped mapping file into {@code folder} (created if missing); returns it. */
    public static Path copyMappings(Path folder) throws IOException {
        return copyFiles(MAPPINGS, folder);
    }

    /** Copies every shipped route file into {@code folder} (created if missing); returns it. */
    public static Path copyRoutes(Path folder) throws IOException {
        return copyFiles(ROUTES, folder);
    }

    /**
     * A route file serving {@code provider}'s webhook through the shipped Kamelet
     * {@code provider-webhook}, for a provider a test adds; more parameters as name, value pairs.
     */
    public static String webhookRoute(String provider, String... parameters) {
        StringBuilder route = new StringBuilder("""
                - templatedRoute:
                    routeTemplateRef: provider-webhook
                    routeId: webhook-%s
                    parameters:
                      - name: provider
                        value: %s
                """.formatted(provider, provider));
        for (int i = 0; i < parameters.length; i += 2) {
            route.append("      - name: ").append(parameters[i]).append("\n        value: ").append(parameters[i + 1]).append('\n');
        }
        return route.toString();
    }

    /** Copies the files directly in {@code from} (not its sub-folders) into {@code to}; returns {@code to}. */
    public static Path copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }
}
