package io.github.drkit.jdbc.internal;

import java.sql.SQLException;

/** What a {@link RoutedConnection} needs from its data source. Not API. */
public interface Router {

    /**
     * Chooses a node for the intent and attaches a pooled connection to {@code target} with {@link
     * RoutedConnection#attach}.
     *
     * @throws SQLException typed: no writer, no reader, writes refused
     */
    void bind(RoutedConnection target, boolean read) throws SQLException;

    /**
     * Turns a driver error into drkit's typed failover errors when it means the node failed or changed
     * role (and asks for a re-probe); returns other errors unchanged.
     *
     * @param endpoint the index of the endpoint the connection is bound to
     * @param read whether the connection has read intent (then a read-only error is the application's
     *     own doing, not a demotion)
     * @param autoCommit whether the failed call ran in auto-commit mode (a write's effect is then
     *     unknown)
     * @param commit whether the failed call was a commit
     */
    SQLException translate(SQLException e, int endpoint, boolean read, boolean autoCommit, boolean commit);
}
