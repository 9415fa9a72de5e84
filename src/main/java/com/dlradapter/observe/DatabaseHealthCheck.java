package com.dlradapter.observe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.Map;

/**
 * Readiness and liveness of the receipt store: a connection from the pool that answers
 * {@code isValid} within a second. Shown at /observe/health (and /observe/health/ready) on the
 * management port; DOWN makes the endpoint answer 503.
 */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("dlr", "database");
        this.dataSource = dataSource;
    }

    @Override
    public boolean isLiveness() {
        return false;   // a database outage is not a reason to restart the adapter: it recovers by itself
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(1)) {
                builder.up();
            } else {
                builder.message("the database connection is not valid").down();
            }
        } catch (Exception e) {
            builder.message("the database is unavailable: " + e.getClass().getSimpleName()).down();
        }
    }
}
