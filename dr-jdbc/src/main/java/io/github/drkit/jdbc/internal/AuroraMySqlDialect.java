package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Aurora MySQL (version 3, MySQL 8.0 compatible): the role from the cluster's own status ({@code
 * information_schema.replica_host_status}), lag from its {@code REPLICA_LAG_IN_MILLISECONDS}, no
 * timelines and no fencing term. Not API: users get it from {@link DatabaseDialect#auroraMysql()}.
 *
 * <h2>Role, fencing, position</h2>
 *
 * <p>The same rules as {@link AuroraPostgresDialect} (read its class comment for the argument), with
 * Aurora MySQL's names:
 *
 * <ul>
 *   <li>The instance's identifier is {@code @@aurora_server_id}; its row in {@code
 *       replica_host_status} has {@code SERVER_ID} equal to it.
 *   <li>Reader: {@code @@innodb_read_only} is on (Aurora runs every reader with it). An instance
 *       with it off is writable only if its own row carries {@code SESSION_ID = 'MASTER_SESSION_ID'}
 *       and {@code @@read_only} is off (a writer with {@code read_only} on refuses writes from users
 *       without privileges to bypass it; it is reported not writable with the note {@code
 *       read_only=ON}). Off but not named by the status: not writable, with a note (an old writer
 *       before its restart as a reader; Aurora's storage refuses its writes).
 *   <li>Timeline 0, cluster identity empty (Aurora MySQL documents no cluster-wide identifier in
 *       SQL). Unlike {@link MySqlDialect}, no fencing term is recorded: Aurora's shared storage
 *       accepts one writer only, so there is no fork to order.
 *   <li>Position: microseconds since the epoch on the instance's clock ({@code UNIX_TIMESTAMP()} and
 *       the microseconds of {@code NOW(6)}, both the statement's start, so time zones do not
 *       matter), minus {@code REPLICA_LAG_IN_MILLISECONDS} on a reader. Unknown lag: position 0 and
 *       {@link AuroraPostgresDialect#UNKNOWN_LAG}, never fresh.
 *   <li>Incarnation: {@code UNIX_TIMESTAMP() - Uptime}, the server's start second. The server derives
 *       both from the statement's start time, so inside one statement the value is exact and stable
 *       for the life of the process. {@code Uptime} is read from {@code
 *       performance_schema.global_status} (where MySQL 8.0 keeps status variables); if that table
 *       yields no row, the incarnation is empty and a restart is noticed only through failed probes.
 * </ul>
 *
 * <h2>Errors</h2>
 *
 * <p>SQLState class 08 and the client's lost-connection codes (2013, and 1053 server shutdown, 1927
 * connection killed) are connection failures; 1053 proves the node going. A write on a reader fails
 * with 1290 ({@code ER_OPTION_PREVENTS_STATEMENT}: "running with the --innodb-read-only option",
 * or {@code --read-only}) or 1836 ({@code ER_READ_ONLY_MODE}).
 *
 * <h2>Names as parameters (for stand-ins)</h2>
 *
 * <p>Aurora MySQL cannot run outside AWS, and neither MySQL nor MariaDB can define a system variable
 * called {@code @@aurora_server_id} or a table in {@code information_schema}. So the four names the
 * probe reads are constructor parameters: the topology relation, the server-id expression, the
 * reader flag and the status relation. {@link #AURORA} uses Aurora's real names; a test stand-in on
 * MariaDB passes its own table (same columns and types), its own identifier expression, {@code
 * @@read_only} as the reader flag (a MariaDB replica cannot run with {@code innodb_read_only}) and
 * {@code information_schema.GLOBAL_STATUS}. Everything else in the SQL is the same text.
 *
 * <p>Thread-safe and stateless.
 */
public final class AuroraMySqlDialect implements DatabaseDialect {

    private static final Pattern RELATION = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    /** Aurora MySQL's names: the production dialect. */
    public static final AuroraMySqlDialect AURORA = new AuroraMySqlDialect(
            "information_schema.replica_host_status",
            "@@aurora_server_id",
            "@@innodb_read_only",
            "performance_schema.global_status");

    private final String topologyRelation;
    private final String probe;
    private final String instances;

    /**
     * A dialect that reads the given names.
     *
     * @param topologyRelation the relation with Aurora's {@code replica_host_status} columns
     * @param serverIdExpression an SQL expression giving the instance's identifier
     * @param readerFlagExpression an SQL expression that is 1/ON on a reader
     * @param globalStatusRelation the relation of global status variables ({@code VARIABLE_NAME},
     *     {@code VARIABLE_VALUE})
     * @throws IllegalArgumentException for a relation that is not a plain (qualified) name, or an
     *     expression that is blank or holds a {@code ;}
     */
    public AuroraMySqlDialect(
            String topologyRelation,
            String serverIdExpression,
            String readerFlagExpression,
            String globalStatusRelation) {
        relation("topologyRelation", topologyRelation);
        relation("globalStatusRelation", globalStatusRelation);
        expression("serverIdExpression", serverIdExpression);
        expression("readerFlagExpression", readerFlagExpression);
        this.topologyRelation = topologyRelation;
        // 1 reader flag, 2 read_only, 3 own id, 4 own row named writer, 5 own rows, 6 own lag, 7 the
        // instances named writer, 8 clock in microseconds, 9 server start second. One scan of the status.
        // Every system variable and clock is read in the derived table: MariaDB 11.4 returns 0 for
        // @@read_only in the select list of an aggregate query on a server where it is 1.
        this.probe = "SELECT MAX(me.reader), MAX(me.ro), MAX(me.id),"
                + " SUM(t.SERVER_ID = me.id AND t.SESSION_ID = '" + AuroraPostgresDialect.MASTER_SESSION_ID + "'),"
                + " SUM(t.SERVER_ID = me.id),"
                + " MAX(CASE WHEN t.SERVER_ID = me.id THEN t.REPLICA_LAG_IN_MILLISECONDS END),"
                + " GROUP_CONCAT(CASE WHEN t.SESSION_ID = '" + AuroraPostgresDialect.MASTER_SESSION_ID
                + "' THEN t.SERVER_ID END ORDER BY t.SERVER_ID SEPARATOR ','),"
                + " MAX(me.now_us), MAX(me.started)"
                + " FROM (SELECT " + readerFlagExpression + " AS reader, @@global.read_only AS ro,"
                + "   " + serverIdExpression + " AS id,"
                + "   UNIX_TIMESTAMP() * 1000000 + MICROSECOND(NOW(6)) AS now_us,"
                + "   UNIX_TIMESTAMP() - (SELECT VARIABLE_VALUE FROM " + globalStatusRelation
                + "     WHERE VARIABLE_NAME = 'Uptime') AS started) me"
                + " LEFT JOIN " + topologyRelation + " t ON 1 = 1";
        this.instances = "SELECT SERVER_ID, SESSION_ID = '" + AuroraPostgresDialect.MASTER_SESSION_ID + "' AS w"
                + " FROM " + topologyRelation
                + " WHERE SESSION_ID = '" + AuroraPostgresDialect.MASTER_SESSION_ID + "'"
                + "  OR LAST_UPDATE_TIMESTAMP IS NULL OR LAST_UPDATE_TIMESTAMP >= NOW() - INTERVAL 5 MINUTE"
                + " ORDER BY w DESC, SERVER_ID";
    }

    private static void relation(String what, String value) {
        if (value == null || !RELATION.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what + " must be a plain, optionally schema-qualified name (was " + value + ")");
        }
    }

    private static void expression(String what, String value) {
        if (value == null || value.isBlank() || value.contains(";")) {
            throw new IllegalArgumentException(
                    what + " must be a non-blank SQL expression without ';' (was " + value + ")");
        }
    }

    @Override
    public String name() {
        return "aurora-mysql";
    }

    /** The probe's SQL, for tests. */
    public String probeSql() {
        return probe;
    }

    /** The discovery query's SQL, for tests. */
    public String instancesSql() {
        return instances;
    }

    /** The topology relation's name, for messages. */
    public String topologyRelation() {
        return topologyRelation;
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(probe)) {
            if (!rs.next()) {
                throw new SQLException("probe returned no row");
            }
            boolean reader = MySqlDialect.flag(rs.getString(1));
            boolean readOnly = MySqlDialect.flag(rs.getString(2));
            String me = rs.getString(3);
            long named = rs.getLong(4);
            long ownRows = rs.getLong(5);
            double lag = rs.getDouble(6);
            boolean lagKnown = !rs.wasNull();
            String writers = rs.getString(7);
            long nowMicros = rs.getLong(8);
            long started = rs.getLong(9);
            boolean startKnown = !rs.wasNull();
            return AuroraPostgresDialect.decide(
                    !reader,
                    readOnly ? "read_only=ON" : "",
                    me,
                    named > 0,
                    ownRows,
                    lagKnown ? lag : Double.NaN,
                    writers,
                    nowMicros,
                    startKnown ? Long.toString(started) : "",
                    topologyRelation);
        }
    }

    /**
     * Reads the cluster's instances, the writer first, then the readers by identifier.
     *
     * @param connection a connection to any instance of the cluster
     * @return the instances, possibly empty
     * @throws SQLException if the query fails (on a server that is not Aurora MySQL the table does not
     *     exist)
     */
    public List<AuroraPostgresDialect.Instance> instances(Connection connection) throws SQLException {
        List<AuroraPostgresDialect.Instance> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(instances)) {
            while (rs.next()) {
                out.add(new AuroraPostgresDialect.Instance(rs.getString(1), rs.getBoolean(2)));
            }
        }
        return out;
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        return MySqlDialect.connectionFailure(e);
    }

    @Override
    public boolean isNodeGone(SQLException e) {
        return MySqlDialect.nodeGone(e);
    }

    @Override
    public boolean isWriteOnReadOnlyNode(SQLException e) {
        // "... running with the --innodb-read-only option ..." on an Aurora reader
        return MySqlDialect.writeOnReadOnly(e);
    }

    @Override
    public String toString() {
        return name();
    }
}
