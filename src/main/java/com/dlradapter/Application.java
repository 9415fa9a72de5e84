package com.dlradapter;

import com.dlradapter.config.AdapterConfiguration;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/** Starts dlr-adapter on camel-main: YAML routes from {@code routes/}, settings from application.properties. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        // Hazelcast logs before its configuration is read: send it to SLF4J from the first line.
        System.setProperty("hazelcast.logging.type", "slf4j");
        Main main = new Main();
        main.configure().addConfiguration(AdapterConfiguration.class);
        int code;
        try {
            code = main.run(args);
        } catch (Exception | Error e) {
            // Exit even though non-daemon threads (Hazelcast, Vert.x) may have started.
            LoggerFactory.getLogger(Application.class).error("dlr-adapter failed to start: {}", e.getMessage(), e);
            code = 1;
        }
        System.exit(code);
    }
}
