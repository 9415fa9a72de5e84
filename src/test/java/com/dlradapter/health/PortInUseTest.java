package com.dlradapter.health;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A port already in use, public or management, stops the start with the setting to change. */
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
}
