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
