package io.github.drkit.benchmarks.soak;

import io.github.drkit.jdbc.DatabaseDialect;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The soak's {@link DatabaseDialect}: a probe answers the scripted state of the node the fake
 * connection belongs to. Stateless, thread-safe.
 */
final class ScriptedDialect implements DatabaseDialect {

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        return connection.unwrap(ScriptedNode.class).probe();
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    @Override
    public boolean isWriteOnReadOnlyNode(SQLException e) {
        return "25006".equals(e.getSQLState());
    }
}
