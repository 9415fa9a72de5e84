package com.dlradapter.api;

import com.dlradapter.security.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The admin API's bearer token: {@code dlr.api.token} when set; otherwise one generated at first
 * start, kept owner-only in the data directory and shown once in the log, so the quick start
 * needs no setup and the API is never open.
 */
public final class ApiToken {

    private static final Logger LOG = LoggerFactory.getLogger(ApiToken.class);
    static final String FILE_NAME = "api-token";

    private ApiToken() {
    }

    public static String resolve(String configured, Path dataDirectory) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                SecretFiles.requireTrusted(file, "the admin API token");
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!stored.isEmpty()) {
                    LOG.info("Admin API token read from {} (set dlr.api.token to choose your own)", file);
                    return stored;
                }
            }
            SecretFiles.createPrivateDirectories(dataDirectory);
            String token = SecretFiles.newToken();
            SecretFiles.write(file, token);
            LOG.warn("No dlr.api.token set: generated the admin API token {} and stored it in {} (owner-only). "
                    + "It is shown only this once.", token, file);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin API token file " + file, e);
        }
    }
}
