package com.dlradapter.store.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Statement;

/**
 * The sender's own reference of a message ({@code clientRef}: Vonage {@code client-ref}, Infobip
 * {@code callbackData}), which an ERP searches by (GET /api/messages?clientRef=). Up to 255
 * characters like batch_id; a message keeps the first one it learns, so the column is written at
 * most once and leaves PostgreSQL's HOT updates of a status change alone.
 * <p>
 * Its search index keeps the search's order (as V11's do). On PostgreSQL it is partial: a provider
 * that sends no reference pays no index write for its messages (the receipt path's cost stays
 * as it was); a search for one reference ({@code client_ref = ?}) implies {@code IS NOT NULL}, so
 * it reads that index. H2 has no partial indexes and indexes every row.
 */
public class V14__message_status_client_ref extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        boolean postgres = context.getConnection().getMetaData().getDatabaseProductName().toLowerCase().contains("postgresql");
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("ALTER TABLE message_status ADD COLUMN client_ref VARCHAR(255)");
            statement.execute("CREATE INDEX message_status_client_ref_ix ON message_status (client_ref, first_seen_at, provider, message_id)"
                    + (postgres ? " WHERE client_ref IS NOT NULL" : ""));
        }
    }
}
