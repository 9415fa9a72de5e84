package com.dlradapter.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets that come from the environment (a setting) or from a file, and, where none is given,
 * are generated once into an owner-only file and shown once in the log.
 */
public final class SecretFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /** The first line of a secret file, trimmed; fails if the file cannot be read or is empty. */
    public static String read(Path file, String what) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (value.isEmpty()) {
                throw new IllegalArgumentException(what + ": the file " + file + " is empty");
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": cannot read " + file, e);
        }
    }

    /** The secret kept in {@code file}, or a new random one written there (owner-only) and logged once. */
    public static String generated(Path file, String what, String hint) {
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!stored.isEmpty()) {
                    LOG.info("{} read from {} ({})", what, file, hint);
                    return stored;
                }
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            write(file, token);
            LOG.warn("Generated the {} {} and stored it in {} (owner-only); it is shown only this once ({})",
                    what, token, file, hint);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private static void write(Path file, String token) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);   // not a POSIX file system
        } catch (FileAlreadyExistsException e) {
            // an empty file left behind: reuse it
        }
        Files.writeString(file, token + System.lineSeparator(), StandardCharsets.UTF_8);
    }
}
