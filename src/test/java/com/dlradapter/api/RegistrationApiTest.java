package com.dlradapter.api;

import com.dlradapter.support.RunningAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP contract of POST /api/messages as the README documents it, over real HTTP. */
class RegistrationApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RunningAdapter adapter;

    @BeforeAll
    static void start() {
        adapter = RunningAdapter.start(RunningAdapter.defaults(data));
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static HttpResponse<String> register(String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adapter.url("/api/messages")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return adapter.send(request);
    }

    private static HttpResponse<String> register(String body) {
        return adapter.postApi("/api/messages", body);
    }

    private static void assertError(HttpResponse<String> response, int status, String error) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).isNotBlank()
                .doesNotContain("Exception").doesNotContain("com.").doesNotContain("org.");
    }

    @Test
    void registeringCreatesOnceAndAnswers201ThenNothingTwiceWith200() throws Exception {
        String body = """
                {"provider": "cecula", "messageId": "reg-1", "recipient": "2348181234567", "sentAt": "2026-06-09T13:00:00Z"}""";
        HttpResponse<String> first = register(body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("application/json"));
        assertThat(JSON.readTree(first.body())).isEqualTo(JSON.readTree(
                "{\"provider\":\"cecula\",\"messageId\":\"reg-1\",\"tracked\":true,\"created\":true}"));

        HttpResponse<String> second = register(body);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(JSON.readTree(second.body())).isEqualTo(JSON.readTree(
                "{\"provider\":\"cecula\",\"messageId\":\"reg-1\",\"tracked\":true,\"created\":false}"));

        // Tracked: the query API knows it, with its polling state (off: no dlr.providers.cecula.base-url
        // here, see PollingStateTest); registered once, not twice.
        JsonNode state = JSON.readTree(adapter.get("/api/messages/cecula/reg-1").body());
        assertThat(state.get("polling").get("state").asText()).isEqualTo("off");
        assertThat(state.get("recipient").asText()).isEqualTo("+2348181234567");
    }

    @Test
    void anInvalidBodyIs400() throws Exception {
        for (String body : new String[] {
                "not json", "[]", "", "{\"provider\": \"cecula\"}", "{\"messageId\": \"reg-x\"}",
                "{\"provider\": \"cecula\", \"messageId\": 42}",
                "{\"provider\": \"cecula\", \"messageId\": \"reg-x\", \"sentAt\": \"yesterday\"}",
                "{\"provider\": \"cecula\", \"messageId\": \"reg-x\", \"recipient\": \"not a number\"}"}) {
            assertError(register(body), 400, "bad-request");
        }
        assertThat(adapter.get("/api/messages/cecula/reg-x").statusCode()).as("nothing registered").isEqualTo(404);
    }

    @Test
    void anUnknownProviderIs404() throws Exception {
        assertError(register("{\"provider\": \"nosuchprovider\", \"messageId\": \"reg-2\"}"), 404, "not-found");
    }

    @Test
    void withoutTheBearerTokenItIs401AndNothingIsRegistered() throws Exception {
        String body = "{\"provider\": \"cecula\", \"messageId\": \"reg-3\"}";
        for (String authorization : new String[] {null, "Bearer wrong-token", "Basic dGVzdC1hcGktdG9rZW4="}) {
            HttpResponse<String> response = register(authorization, body);
            assertError(response, 401, "unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        assertThat(adapter.get("/api/messages/cecula/reg-3").statusCode()).isEqualTo(404);
    }
}
