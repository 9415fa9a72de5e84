package com.dlradapter.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Keeps a folder of the adapter's data private whatever the process's umask: the folder and its
 * sub-folders {@code rwx------}, every file {@code rw-------}. Java cannot set the umask, and H2
 * creates its files (the database, its trace and temporary files, some only later) with the
 * umask's permissions, so the folder is made owner-only first (nobody else can even look inside,
 * whatever a file's own permissions), then new entries are made private as they appear (a file
 * system watch) and, once the start has read its tokens, everything already there is.
 *
 * <p>Only entries the filter accepts are touched: everything in {@code dlr.data.dir}, or only the
 * database's own files in an H2 folder elsewhere.
 */
public class PrivateFolder extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateFolder.class);
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path folder;
    private final Predicate<Path> mine;
    private final boolean wholeFolder;
    private WatchService watch;
    private CamelContext camelContext;
    private ExecutorService watcher;

    private PrivateFolder(Path folder, Predicate<Path> mine, boolean wholeFolder) {
        this.folder = folder.toAbsolutePath().normalize();
        this.mine = mine;
        this.wholeFolder = wholeFolder;
    }

    /**
     * The folders to keep private: {@code dlr.data.dir} as a whole, and an embedded H2 database's
     * own files when they are kept elsewhere ({@code h2File} null: no H2 file).
     */
    public static List<PrivateFolder> forData(Path dataDirectory, Path h2File) {
        List<PrivateFolder> folders = new ArrayList<>();
        PrivateFolder data = whole(dataDirectory);
        folders.add(data);
        if (h2File != null) {
            Path h2 = h2File.toAbsolutePath().normalize();
            if (!h2.startsWith(data.folder())) {
                String name = h2.getFileName().toString();
                folders.add(filesNamed(h2.getParent(), name.substring(0, name.length() - ".mv.db".length())));
            }
        }
        return folders;
    }

    /** The whole folder is the adapter's (dlr.data.dir): created if absent, and made owner-only now. */
    public static PrivateFolder whole(Path folder) {
        PrivateFolder data = new PrivateFolder(folder, path -> true, true);
        data.createOwnerOnly();
        return data;
    }

    /**
     * Only the entries named {@code <prefix>.*} are the adapter's (an H2 database beside other
     * things); the folder itself is made owner-only only if the adapter creates it.
     */
    public static PrivateFolder filesNamed(Path folder, String prefix) {
        boolean created = !Files.exists(folder);
        PrivateFolder files = new PrivateFolder(folder, path -> path.getFileName().toString().startsWith(prefix + "."), created);
        if (created) {
            files.createOwnerOnly();
        }
        return files;
    }

    public Path folder() {
        return folder;
    }

    private void createOwnerOnly() {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("dlr.data.dir: cannot create the folder " + folder, e);
        }
        try {
            restrict(folder, FOLDER);
        } catch (IOException e) {
            // e.g. a mounted volume owned by root and shared through its group: the operator's to keep private
            LOG.warn("Cannot make {} owner-only ({}): make sure no other user can read it", folder, e.getMessage());
        }
    }

    /**
     * Makes every entry the adapter owns in the folder private: folders {@code rwx------}, files
     * {@code rw-------} (symbolic links are left alone: their targets are not ours). Called once
     * the start has checked the tokens kept here, so that a token file others could write is
     * refused rather than quietly made private.
     */
    public void restrictAll() {
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<String> notMine = new ArrayList<>();
        try (Stream<Path> entries = Files.walk(folder)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (entry.equals(folder) ? wholeFolder : mine.test(folder.relativize(entry).getName(0))) {
                    try {
                        restrictEntry(entry);
                    } catch (FileSystemException e) {
                        notMine.add(entry.toString());   // another user's file: chmod is not ours to do
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot make the files in " + folder + " private: " + e.getMessage(), e);
        }
        if (!notMine.isEmpty()) {
            LOG.warn("Cannot make {} owner-only (not the adapter's user's): make sure no other user can read them", notMine);
        }
    }

    private static void restrictEntry(Path entry) throws IOException {
        if (Files.isSymbolicLink(entry)) {
            return;
        }
        try {
            restrict(entry, Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) ? FOLDER : FILE);
        } catch (NoSuchFileException gone) {
            // a temporary file already deleted
        }
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(permissions)) {
                Files.setPosixFilePermissions(path, permissions);
            }
        } catch (UnsupportedOperationException notPosix) {
            // Windows and other non-POSIX file systems: their ACLs are the operator's
        }
    }

    /** Watches the folder (and the folders created in it) and makes each new entry private at once. */
    @Override
    protected void doStart() throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        watch = FileSystems.getDefault().newWatchService();
        if (wholeFolder) {
            try (Stream<Path> entries = Files.walk(folder)) {
                for (Path directory : (Iterable<Path>) entries.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
                    directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                }
            }
        } else {
            folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        }
        // Camel's thread (named, stopped with the context), added to the context before it starts
        watcher = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "dlr-private-files");
        watcher.submit(this::watchLoop);
    }

    private void register(Path directory) throws IOException {
        directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        if (!directory.equals(folder)) {
            try (Stream<Path> entries = Files.list(directory)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    restrictEntry(entry);   // created before the folder was watched
                }
            }
        }
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                Path directory = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        restrictAll();
                        continue;
                    }
                    Path entry = directory.resolve((Path) event.context());
                    if (!mine.test(folder.relativize(entry).getName(0))) {
                        continue;
                    }
                    try {
                        restrictEntry(entry);
                        if (wholeFolder && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                            register(entry);
                        }
                    } catch (IOException e) {
                        LOG.warn("Cannot make {} private: {}", entry, e.getMessage());
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.warn("Stopped making new files in {} private: {}", folder, e.getMessage());
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    protected void doStop() throws IOException {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        if (watcher != null) {
            camelContext.getExecutorServiceManager().shutdownNow(watcher);
            watcher = null;
        }
    }
}
