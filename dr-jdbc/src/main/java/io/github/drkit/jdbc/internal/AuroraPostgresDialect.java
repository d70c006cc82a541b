package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Aurora PostgreSQL: the role from the cluster's own status ({@code aurora_replica_status()}), lag
 * from Aurora's {@code replica_lag_in_msec}, no timelines. Not API: users get it from {@link
 * DatabaseDialect#auroraPostgresql()}.
 *
 * <h2>Why the PostgreSQL rules do not carry over</h2>
 *
 * <p>Aurora instances share one storage volume; a reader does not stream and replay WAL into a copy of
 * its own, and a failover does not fork a timeline. The functions {@link PostgresDialect} uses for
 * timeline and position ({@code pg_current_wal_lsn}, {@code pg_walfile_name}, {@code
 * pg_stat_wal_receiver}, {@code pg_control_checkpoint}, the replay LSNs) are either absent on Aurora or
 * say nothing about the cluster, so this dialect uses none of them. What Aurora does document: {@code
 * aurora_db_instance_identifier()} names the instance a session runs on, and {@code
 * aurora_replica_status()} lists every instance of the cluster with {@code session_id =
 * 'MASTER_SESSION_ID'} on the writer's row and {@code replica_lag_in_msec} on the readers' rows.
 *
 * <h2>Role and fencing</h2>
 *
 * <ul>
 *   <li>Writable = not in recovery ({@code pg_is_in_recovery()} false; Aurora readers are in
 *       recovery), neither {@code default_transaction_read_only} nor {@code transaction_read_only}
 *       on, <em>and</em> the instance's own row in {@code aurora_replica_status()} carries {@code
 *       MASTER_SESSION_ID}. An instance that is not in recovery but that the cluster's status does
 *       not name as writer is reported not writable, with a note naming whom the status names: it is
 *       an old writer between losing the role and its restart as a reader (Aurora's storage already
 *       refuses its writes).
 *   <li>Timeline: always 0. The router's timeline rules (fence a writable node on an older timeline,
 *       readers on an older timeline are not fresh) then never fire; they are not needed, because a
 *       fork cannot happen: Aurora's storage accepts writes from one writer only, and an old writer
 *       rejoins as a reader of the same volume, so no instance can hold writes the writer lacks.
 *   <li>Two instances that both still call themselves writer (each reads its own, possibly stale,
 *       status) are two writable nodes on the same timeline: the router calls them {@code AMBIGUOUS}
 *       and fails writes fast until one of them stops claiming the role. It never guesses.
 *   <li>A new writer is {@code CONFIRMING} until every other endpoint was probed after it became
 *       writable, as on PostgreSQL; the old writer answers (as a reader, or not in recovery but not
 *       named, or refused while it restarts), so confirmation takes one probe round.
 *   <li>Incarnation: {@code pg_postmaster_start_time()}: a writer that restarted (Aurora restarts an
 *       old writer as a reader after a failover) is confirmed again before it takes writes.
 *   <li>Cluster identity: empty. Aurora documents no cluster-wide identifier readable from SQL, so
 *       mixing endpoints of two clusters is not caught by the router; {@link
 *       io.github.drkit.jdbc.AuroraTopology} builds the endpoint list from one cluster's own status.
 * </ul>
 *
 * <h2>Position and lag</h2>
 *
 * <p>The router measures a reader's lag as "how long ago the writer's position first passed the
 * reader's position", from the writer's position history; byte lag is the writer's latest position
 * minus the reader's. Aurora exposes no replay position that is documented to be comparable between
 * the writer and a reader, but it does expose each reader's lag in time. So the position is a time,
 * in <b>microseconds since the epoch, on the instance's clock</b>:
 *
 * <ul>
 *   <li>writer: its clock now ({@code clock_timestamp()}): it grows monotonically across the
 *       writer's history, also when the writer is idle (an LSN would stand still and make an idle
 *       writer's readers look current, which they are, but a clock is simpler to reason about);
 *   <li>reader: its clock now minus its own {@code replica_lag_in_msec}: the point in the writer's
 *       time up to which it shows the data.
 * </ul>
 *
 * <p>The router's time lag then equals Aurora's replica lag, to one probe interval, distorted only by
 * the clock offset between the two instances (Aurora keeps its instances' clocks synchronised). Its
 * "byte" lag is that lag in microseconds: {@code maxReplicaLagBytes} bounds microseconds with this
 * dialect, and its default, 16 MiB, is 16.8 s. That second bound matters: the router's time lag
 * cannot exceed the age of its oldest sample of the writer, so right after a writer is confirmed a
 * far-behind reader would look fresh by time alone; the microsecond bound still catches it (a
 * millisecond unit would have made that bound 4.6 hours, useless). A reader whose lag is unknown (no
 * row of its own, or a {@code NULL} lag) and an instance that is not in recovery but not named writer
 * report position 0 and a replay delay of {@link #UNKNOWN_LAG}: never fresh, so no read is sent to
 * them.
 *
 * <h2>Errors</h2>
 *
 * <p>As PostgreSQL: SQLState class 08 and 57P01/57P02/57P03 are connection failures (the last three
 * prove the node going), 25006 is a write that reached a read-only node.
 *
 * <p>Thread-safe and stateless.
 */
public final class AuroraPostgresDialect implements DatabaseDialect {

    /** The shared instance. */
    public static final AuroraPostgresDialect INSTANCE = new AuroraPostgresDialect();

    /** The replay delay reported when a reader's lag is unknown: never within any sane bound. */
    public static final Duration UNKNOWN_LAG = Duration.ofDays(365);

    static final String MASTER_SESSION_ID = "MASTER_SESSION_ID";

    /*
     * One round trip, one scan of aurora_replica_status(): 1 in recovery, 2 own instance id, 3 own row
     * carries MASTER_SESSION_ID, 4 own rows, 5 own replica_lag_in_msec, 6 the instances the status
     * names writer, 7 the clock in microseconds, 8 the postmaster's start in microseconds, 9/10 the
     * read-only settings.
     */
    private static final String PROBE = "WITH me AS (SELECT aurora_db_instance_identifier()::text AS id),"
            + " st AS (SELECT server_id::text AS server_id, session_id::text AS session_id,"
            + "   replica_lag_in_msec::float8 AS lag FROM aurora_replica_status())"
            + " SELECT pg_is_in_recovery(), me.id,"
            + " COALESCE(bool_or(st.session_id = '" + MASTER_SESSION_ID
            + "') FILTER (WHERE st.server_id = me.id), false),"
            + " count(st.server_id) FILTER (WHERE st.server_id = me.id),"
            + " max(st.lag) FILTER (WHERE st.server_id = me.id),"
            + " string_agg(st.server_id, ',' ORDER BY st.server_id) FILTER (WHERE st.session_id = '"
            + MASTER_SESSION_ID + "'),"
            + " (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,"
            + " (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint::text,"
            + " current_setting('default_transaction_read_only'),"
            + " current_setting('transaction_read_only')"
            + " FROM me LEFT JOIN st ON true GROUP BY me.id";

    /*
     * Discovery: every instance, the writer first; rows Aurora has not refreshed for five minutes are
     * instances being deleted (the writer's row, and the row of the instance asked, whose
     * last_update_timestamp is NULL from Aurora PostgreSQL 13.9, are always kept).
     */
    private static final String INSTANCES = "SELECT server_id::text, session_id::text = '" + MASTER_SESSION_ID + "'"
            + " FROM aurora_replica_status()"
            + " WHERE session_id::text = '" + MASTER_SESSION_ID + "' OR last_update_timestamp IS NULL"
            + "  OR last_update_timestamp >= now() - interval '5 minutes'"
            + " ORDER BY 2 DESC, 1";

    private AuroraPostgresDialect() {}

    @Override
    public String name() {
        return "aurora-postgresql";
    }

    /** The probe's SQL, for tests that prove which functions it relies on. */
    public static String probeSql() {
        return PROBE;
    }

    /** The discovery query's SQL, for tests. */
    public static String instancesSql() {
        return INSTANCES;
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(PROBE)) {
            if (!rs.next()) {
                throw new SQLException("probe returned no row");
            }
            boolean inRecovery = rs.getBoolean(1);
            String me = rs.getString(2);
            boolean named = rs.getBoolean(3);
            long ownRows = rs.getLong(4);
            double lag = rs.getDouble(5);
            boolean lagKnown = !rs.wasNull();
            String writers = rs.getString(6);
            long nowMicros = rs.getLong(7);
            String incarnation = rs.getString(8);
            boolean defaultReadOnly = "on".equals(rs.getString(9));
            boolean readOnly = "on".equals(rs.getString(10));
            return decide(
                    !inRecovery,
                    defaultReadOnly ? "default_transaction_read_only=on" : readOnly ? "transaction_read_only=on" : "",
                    me,
                    named,
                    ownRows,
                    lagKnown ? lag : Double.NaN,
                    writers,
                    nowMicros,
                    incarnation == null ? "" : incarnation,
                    "aurora_replica_status()");
        }
    }

    /**
     * Reads the cluster's instances, the writer first, then the readers by identifier.
     *
     * @param connection a connection to any instance of the cluster
     * @return the instances, possibly empty
     * @throws SQLException if the query fails (on a server that is not Aurora PostgreSQL: {@code
     *     aurora_replica_status()} does not exist)
     */
    public List<Instance> instances(Connection connection) throws SQLException {
        List<Instance> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(INSTANCES)) {
            while (rs.next()) {
                out.add(new Instance(rs.getString(1), rs.getBoolean(2)));
            }
        }
        return out;
    }

    /**
     * One instance of an Aurora cluster as its status lists it.
     *
     * @param id the DB instance identifier
     * @param writer whether the status names it writer
     */
    public record Instance(String id, boolean writer) {}

    /**
     * The role rules both Aurora dialects share (see the class comment).
     *
     * @param notReader whether the engine does not call the instance a reader (PostgreSQL: not in
     *     recovery; MySQL: {@code innodb_read_only} off)
     * @param readOnlySetting the read-only setting that is on, else empty
     * @param me the instance's identifier
     * @param named whether its own row carries {@code MASTER_SESSION_ID}
     * @param ownRows how many rows of its own the status has
     * @param lagMillis its own row's lag, {@code NaN} if unknown
     * @param writers the identifiers the status names writer, comma-separated, {@code null} for none
     * @param nowMicros its clock, microseconds since the epoch
     * @param incarnation its server start
     * @param status the status relation's name, for notes
     */
    static Probe decide(
            boolean notReader,
            String readOnlySetting,
            String me,
            boolean named,
            long ownRows,
            double lagMillis,
            String writers,
            long nowMicros,
            String incarnation,
            String status) {
        if (notReader) {
            if (!named) {
                String note = "not named writer by " + status + ", which names "
                        + (writers == null || writers.isEmpty() ? "no instance" : writers)
                        + (ownRows == 0 ? " and has no row for instance " + me : "")
                        + ": a writer losing its role";
                return new Probe(false, 0, 0, UNKNOWN_LAG, "", incarnation, note);
            }
            return new Probe(readOnlySetting.isEmpty(), 0, nowMicros, Duration.ZERO, "", incarnation, readOnlySetting);
        }
        if (Double.isNaN(lagMillis) || lagMillis < 0) {
            return new Probe(false, 0, 0, UNKNOWN_LAG, "", incarnation, "");
        }
        long lagMicros = Math.round(lagMillis * 1000);
        return new Probe(false, 0, nowMicros - lagMicros, Duration.ofNanos(lagMicros * 1000), "", incarnation, "");
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        return PostgresDialect.INSTANCE.isConnectionFailure(e);
    }

    @Override
    public boolean isNodeGone(SQLException e) {
        return PostgresDialect.INSTANCE.isNodeGone(e);
    }

    @Override
    public boolean isWriteOnReadOnlyNode(SQLException e) {
        return PostgresDialect.INSTANCE.isWriteOnReadOnlyNode(e);
    }

    @Override
    public String toString() {
        return name();
    }
}
