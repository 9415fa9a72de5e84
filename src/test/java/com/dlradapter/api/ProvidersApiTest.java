package com.dlradapter.api;

import com.dlradapter.mapping.MappingLoader;
import com.dlradapter.mapping.MappingRegistry;
import com.dlradapter.mapping.ProviderMapping;
import com.dlradapter.mapping.SampleCheck;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/providers} and {@code /api/providers/{provider}}: every provider of mappings/
 * with a webhook URL that the adapter itself accepts (configured, generated and no token), its
 * mapping file, status table and samples as loaded and checked, its polling state; the token only
 * behind the admin token; the URL from {@code dlr.http.public-base-url} when set.
 */
class ProvidersApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void describesEveryProviderWithAWebhookUrlTheAdapterAccepts() throws Exception {
        Map<String, String> settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.remove("dlr.providers.mplus.token");          // generated into data/provider-tokens/mplus
        settings.put("dlr.providers.acme.auth", "none");
        settings.remove("dlr.providers.acme.token");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            HttpResponse<String> anonymous = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/providers"))).GET());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).doesNotContain("test-zeckta-token");
            HttpResponse<String> wrong = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/providers/zeckta")))
                    .header("Authorization", "Bearer wrong").GET());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain("test-zeckta-token");

            HttpResponse<String> answer = adapter.get("/api/providers");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Cache-Control")).as("it holds the webhook tokens").hasValue("no-store");
            JsonNode providers = JSON.readTree(answer.body()).get("providers");
            List<String> ids = new ArrayList<>();
            providers.forEach(provider -> ids.add(provider.get("provider").asText()));
            assertThat(ids).containsExactlyElementsOf(new java.util.TreeSet<>(RunningAdapter.PROVIDERS));

            Map<String, ProviderMapping> mappings = new MappingLoader().loadDirectory(Path.of("mappings"));
            for (JsonNode provider : providers) {
                ProviderMapping mapping = mappings.get(provider.get("provider").asText());
                assertThat(provider.get("mappingFile").asText()).isEqualTo(mapping.file().getFileName().toString());
                assertThat(provider.get("mapping").asText()).isEqualTo(Files.readString(mapping.file()));
                assertThat(provider.get("statuses")).hasSize(mapping.statuses().size());
                assertThat(provider.get("samples")).hasSize(mapping.samples().size());
                provider.get("samples").forEach(sample -> assertThat(sample.get("passed").asBoolean())
                        .as(sample.toString()).isTrue());
                assertThat(provider.get("polling").get("state").asText()).isEqualTo("off");
            }

            JsonNode zeckta = JSON.readTree(adapter.get("/api/providers/zeckta").body());
            assertThat(zeckta.get("webhook").get("auth").asText()).isEqualTo("token");
            assertThat(zeckta.get("webhook").get("token").asText()).isEqualTo("test-zeckta-token");
            String url = zeckta.get("webhook").get("url").asText();
            assertThat(url).isEqualTo(adapter.url("/webhooks/zeckta/test-zeckta-token"));
            assertThat(zeckta.get("statuses")).anySatisfy(row -> {
                assertThat(row.get("providerStatus").asText()).isEqualTo("UNDELIVERABLE");
                assertThat(row.get("status").asText()).isEqualTo("UNDELIVERED");
            });
            assertThat(zeckta.get("samples").get(0).get("name").asText())
                    .isEqualTo(SampleCheck.runAll(mappings.get("zeckta")).get(0).sample());
            // the URL as given is one the adapter takes: the receipt is stored
            assertThat(post(adapter, url, Payloads.zeckta("ev-url-1", "MESSAGE_DELIVERED", "DELIVERED", "zs-url")).statusCode())
                    .isEqualTo(200);
            assertThat(adapter.get("/api/messages/zeckta/zs-url").statusCode()).isEqualTo(200);

            // a generated token: the one in the data folder
            JsonNode mplus = JSON.readTree(adapter.get("/api/providers/mplus").body());
            String generated = Files.readString(data.resolve("provider-tokens").resolve("mplus")).strip();
            assertThat(mplus.get("webhook").get("token").asText()).isEqualTo(generated);
            assertThat(mplus.get("webhook").get("url").asText()).endsWith("/webhooks/mplus/" + generated);
            // no token: the plain webhook path
            JsonNode acme = JSON.readTree(adapter.get("/api/providers/acme").body());
            assertThat(acme.get("webhook").get("auth").asText()).isEqualTo("none");
            assertThat(acme.get("webhook").get("token").isNull()).isTrue();
            assertThat(acme.get("webhook").get("url").asText()).isEqualTo(adapter.url("/webhooks/acme"));

            assertThat(adapter.get("/api/providers/nobody").statusCode()).isEqualTo(404);
            assertThat(adapter.call("POST", "/api/providers", RunningAdapter.API_TOKEN).statusCode()).isEqualTo(405);
        }
    }

    @Test
    void buildsTheUrlFromThePublicBaseUrl() throws Exception {
        Map<String, String> settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.http.public-base-url", "https://dlr.example.com/");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            JsonNode zeckta = JSON.readTree(adapter.get("/api/providers/zeckta").body());
            assertThat(zeckta.get("webhook").get("url").asText()).isEqualTo("https://dlr.example.com/webhooks/zeckta/test-zeckta-token");
        }
    }

    @Test
    void runsTheSamplesOncePerLoadedVersionOfAMapping() throws Exception {
        Path mappings = Files.createDirectories(data.resolve("mappings"));
        Path zeckta = mappings.resolve("zeckta.yaml");
        Files.copy(Path.of("mappings", "zeckta.yaml"), zeckta);
        MappingRegistry registry = new MappingRegistry(mappings);
        ProvidersApi api = new ProvidersApi(registry, provider -> null, provider -> null, null, null, null);

        List<Map<String, Object>> first = api.samples(registry.mappings().get("zeckta"));
        assertThat(first).hasSize(registry.mappings().get("zeckta").samples().size());
        assertThat(api.samples(registry.mappings().get("zeckta"))).as("the same version: not run again").isSameAs(first);

        registry.reload(List.of(zeckta), List.of());   // a new version of the same file
        List<Map<String, Object>> reloaded = api.samples(registry.mappings().get("zeckta"));
        assertThat(reloaded).as("a new version: run again").isNotSameAs(first).isEqualTo(first);
    }

    private static HttpResponse<String> post(RunningAdapter adapter, String url, String body) {
        return adapter.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
