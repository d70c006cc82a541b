package io.github.drkit.jdbc.aurora;

import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test support: Aurora PostgreSQL's two functions on a real PostgreSQL primary and its standbys, so
 * that {@code AuroraPostgresDialect}'s SQL runs unchanged.
 *
 * <ul>
 *   <li>{@code aurora_replica_status()} with the 22 columns AWS documents, in its order, backed by the
 *       table {@code aurora_standin.instances} that the test writes on the primary (it replicates to
 *       the standbys like any table): who carries {@code MASTER_SESSION_ID}, each reader's {@code
 *       replica_lag_in_msec}, {@code last_update_timestamp}. As AWS documents for 13.9 and newer, the
 *       row of the instance asked has a {@code NULL} {@code last_update_timestamp}. AWS names the
 *       columns but not their types: identifiers are {@code text}, LSNs and counters {@code bigint},
 *       lag and CPU {@code real}, times {@code timestamptz}; the dialect casts what it reads.
 *   <li>{@code aurora_db_instance_identifier()} returning {@code varchar} (as documented): the
 *       identifier of the row whose port is the one the session came in on ({@code
 *       inet_server_port()}), so one replicated definition answers differently on each node.
 *   <li>What Aurora does not offer is made unusable: {@code EXECUTE} on the WAL position, WAL file,
 *       replay and control-file functions and {@code SELECT} on {@code pg_stat_wal_receiver} are
 *       revoked from {@code PUBLIC}, and the router connects as {@link #APP_USER}, a plain role.
 * </ul>
 *
 * <p>What it cannot be: the stand-in's standbys replay WAL of their own, a promotion forks a
 * timeline (which the Aurora dialect ignores), and the "storage fence" of an old writer is whatever
 * the test does to it (crash, restart in recovery). It proves the dialect's SQL, its reading of roles
 * and lag, and the router's behaviour on what the status says; not Aurora's own behaviour.
 */
final class AuroraPostgresStandIn {

    /** The unprivileged role the routers and probes use. */
    static final String APP_USER = "aurora_app";

    static final String MASTER = "MASTER_SESSION_ID";

    /** The functions and view Aurora PostgreSQL does not (usefully) have, made unusable for APP_USER. */
    static final List<String> NOT_ON_AURORA =
            List.of("pg_current_wal_lsn", "pg_walfile_name", "pg_stat_wal_receiver", "pg_control_checkpoint");

    private AuroraPostgresStandIn() {}

    /**
     * Installs the stand-in into {@code database} on the primary; every instance listed gets a row,
     * the first one is the writer.
     *
     * @param primary the primary
     * @param database the database, which must exist
     * @param instances instance identifier to the port of the node it stands for, the writer first
     */
    static void install(PostgresNode primary, String database, Map<String, Integer> instances) throws SQLException {
        try (Connection c = connect(primary, database);
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE " + APP_USER
                    + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("CREATE SCHEMA aurora_standin");
            s.execute("CREATE TABLE aurora_standin.instances ("
                    + " server_id text PRIMARY KEY,"
                    + " port int NOT NULL UNIQUE,"
                    + " session_id text NOT NULL,"
                    + " replica_lag_in_msec real,"
                    + " last_update_timestamp timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE FUNCTION public.aurora_db_instance_identifier() RETURNS varchar"
                    + " LANGUAGE sql STABLE AS $f$"
                    + " SELECT server_id::varchar FROM aurora_standin.instances WHERE port = inet_server_port() $f$");
            s.execute("CREATE FUNCTION public.aurora_replica_status() RETURNS TABLE ("
                    + " server_id text, session_id text, durable_lsn bigint, highest_lsn_rcvd bigint,"
                    + " current_read_lsn bigint, cur_replay_latency_in_usec bigint, active_txns bigint,"
                    + " is_current boolean, last_transport_error integer, last_error_timestamp timestamptz,"
                    + " last_update_timestamp timestamptz, feedback_xmin bigint, feedback_epoch integer,"
                    + " replica_lag_in_msec real, log_stream_speed_in_kib_per_second real,"
                    + " log_buffer_sequence_number bigint, oldest_read_view_trx_id bigint,"
                    + " oldest_read_view_lsn bigint, pending_read_ios bigint, read_ios bigint, iops bigint,"
                    + " cpu real)"
                    + " LANGUAGE sql STABLE AS $f$"
                    + " SELECT i.server_id, i.session_id, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,"
                    + "  0::bigint, NULL::boolean, 0, NULL::timestamptz,"
                    + "  CASE WHEN i.port = inet_server_port() THEN NULL ELSE i.last_update_timestamp END,"
                    + "  NULL::bigint, NULL::integer, i.replica_lag_in_msec, NULL::real, NULL::bigint, NULL::bigint,"
                    + "  NULL::bigint, 0::bigint, 0::bigint, NULL::bigint, 1.5::real"
                    + " FROM aurora_standin.instances i ORDER BY i.server_id $f$");
            s.execute("GRANT USAGE ON SCHEMA aurora_standin TO " + APP_USER);
            s.execute("GRANT SELECT ON aurora_standin.instances TO " + APP_USER);
            for (String f : List.of(
                    "pg_current_wal_lsn()",
                    "pg_current_wal_insert_lsn()",
                    "pg_current_wal_flush_lsn()",
                    "pg_walfile_name(pg_lsn)",
                    "pg_walfile_name_offset(pg_lsn)",
                    "pg_last_wal_receive_lsn()",
                    "pg_last_wal_replay_lsn()",
                    "pg_last_xact_replay_timestamp()",
                    "pg_control_checkpoint()",
                    "pg_control_system()")) {
                s.execute("REVOKE EXECUTE ON FUNCTION pg_catalog." + f + " FROM PUBLIC");
            }
            s.execute("REVOKE SELECT ON pg_catalog.pg_stat_wal_receiver FROM PUBLIC");
            boolean writer = true;
            for (Map.Entry<String, Integer> e : instances.entrySet()) {
                s.execute("INSERT INTO aurora_standin.instances (server_id, port, session_id, replica_lag_in_msec)"
                        + " VALUES ('" + e.getKey() + "', " + e.getValue() + ", '"
                        + (writer ? MASTER : UUID.randomUUID().toString()) + "', " + (writer ? "NULL" : "0") + ")");
                writer = false;
            }
        }
    }

    /**
     * Makes {@code writerId} the instance the status names writer (every other row gets a reader's
     * session id), on the node given (the primary of the moment), and resets every reader's lag to 0.
     */
    static void nameWriter(PostgresNode on, String writerId) {
        // a local commit: the node may be a primary whose synchronous standby is gone
        on.execute("SET synchronous_commit = local;"
                + " UPDATE aurora_standin.instances SET"
                + " session_id = CASE WHEN server_id = '" + writerId + "' THEN '" + MASTER
                + "' ELSE md5(server_id) END,"
                + " replica_lag_in_msec = CASE WHEN server_id = '" + writerId + "' THEN NULL ELSE 0 END,"
                + " last_update_timestamp = now()");
    }

    /** Sets the {@code replica_lag_in_msec} Aurora would report for one instance ({@code null}: unknown). */
    static void lag(PostgresNode on, String id, Double millis) {
        on.execute("UPDATE aurora_standin.instances SET replica_lag_in_msec = " + (millis == null ? "NULL" : millis)
                + " WHERE server_id = '" + id + "'");
    }

    /** Sets how long ago Aurora last refreshed one instance's row. */
    static void lastUpdated(PostgresNode on, String id, String ago) {
        on.execute("UPDATE aurora_standin.instances SET last_update_timestamp = now() - interval '" + ago
                + "' WHERE server_id = '" + id + "'");
    }

    /** A connection as {@link #APP_USER} straight to a node (not through the stand-in hosts). */
    static Connection connectAsApp(PostgresNode node) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + node.port() + "/postgres", APP_USER, null);
    }

    static Connection connect(PostgresNode node, String database) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + node.port() + "/" + database, node.username(), null);
    }
}
