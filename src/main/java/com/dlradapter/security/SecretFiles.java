package com.dlradapter.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Secrets that come from the environment (a setting) or from a file, and, where none is given,
 * are generated once into an owner-only file and shown once in the log. A secret file is only
 * believed when nobody but the adapter's user (or root) could have written it: owned by that user
 * or root, and not writable by group or others. Otherwise another local user could have put their
 * own token there (after a restart the adapter would accept it), so the start stops.
 */
public final class SecretFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long ROOT = 0;

    private SecretFiles() {
    }

    /** The first line of a secret file, trimmed; fails if the file cannot be read, is empty or is not trusted. */
    public static String read(Path file, String what) {
        try {
            requireTrusted(file, what);
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
                requireTrusted(file, what);
                String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!stored.isEmpty()) {
                    LOG.info("{}{} read from {} ({})", Character.toUpperCase(what.charAt(0)), what.substring(1), file, hint);
                    return stored;
                }
            }
            createPrivateDirectories(file.toAbsolutePath().getParent());
            String token = newToken();
            write(file, token);
            LOG.warn("Generated the {} {} and stored it in {} (owner-only); it is shown only this once ({})",
                    what, token, file, hint);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the " + what + " file " + file, e);
        }
    }

    /** 32 random bytes, URL-safe Base64. */
    public static String newToken() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * Refuses a secret file that someone other than the adapter's user could have written: one
     * owned by another user (root excepted, as for mounted secrets), or writable by its group or
     * by others. Symbolic links are followed (mounted Kubernetes secrets are links): the file
     * checked is the one read. Nothing to check where the file system has no POSIX owners.
     */
    public static void requireTrusted(Path file, String what) throws IOException {
        PosixFileAttributes attributes;
        long owner;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
            owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();
        } catch (UnsupportedOperationException | IllegalArgumentException notPosix) {
            return;
        }
        if (owner != ROOT && !attributes.owner().equals(processUser(file))) {
            throw new IllegalStateException(what + ": " + file + " belongs to the user " + attributes.owner().getName()
                    + ", not to the adapter's user (" + System.getProperty("user.name") + ") or root: another user may have "
                    + "put their own secret there. Check it, then give it to the adapter's user (chown) or remove it.");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException(what + ": " + file + " is writable by its group or by others ("
                    + PosixFilePermissions.toString(permissions) + "): anyone could have replaced the secret. Check it, "
                    + "then make it owner-only (chmod 600 " + file + ") or remove it.");
        }
    }

    /**
     * The user the adapter runs as: the owner of {@code /proc/self} (Linux gives a process's entry
     * to its effective user, also to a user id without a name, as containers often run), else the
     * user {@code user.name} names.
     */
    static UserPrincipal processUser(Path file) throws IOException {
        Path self = file.getFileSystem().getPath("/proc/self");
        if (Files.isDirectory(self)) {
            return Files.getOwner(self);
        }
        return file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
    }

    /** Creates the folder and any missing parent owner-only ({@code rwx------}), whatever the umask. */
    public static void createPrivateDirectories(Path folder) throws IOException {
        if (folder == null || Files.isDirectory(folder)) {
            return;
        }
        createPrivateDirectories(folder.toAbsolutePath().getParent());
        try {
            Files.createDirectory(folder);
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (FileAlreadyExistsException e) {
            // created meanwhile
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    /** Writes a new owner-only file ({@code rw-------} whatever the umask) holding the secret. */
    public static void write(Path file, String token) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);   // not a POSIX file system
        } catch (FileAlreadyExistsException e) {
            // an empty file left behind: reuse it
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.writeString(file, token + System.lineSeparator(), StandardCharsets.UTF_8);
    }
}
