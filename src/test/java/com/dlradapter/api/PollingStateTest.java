package com.dlradapter.api;

import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.TestDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query API's polling state tells the truth: {@code off} for a provider that is not polled
 * (no {@code dlr.providers.<id>.base-url}, or no polling route), with no next poll; {@code active}
 * with the next poll for one that is. A provider that is not polled has no polling route running.
 */
class PollingStateTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aProviderThatIsNotPolledShowsOff(TestDatabases.Kind kind) throws Exception {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data, kind))) {
            assertThat(register(adapter, "cecula", "not-polled-1").statusCode()).isEqualTo(201);
            JsonNode polling = adapter.message("cecula", "not-polled-1").get("polling");
            assertThat(polling.get("state").asText()).as(polling.toString()).isEqualTo("off");
            assertThat(polling.get("nextPollAt").isNull()).as(polling.toString()).isTrue();

            // tracked by a non-final webhook receipt: not polled either
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("np-2", "MESSAGE_SENT", "SENT", "not-polled-2"))
                    .statusCode()).isEqualTo(200);
            assertThat(adapter.message("zeckta", "not-polled-2").get("polling").get("state").asText()).isEqualTo("off");

            // nothing to poll: the polling routes are not started, and that is no reason to be unready
            for (String route : new String[] {"poll-cecula", "poll-zeckta", "poll-mplus", "poll-routee"}) {
                assertThat(adapter.context().getRouteController().getRouteStatus(route)).as(route)
                        .isNotEqualTo(ServiceStatus.Started);
            }
            HttpResponse<String> ready = adapter.send(HttpRequest.newBuilder(
                    URI.create(adapter.managementUrl("/observe/health/ready"))).GET());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        }
    }

    @Test
    void aPolledProviderShowsActiveWithItsNextPoll() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        // a status API nobody answers: the message stays due, its schedule active
        settings.put("dlr.providers.cecula.base-url", "http://127.0.0.1:" + RunningAdapter.freePort() + "/api");
        settings.put("dlr.providers.cecula.api-key", "k");
        settings.put("dlr.providers.acme.base-url", "http://127.0.0.1:" + RunningAdapter.freePort());
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            assertThat(register(adapter, "cecula", "polled-1").statusCode()).isEqualTo(201);
            JsonNode polling = adapter.message("cecula", "polled-1").get("polling");
            assertThat(polling.get("state").asText()).as(polling.toString()).isEqualTo("active");
            assertThat(Instant.parse(polling.get("nextPollAt").asText())).isAfter(Instant.now().minusSeconds(60));
            assertThat(adapter.context().getRouteController().getRouteStatus("poll-cecula")).isEqualTo(ServiceStatus.Started);
            assertThat(adapter.context().getRouteController().getRouteStatus("poll-zeckta")).isNotEqualTo(ServiceStatus.Started);

            // a base URL, but no polling route (Acme has no status API): not polled
            assertThat(register(adapter, "acme", "acme-1").statusCode()).isEqualTo(201);
            assertThat(adapter.message("acme", "acme-1").get("polling").get("state").asText()).isEqualTo("off");
        }
    }

    private static HttpResponse<String> register(RunningAdapter adapter, String provider, String messageId) {
        return adapter.postApi("/api/messages", "{\"provider\":\"" + provider + "\",\"messageId\":\"" + messageId + "\"}");
    }
}
