package com.dlradapter.polling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * OAuth2 client-credentials access tokens for providers whose status API wants one (Routee):
 * fetched from {@code dlr.providers.<id>.token-url} with {@code .client-id} and
 * {@code .client-secret} (HTTP basic auth, as RFC 6749 section 2.3.1 prefers), and cached until
 * shortly before they expire. Secrets never leave this class and are never logged.
 *
 * <p>Why not camel-http's own client-credentials options ({@code oauth2ClientId},
 * {@code oauth2ClientSecret}, {@code oauth2TokenEndpoint}, {@code oauth2CacheTokens}, ...:
 * {@code OAuth2ClientConfigurer}, read in Camel 4.18's source): they fall short of what polling
 * needs on three points.
 * <ul>
 * <li>Reuse until expiry: its token cache is keyed by the URI of the request it authenticates, and a
 *     status call's URI names the message (or batch) it asks about, so every call would fetch a
 *     new token: a token request per status call instead of one per token lifetime (tried against
 *     a local token endpoint: status calls for m1, m2, m3, m1, m1 fetched three tokens).</li>
 * <li>A refused token: it never forgets a cached token before its expiry, so a token the provider
 *     revoked is sent until then; here the provider's 401 drops it ({@link #forget}).</li>
 * <li>A failed token call: an HttpException thrown inside the status call, which reaches the route
 *     as the ClientProtocolException (message null) of any failed call. The poller could not tell
 *     it from a failed status call, so it could not stop the provider's turn
 *     ({@link CredentialUnavailableException}) and would ask a broken token endpoint once per
 *     message. An answer without {@code access_token} is sent on as "Bearer null".</li>
 * </ul>
 */
public class OAuth2Tokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EARLY = Duration.ofSeconds(30);

    private record Token(String value, Instant expiresAt) {
    }

    private final Function<String, StatusApi> apis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Token> cache = new ConcurrentHashMap<>();

    /** @param apis each provider's status API settings, read when a token is fetched */
    public OAuth2Tokens(Function<String, StatusApi> apis) {
        this.apis = apis;
    }

    /** A valid access token for the provider, fetched once and reused until it expires. */
    public String accessToken(String provider) throws IOException {
        Token token = cache.get(provider);
        if (token != null && Instant.now().isBefore(token.expiresAt())) {
            return token.value();
        }
        synchronized (this) {
            token = cache.get(provider);
            if (token == null || !Instant.now().isBefore(token.expiresAt())) {
                token = fetch(provider);
                cache.put(provider, token);
            }
            return token.value();
        }
    }

    /** The provider refused the token (401): fetch a new one next time. */
    public void forget(String provider) {
        cache.remove(provider);
    }

    private Token fetch(String provider) throws IOException {
        StatusApi api = apis.apply(provider);
        String url = api.required(api.tokenUrl(), "token-url");
        String credentials = api.required(api.clientId(), "client-id") + ":" + api.required(api.clientSecret(), "client-secret");
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(api.timeout())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the access token of " + provider, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("the token endpoint of " + provider + " answered " + response.statusCode());
        }
        JsonNode body = JSON.readTree(response.body());
        String value = body.path("access_token").asText(null);
        if (value == null || value.isBlank()) {
            throw new IOException("the token endpoint of " + provider + " gave no access_token");
        }
        long seconds = body.path("expires_in").asLong(300);
        return new Token(value, Instant.now().plusSeconds(seconds).minus(EARLY));
    }
}
