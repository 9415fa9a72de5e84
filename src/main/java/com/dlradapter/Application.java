package com.dlradapter;

import com.dlradapter.config.AdapterConfiguration;
import com.dlradapter.mapping.MappingChecker;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Starts dlr-adapter on camel-main: YAML routes from {@code routes/}, settings from application.properties. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("check")) {
            // The mapping checker: no database, no server; the mapping engine, and for route files a
            // Camel context that only loads them (never started).
            System.exit(new MappingChecker(System.out, System.err).run(List.of(args).subList(1, args.length)));
        }
        // Hazelcast logs before its configuration is read: send it to SLF4J from the first line.
        System.setProperty("hazelcast.logging.type", "slf4j");
        // Hazelcast completes its map calls on the common ForkJoinPool, or, where that pool has a
        // parallelism of 1 (any 2-core machine), on a new thread per call: two threads created and
        // destroyed per group commit (6% of the adapter's CPU in the benchmark). Set before any
        // code touches the pool.
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
                    String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
        Main main = new Main();
        main.configure().addConfiguration(AdapterConfiguration.class);
        int code;
        try {
            code = main.run(args);
        } catch (Exception | Error e) {
            // Exit even though non-daemon threads (Hazelcast, Vert.x) may have started.
            LoggerFactory.getLogger(Application.class).error("dlr-adapter failed to start: {}", reason(e), e);
            code = 1;
        }
        System.exit(code);
    }

    /** The start's failure in a sentence; a missing routes/ or mappings/ folder says where they are looked for. */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NoSuchFileException missing) {
                return "no such file or folder: " + missing.getFile() + " (in " + Path.of("").toAbsolutePath()
                        + "). The adapter reads its routes/ and mappings/ folders from the working folder: run it "
                        + "from the folder that holds them, or set DLR_ROUTES_DIR and DLR_MAPPINGS_DIR";
            }
        }
        return failure.getMessage();
    }
}
