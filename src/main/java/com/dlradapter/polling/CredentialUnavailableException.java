package com.dlradapter.polling;

import java.io.IOException;

/**
 * A poll call could not be authenticated (no API key set, the OAuth2 token endpoint failed or
 * timed out): every other call of the turn would fail alike, so the turn stops for that provider.
 */
public class CredentialUnavailableException extends IOException {

    public CredentialUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
