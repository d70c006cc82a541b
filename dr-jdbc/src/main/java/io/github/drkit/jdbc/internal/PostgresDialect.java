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
     * can show the old timeline until the next checkpoint after a promotion); on a standby the newer of
     * the timeline its WAL receiver streams and that of its last restartpoint (a standby that already
     * streams a newer timeline proves a promotion). Position: insert LSN on a primary, replayed LSN on a
     * standby. Replay delay: what the standby says of itself (the monitor prefers its own measure).
     * Identity: system_identifier and the postmaster's start time (changes on every restart). A
     * primary is writable only if neither default_transaction_read_only nor transaction_read_only is
     * on (an operator can fence a primary by hand with them).
     */
    private static final String PROBE = "SELECT r,"
            + " CASE WHEN r THEN GREATEST("
            + "   COALESCE((SELECT received_tli FROM pg_stat_wal_receiver WHERE received_tli > 0), 0),"
            + "   (SELECT timeline_id FROM pg_control_checkpoint()))"
            + "  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END,"
            + " COALESCE(pg_wal_lsn_diff(CASE WHEN r THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,"
            + "   '0/0')::bigint, 0),"
            + " CASE WHEN r AND pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn()"
            + "  THEN GREATEST(0, COALESCE((extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
            + "   * 1000)::bigint, 0)) ELSE 0 END,"
            + " (SELECT system_identifier FROM pg_control_system())::text,"
            + " (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint::text,"
            + " current_setting('default_transaction_read_only'),"
            + " current_setting('transaction_read_only')"
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
            boolean defaultReadOnly = "on".equals(rs.getString(7));
            boolean readOnly = "on".equals(rs.getString(8));
            String note = "";
            if (!inRecovery && (defaultReadOnly || readOnly)) {
                note = defaultReadOnly ? "default_transaction_read_only=on" : "transaction_read_only=on";
            }
            String cluster = rs.getString(5);
            String incarnation = rs.getString(6);
            return new Probe(
                    !inRecovery && note.isEmpty(),
                    rs.getLong(2),
                    rs.getLong(3),
                    Duration.ofMillis(rs.getLong(4)),
                    cluster == null ? "" : cluster,
                    incarnation == null ? "" : incarnation,
                    note);
        }
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null
                && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    @Override
    public boolean isNodeGone(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    @Override
    public boolean isWriteOnReadOnlyNode(SQLException e) {
        return "25006".equals(e.getSQLState());
    }
}
