package com.dlradapter.polling;

import java.io.IOException;
import java.time.Duration;

/**
 * One provider's status API as configured ({@code dlr.providers.<id>.*}): where it is
 * ({@code base-url}, null: the provider is not polled), its credentials ({@code api-key}, or the
 * OAuth2 client's {@code token-url}, {@code client-id} and {@code client-secret}) and the time
 * bound of a call ({@code timeout}). A credential that is not set is null: the call that needs it
 * fails, naming the setting.
 */
public record StatusApi(String provider, String baseUrl, String apiKey, String tokenUrl, String clientId,
                        String clientSecret, Duration timeout) {

    /** Whether the provider is polled at all. */
    public boolean configured() {
        return baseUrl != null;
    }

    /** The name of the provider's setting {@code name}, for messages. */
    String setting(String name) {
        return "dlr.providers." + provider + "." + name;
    }

    /** {@code value}, or an IOException naming the setting that is not set. */
    String required(String value, String name) throws IOException {
        if (value == null) {
            throw new IOException(setting(name) + " is not set");
        }
        return value;
    }
}
