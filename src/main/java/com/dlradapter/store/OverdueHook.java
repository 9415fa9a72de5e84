package com.dlradapter.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that must commit together with marking a message overdue (an alert, an outbox row):
 * called inside that transaction. Throwing rolls the marking back too.
 */
@FunctionalInterface
public interface OverdueHook {

    void beforeCommit(Connection connection, MessageOverdue overdue) throws SQLException;
}
