package com.dlradapter.api;

import com.dlradapter.security.SecretFiles;

import java.nio.file.Path;

/**
 * The admin API's bearer token: {@code dlr.api.token} when set; otherwise one generated at first
 * start, kept owner-only in the data directory and shown once in the log, so the quick start
 * needs no setup and the API is never open.
 */
public final class ApiToken {

    static final String FILE_NAME = "api-token";

    private ApiToken() {
    }

    public static String resolve(String configured, Path dataDirectory) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        return SecretFiles.generated(dataDirectory.resolve(FILE_NAME), "admin API token",
                "set dlr.api.token to choose your own");
    }
}
