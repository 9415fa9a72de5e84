package com.dlradapter.health;

import com.dlradapter.store.Database;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Readiness: could a receipt be stored now? A pooled connection that answers is not enough: a
 * read-only database (an H2 file opened read-only, a PostgreSQL standby or read-only transaction)
 * answers reads and refuses every receipt, and an embedded H2 file deleted while open takes
 * writes that are gone at the next start. So the check makes sure the H2 file is still there and
 * runs a write that changes nothing ({@link #WRITE_PROBE}, rolled back), which the database
 * refuses exactly when it would refuse a receipt. A node without a writable database answers 503
 * to every receipt, so a load balancer should send receipts elsewhere. Not a liveness check:
 * restarting the node does not bring the database back.
 */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    /** An UPDATE of the table every receipt writes, matching no row: refused by a read-only database. */
    static final String WRITE_PROBE = "UPDATE message_status SET status = status WHERE 1 = 0";

    private final Database database;

    public DatabaseHealthCheck(Database database) {
        super("dlr", "database");
        this.database = database;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("store", database.describe());
        try {
            database.ensureKept();
        } catch (SQLException e) {
            builder.message(e.getMessage()).down();
            return;
        }
        try (Connection connection = database.dataSource().getConnection()) {
            builder.detail("database", connection.getMetaData().getDatabaseProductName()
                    + " " + connection.getMetaData().getDatabaseProductVersion());
            connection.setAutoCommit(false);
            try (Statement probe = connection.createStatement()) {
                probe.setQueryTimeout(2);
                probe.executeUpdate(WRITE_PROBE);
            } finally {
                connection.rollback();
            }
            builder.up();
        } catch (SQLException e) {
            builder.message("the database cannot store receipts now: " + firstLine(e.getMessage())).down();
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).replaceAll("; SQL statement:$", "");
    }
}
