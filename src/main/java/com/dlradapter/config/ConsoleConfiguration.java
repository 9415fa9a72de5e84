package com.dlradapter.config;

import com.dlradapter.console.ConsoleAssets;
import org.apache.camel.CamelContext;

/** console/: the operator console's files, served by routes/console.yaml when dlr.console.enabled. */
final class ConsoleConfiguration {

    private ConsoleConfiguration() {
    }

    static void bindAssets(CamelContext context) {
        context.getRegistry().bind("consoleAssets", new ConsoleAssets("console"));
    }
}
