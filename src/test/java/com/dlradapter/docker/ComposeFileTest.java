package com.dlradapter.docker;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/compose.yaml runs two nodes behind one URL per provider: every secret must be given, and
 * the same on both nodes. A token left to each node would be generated per node, and a provider
 * would get 401 from whichever node did not generate its URL's token.
 */
class ComposeFileTest {

    private static Map<String, Object> compose;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        compose = new Yaml().load(Files.readString(Path.of("docker/compose.yaml")));   // resolves <<: *adapter
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String service) {
        return (Map<String, Object>) service(service).get("environment");
    }

    @Test
    void everyProviderTokenAndTheApiTokenAreRequiredAndSharedByBothNodes() throws IOException {
        List<String> providers;
        try (Stream<Path> files = Files.list(Path.of("mappings"))) {
            providers = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).toList();
        }
        assertThat(providers).isNotEmpty();
        Map<String, Object> node1 = environment("node1");
        assertThat(environment("node2")).isEqualTo(node1);
        assertThat(node1.get("DLR_API_TOKEN")).asString().startsWith("${DLR_API_TOKEN:?");
        for (String provider : providers) {
            String variable = "DLR_PROVIDERS_" + provider.toUpperCase(Locale.ROOT) + "_TOKEN";
            assertThat(node1.get(variable)).as(variable).asString().startsWith("${" + variable + ":?");
        }
    }

    @Test
    void noSecretHasADefaultValue() {
        for (String service : List.of("node1", "node2", "postgres")) {
            environment(service).forEach((name, value) -> {
                if (name.endsWith("_SIGNATURE_SECRET")) {
                    // unset is empty, never a placeholder: that provider's webhook then refuses every call
                    assertThat(String.valueOf(value)).as(service + " " + name).isEqualTo("${" + name + ":-}");
                } else if (name.matches(".*(TOKEN|PASSWORD|SECRET|API_KEY).*")) {
                    assertThat(String.valueOf(value)).as(service + " " + name).matches("\\$\\{[A-Z0-9_]+:\\?.+}");
                }
            });
        }
        assertThat(environment("postgres").get("POSTGRES_PASSWORD")).isEqualTo(environment("node1").get("DLR_DB_PASSWORD"));
    }
}
