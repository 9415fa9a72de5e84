package com.dlradapter.reload;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A folder checked for changed files while the adapter runs, on a Camel-managed thread: what a
 * hot reload of a folder (mappings/) needs, without the folder's owner knowing how it is watched.
 */
public final class WatchedFolder extends ServiceSupport {

    private final CamelContext context;
    private final DirectoryWatch watch;
    private final String threadName;
    private final Duration interval;
    private Consumer<DirectoryWatch.Changes> listener = changes -> { };
    private AutoCloseable watcher;

    /**
     * Takes the folder's state now, so create it before the folder is first read: a file changed
     * in between is then read again on the first check rather than missed.
     */
    public WatchedFolder(CamelContext context, Path directory, Predicate<Path> filter, String threadName, Duration interval) {
        this.context = context;
        this.watch = new DirectoryWatch(directory, filter);
        this.threadName = threadName;
        this.interval = interval;
    }

    /** Who is told of each non-empty set of changes; set before the start. */
    public void onChanges(Consumer<DirectoryWatch.Changes> listener) {
        this.listener = listener;
    }

    @Override
    protected void doStart() {
        watcher = watch.every(context, this, threadName, interval, listener);
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }
}
