package com.dlradapter.config;

import com.dlradapter.ops.ListenPorts;
import com.dlradapter.ops.PrivateFolder;
import com.dlradapter.ops.StartupSummary;
import com.dlradapter.store.DatabaseUrl;
import org.apache.camel.CamelContext;

import java.nio.file.Path;
import java.util.List;

/**
 * ops/: what is checked and claimed before anything starts (the listen ports, the data folder
 * made owner-only) and the one screen written when everything has started.
 */
final class OpsConfiguration {

    /** The data folder, and the folders kept owner-only (the data folder, an H2 database's files kept elsewhere). */
    record Folders(Path dataDirectory, List<PrivateFolder> privateFolders) {

        /** Makes private whatever an earlier run under a loose umask left in them. */
        void restrictAll() {
            privateFolders.forEach(PrivateFolder::restrictAll);
        }
    }

    private OpsConfiguration() {
    }

    static Folders claimPortsAndFolders(CamelContext context, Settings settings) throws Exception {
        // before anything starts: a port another process holds stops the start, naming the setting
        ListenPorts.requireFree("dlr.http.port", settings.text("dlr.http.host", "0.0.0.0"),
                settings.integer("dlr.http.port", 8080));
        ListenPorts.requireFree("dlr.management.port", settings.text("dlr.management.host", "127.0.0.1"),
                settings.integer("dlr.management.port", 9876));
        Path dataDirectory = Path.of(settings.text("dlr.data.dir", "data"));
        // The data folder (and an H2 database's files kept elsewhere) owner-only whatever the
        // umask, before the first file is written into it; new files are made private as they appear.
        List<PrivateFolder> privateFolders = PrivateFolder.forData(dataDirectory,
                DatabaseUrl.of(StoreConfiguration.databaseUrl(settings)).h2File());
        for (PrivateFolder folder : privateFolders) {
            context.addService(folder, true, true);
            folder.start();
        }
        return new Folders(dataDirectory, privateFolders);
    }

    /** One screen at the end of the start: what runs, where, which providers, which are polled. */
    static void startupSummary(CamelContext context, Settings settings, StartupSummary.Facts facts) throws Exception {
        context.addStartupListener(new StartupSummary(new StartupSummary.Configured(
                settings.text("dlr.management.host", "127.0.0.1"), settings.integer("dlr.management.port", 9876),
                settings.text("dlr.polling.cron", "0/30 * * * * ?"), PollingConfiguration.statusApi(settings),
                settings.text("dlr.mappings.dir", "mappings")), facts));
    }
}
