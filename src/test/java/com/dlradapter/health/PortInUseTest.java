package com.dlradapter.health;

import com.dlradapter.http.PublicHttpServer;
import com.dlradapter.support.RunningAdapter;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A port already in use, public or management, stops the start with the setting to change, in the
 * same words whether the check before the start finds it taken or the public server's own bind does.
 */
class PortInUseTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(strings = {"dlr.http.port", "dlr.management.port"})
    void aPortInUseStopsTheStartNamingTheSetting(String setting) throws Exception {
        // another program already listens there, on the loopback address the management server uses
        // (the public server binds 0.0.0.0, which includes it)
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
            settings.put(setting, String.valueOf(other.getLocalPort()));
            assertThatThrownBy(() -> RunningAdapter.start(settings))
                    .hasStackTraceContaining(setting + ": port " + other.getLocalPort())
                    .hasStackTraceContaining("is already in use");
        }
    }

    /** Taken after the early check (another program was quicker): the public server's bind says the same. */
    @Test
    void aPortTakenBeforeThePublicServerBindsIsNamedTheSameWay() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             DefaultCamelContext context = new DefaultCamelContext()) {
            PublicHttpServer server = new PublicHttpServer(context, "127.0.0.1", other.getLocalPort(), 2, 1024,
                    Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30));
            context.addService(server, true, true);
            context.start();
            assertThatThrownBy(() -> server.onCamelContextFullyStarted(context, false))
                    .hasMessage("dlr.http.port: port " + other.getLocalPort() + " on 127.0.0.1 is already in use (another "
                            + "adapter or program listens there); stop it or set dlr.http.port to a free port");
        }
    }
}
