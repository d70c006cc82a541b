package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** PostgreSQL: role from {@code pg_is_in_recovery()}, timeline robust right after promotion. */
public final class PostgresDialect implements DatabaseDialect {

    /** The shared instance. */
    public static final PostgresDialect INSTANCE = new PostgresDialect();

    /*
     * Timeline: on a primary the first 8 hex digits of the current WAL file name (the control file
     * can show the old timeline until the next checkpoint after a promotion); on a standby the
     * timeline its WAL receiver streams, else that of its last checkpoint.
     * Position: insert LSN on a primary, replayed LSN on a standby.
     * Replay delay: only when the standby has received more than it replayed, else 0 (the replay
     * timestamp keeps ageing on an idle primary and would report false lag).
     */
    private static final String PROBE = "SELECT r,"
            + " CASE WHEN r THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver WHERE received_tli > 0),"
            + "   (SELECT timeline_id FROM pg_control_checkpoint()))"
            + "  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END,"
            + " pg_wal_lsn_diff(CASE WHEN r THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,"
            + "   '0/0')::bigint,"
            + " CASE WHEN r AND pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn()"
            + "  THEN GREATEST(0, (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
            + "   * 1000)::bigint) ELSE 0 END"
            + " FROM (SELECT pg_is_in_recovery() AS r) s";

    private PostgresDialect() {}

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(PROBE)) {
            if (!rs.next()) {
                throw new SQLException("probe returned no row");
            }
            boolean inRecovery = rs.getBoolean(1);
            return new Probe(!inRecovery, rs.getLong(2), rs.getLong(3), Duration.ofMillis(rs.getLong(4)));
        }
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null
                && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    @Override
    public boolean isWriteOnReadOnlyNode(SQLException e) {
        return "25006".equals(e.getSQLState());
    }
}
