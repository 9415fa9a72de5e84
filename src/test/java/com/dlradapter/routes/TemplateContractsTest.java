package com.dlradapter.routes;

import com.dlradapter.support.RunningAdapter;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local Kamelets' parameter contracts (routes/*.kamelet.yaml, spec.definition): a wrong value
 * stops the loading of the routes with the route file, the parameter and the allowed values, in
 * whichever order the files load; the shipped provider route files keep to them.
 */
class TemplateContractsTest {

    /** The providers with a shipped mapping. */
    static final java.util.Set<String> MAPPED = new com.dlradapter.mapping.MappingLoader().loadDirectory(Path.of("mappings")).keySet();

    @TempDir
    Path folder;
    CamelContext context;

    @BeforeEach
    void context() {
        context = new DefaultCamelContext();
        context.getRegistry().bind("templateContracts", new TemplateContracts(context, MAPPED::contains));
    }

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    @Test
    void theShippedRouteFilesKeepToTheContracts() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            load(files.sorted().toList());
        }
        assertThat(context.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class)
                .getRouteDefinition("poll-routee").getTemplateParameters()).containsEntry("auth", "oauth2");
    }

    @Test
    void aWrongEnumeratedValueNamesFileParameterAndAllowedValues() throws Exception {
        Path bad = provider("bad-per.yaml", "poll-bad", "provider-poller",
                Map.of("provider", "cecula", "statusPath", "/sms/{key}", "per", "weekly"));
        // the provider file first: it waits for its Kamelet
        assertThatThrownBy(() -> load(List.of(bad, Path.of("routes/polling-template.kamelet.yaml"))))
                .hasStackTraceContaining(bad.toString())
                .hasStackTraceContaining("route poll-bad (template provider-poller)")
                .hasStackTraceContaining("parameter 'per' is 'weekly': allowed values are message, batch");
    }

    @Test
    void aWrongAuthAfterItsKameletIsRefusedToo() throws Exception {
        Path bad = provider("bad-auth.yaml", "poll-bad", "provider-poller",
                Map.of("provider", "cecula", "statusPath", "/sms/{key}", "auth", "bearer"));
        assertThatThrownBy(() -> load(List.of(Path.of("routes/polling-template.kamelet.yaml"), bad)))
                .hasStackTraceContaining(bad.toString())
                .hasStackTraceContaining("parameter 'auth' is 'bearer': allowed values are api-key, oauth2, none");
    }

    @Test
    void requiredParametersAndWebhookMethods() throws Exception {
        Path missing = provider("missing.yaml", "poll-missing", "provider-poller", Map.of("provider", "cecula"));
        assertThatThrownBy(() -> load(List.of(Path.of("routes/polling-template.kamelet.yaml"), missing)))
                .hasStackTraceContaining("parameter 'statusPath' is required");
        Path methods = provider("methods.yaml", "webhook-put", "provider-webhook",
                Map.of("provider", "acme", "methods", "PUT"));
        assertThatThrownBy(() -> load(List.of(Path.of("routes/webhook-template.kamelet.yaml"), methods)))
                .hasStackTraceContaining("parameter 'methods' is 'PUT': allowed values are POST, GET, GET,POST, POST,GET");
    }

    /** The adapter as users start it: a wrong value in a route file stops the start, saying where and what. */
    @Test
    void aWrongValueStopsTheStart(@TempDir Path data) throws Exception {
        Path routes = Files.createDirectories(folder.resolve("routes"));
        Path bad = provider("routes/zeckta-poll.yaml", "poll-zeckta-again", "provider-poller",
                Map.of("provider", "zeckta", "statusPath", "/v1/{key}", "per", "weekly"));
        Map<String, String> settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("camel.main.routes-include-pattern", "file:routes/*.yaml,file:" + routes.toAbsolutePath() + "/*.yaml");
        // the message itself, as "dlr-adapter failed to start: ..." logs it
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasMessageContaining(bad.toAbsolutePath().toString())
                .hasMessageContaining("parameter 'per' is 'weekly': allowed values are message, batch");
    }

    /** A route file whose provider has no mapping stops the start, naming the file, the route and the provider. */
    @Test
    void aRouteForAProviderWithoutAMappingStopsTheStart(@TempDir Path data) throws Exception {
        Path routes = Files.createDirectories(folder.resolve("routes"));
        Path orphan = provider("routes/nomap.yaml", "webhook-nomap", "provider-webhook", Map.of("provider", "nomap"));
        Map<String, String> settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("camel.main.routes-include-pattern", "file:routes/*.yaml,file:" + routes.toAbsolutePath() + "/*.yaml");
        assertThatThrownBy(() -> RunningAdapter.start(settings))
                .hasMessageContaining(orphan.toAbsolutePath().toString())
                .hasMessageContaining("route webhook-nomap (template provider-webhook)")
                .hasMessageContaining("provider 'nomap' has no mapping");
        // unit level: the same for a poller, whichever file loads first
        Path poller = provider("nomap-poll.yaml", "poll-nomap", "provider-poller",
                Map.of("provider", "nomap", "statusPath", "/v1/{key}"));
        assertThatThrownBy(() -> load(List.of(poller, Path.of("routes/polling-template.kamelet.yaml"))))
                .hasStackTraceContaining("provider 'nomap' has no mapping");
    }

    private Path provider(String name, String routeId, String template, Map<String, String> parameters) throws IOException {
        StringBuilder yaml = new StringBuilder("- templatedRoute:\n    routeTemplateRef: " + template
                + "\n    routeId: " + routeId + "\n    parameters:\n");
        parameters.forEach((key, value) -> yaml.append("      - name: ").append(key)
                .append("\n        value: \"").append(value).append("\"\n"));
        return Files.writeString(folder.resolve(name), yaml);
    }

    private void load(List<Path> files) throws Exception {
        List<Resource> resources = new ArrayList<>();
        for (Path file : files) {
            resources.add(ResourceHelper.resolveMandatoryResource(context, "file:" + file));
        }
        PluginHelper.getRoutesLoader(context).loadRoutes(resources);
    }
}
