package com.dlradapter.health;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Readiness: can a connection to the receipt store be had and used? A node without its database
 * answers 503 to every receipt, so a load balancer should send receipts elsewhere. Not a liveness
 * check: restarting the node does not bring the database back.
 */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("dlr", "database");
        this.dataSource = dataSource;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(2)) {
                builder.detail("database", connection.getMetaData().getDatabaseProductName()
                        + " " + connection.getMetaData().getDatabaseProductVersion());
                builder.up();
            } else {
                builder.message("the database connection is not valid").down();
            }
        } catch (SQLException e) {
            builder.message("the database is unavailable: " + e.getMessage()).down();
        }
    }
}
