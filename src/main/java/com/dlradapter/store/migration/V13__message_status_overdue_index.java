package com.dlradapter.store.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Statement;

/**
 * PostgreSQL only: the message search's {@code overdue=true} (GET /api/messages) in the search's
 * order. Overdue messages are few, so without an index of their own a page walks the time index
 * past every message that is not overdue. A partial index holds only the overdue ones: one entry
 * written when the overdue sweep sets overdue_at (an update that is not HOT anyway, overdue_at is in
 * message_status_open_ix), none for any other message. H2 has no partial indexes; its searches walk
 * the time index (message_status_seen_ix), which at H2's sizes is fast enough.
 */
public class V13__message_status_overdue_index extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!context.getConnection().getMetaData().getDatabaseProductName().toLowerCase().contains("postgresql")) {
            return;
        }
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("""
                    CREATE INDEX message_status_overdue_ix ON message_status (first_seen_at, provider, message_id)
                    WHERE overdue_at IS NOT NULL""");
        }
    }
}
