package com.dlradapter.api;

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
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/openapi.json}: an OpenAPI 3 document, behind the token, that describes every
 * route of routes/api.yaml (method and path) and the webhook endpoint, and nothing that is not there.
 */
class OpenApiDocumentTest {

    @TempDir
    Path data;

    @Test
    void describesEveryAdminRouteAndTheWebhookEndpoint() throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data))) {
            assertThat(adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/api/openapi.json"))).GET()).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> answer = adapter.get("/api/openapi.json");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            JsonNode document = new ObjectMapper().readTree(answer.body());
            assertThat(document.get("openapi").asText()).startsWith("3.");

            Set<String> described = new TreeSet<>();
            for (Iterator<String> paths = document.get("paths").fieldNames(); paths.hasNext(); ) {
                String path = paths.next();
                document.get("paths").get(path).fieldNames().forEachRemaining(method -> described.add(method.toUpperCase() + " " + path));
            }
            Set<String> routes = new TreeSet<>();
            Matcher route = Pattern.compile("uri: \"platform-http:(/api/[^\"]*)\"\\s+parameters:\\s+httpMethodRestrict: (\\w+)")
                    .matcher(Files.readString(Path.of("routes/api.yaml")));
            while (route.find()) {
                routes.add(route.group(2) + " " + route.group(1));
            }
            routes.addAll(Set.of("POST /webhooks/{provider}", "GET /webhooks/{provider}",
                    "POST /webhooks/{provider}/{token}", "GET /webhooks/{provider}/{token}"));
            assertThat(described).isEqualTo(routes);
            // the search's parameters, each of them (MessageSearchApi), and the registration's body
            JsonNode messages = document.get("paths").get("/api/messages");
            assertThat(messages.get("get").get("parameters").findValuesAsText("name")).containsExactly("provider", "messageId",
                    "clientRef", "recipient", "status", "final", "overdue", "since", "until", "limit", "cursor");
            assertThat(messages.at("/post/requestBody/content/application~1json/schema/properties").fieldNames())
                    .toIterable().containsExactly("provider", "messageId", "batchId", "clientRef", "recipient", "sentAt");
            // every operation answers 401 without the token (the webhooks: without the provider's)
            document.get("paths").forEach(item -> item.forEach(operation ->
                    assertThat(operation.get("responses").has("401")).as(operation.get("summary").asText()).isTrue()));
            // a provider's webhook tells how it is signed (ProvidersApi): scheme, carrier, secretConfigured
            assertThat(document.at("/paths/~1api~1providers~1{provider}/get/responses/200/content/application~1json/schema/$ref")
                    .asText()).isEqualTo("#/components/schemas/Provider");
            assertThat(document.at("/components/schemas/ProviderWebhook/properties/signature/$ref").asText())
                    .isEqualTo("#/components/schemas/ProviderSignature");
            assertThat(document.at("/components/schemas/ProviderSignature/properties").fieldNames()).toIterable()
                    .containsExactly("scheme", "carrier", "secretConfigured");
        }
    }
}
