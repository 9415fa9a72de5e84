package com.dlradapter.store.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Statement;

/**
 * PostgreSQL only: message_status rows are updated a few times each (every status change), never
 * on their key. With room left on each page (fillfactor 70), PostgreSQL writes the new version of
 * a row on the same page without a new index entry (a HOT update); with full pages every update
 * also inserted into the primary-key index. H2 has no such setting and needs nothing.
 */
public class V9__message_status_fillfactor extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!context.getConnection().getMetaData().getDatabaseProductName().toLowerCase().contains("postgresql")) {
            return;
        }
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("ALTER TABLE message_status SET (fillfactor = 70)");
        }
    }
}
