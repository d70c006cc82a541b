package io.github.drkit.jdbc.internal;

import io.github.drkit.jdbc.DatabaseDialect;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * MariaDB (10.6+) and MySQL (8.0+) with binary-log replication: role from {@code @@read_only} (and
 * {@code @@super_read_only}, {@code @@innodb_read_only} where the server has them) and from whether
 * the node replicates, position from GTIDs, fencing from a <em>fencing term</em> that drkit records
 * on every writer it confirms.
 *
 * <h2>Why a fencing term</h2>
 *
 * <p>PostgreSQL raises a timeline at every promotion, so a returned old primary is recognisable by its
 * older timeline. The MySQL family has nothing of the kind: a promoted replica and an old primary
 * that comes back are both just servers with {@code read_only=OFF}, and GTID sequence numbers do not
 * order them (an old primary that kept taking writes during a partition has the higher sequence
 * number). drkit therefore writes the order down itself, in a one-table log ({@value
 * #DEFAULT_TABLE} in the database of the endpoint's URL):
 *
 * <ul>
 *   <li>Each row is a term: a number and the {@code @@server_id} of the writer it was recorded on.
 *       It is inserted on the writer, so it replicates to every replica like any other write.
 *   <li>The probe turns the newest row a node holds into its timeline: {@code 2 × term} for a
 *       reader, and for a writable node the row that names itself; {@code 2 × term + 1} for a
 *       writable node whose newest row names <em>another</em> server. That node was a replica of the
 *       term's writer and has been promoted since: it is newer than that writer, but not yet
 *       recorded.
 *   <li>Before such a node takes writes (after the usual confirmation, see {@link
 *       TopologyCalculator}), the monitor records a new term on it, above every timeline it has seen
 *       ({@link #recordWriter}). Its timeline becomes even again and higher than the old writer's.
 * </ul>
 *
 * <p>So an old primary that comes back holds an older term than the new writer and is fenced like a
 * PostgreSQL node on an old timeline: by a router that kept running (it saw the newer term), and by
 * a router started fresh while both are up (it reads both terms; a promoted node that no router
 * recorded yet still outranks the writer it was promoted from). Readers still replicating from the
 * old primary stay on its term and are not fresh. With an empty or missing table the first writer
 * confirmed records term 1. A writable node found without the table gets it at that probe (so that
 * the replicas have it before any record), when the user may create it; else create it beforehand
 * with {@link #createTableSql}.
 *
 * <p>What it cannot order (stated in the README): a replica promoted while it still lacked the newest
 * term row (it lagged behind a failover that another replica took) ranks below the writer that term
 * names; if that writer is gone, the promoted node stays fenced until an operator records a term on
 * it by hand. And, as for PostgreSQL, drkit fences what it can see: a router that can reach only the
 * old primary cannot know about the promotion.
 *
 * <h2>Other facts</h2>
 *
 * <ul>
 *   <li>Position: the sum over replication domains (MariaDB) of the newest GTID sequence number in
 *       {@code @@gtid_current_pos}; on MySQL the number of transactions in {@code @@gtid_executed}.
 *       Both grow by one per transaction on the writer and reach the same value on a replica once it
 *       applied the same transactions, so the monitor's lag (writer position history) works; byte
 *       lag is then in transactions.
 *   <li>Incarnation: {@code UNIX_TIMESTAMP() - Uptime}, the server's start second (the server
 *       computes both from the statement's start time, so the value is stable within one process).
 *   <li>A node with {@code read_only=OFF} that still runs replication threads is not writable: writes
 *       there would diverge from its source.
 * </ul>
 */
public final class MySqlDialect implements DatabaseDialect {

    /** The default name of the fencing-term table. */
    public static final String DEFAULT_TABLE = "drkit_fencing_term";

    private static final Pattern TABLE_NAME =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_$]{0,63}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,63}");
    private static final int ER_NO_SUCH_TABLE = 1146;
    private static final int ER_NO_DB_ERROR = 1046;
    private static volatile String recorder;

    private final String table;
    private final String mariaProbe;
    private final String mariaProbeNoTable;
    private final String mysqlProbe;
    private final String mysqlProbeNoTable;

    /**
     * A dialect that keeps its fencing terms in {@code table}.
     *
     * @param table a table name, unqualified (in the database of each endpoint's URL) or {@code
     *     schema.table}
     * @throws IllegalArgumentException if the name is not one or two plain identifiers
     */
    public MySqlDialect(String table) {
        if (table == null || !TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("fencing table name must be a plain identifier or schema.identifier"
                    + " ([A-Za-z_][A-Za-z0-9_$]*, at most 64 characters each), was: " + table);
        }
        this.table = table;
        String term = "(SELECT term FROM " + table + " ORDER BY term DESC LIMIT 1)," + " (SELECT server_id FROM "
                + table + " ORDER BY term DESC LIMIT 1)";
        // 1 read_only 2 super_read_only 3 innodb_read_only 4 replicating 5 server_id 6 gtid 7 start
        // 8 term 9 term's server
        String maria = "SELECT @@global.read_only, 0, @@global.innodb_read_only,"
                + " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + "   WHERE VARIABLE_NAME = 'SLAVES_RUNNING'),"
                + " @@global.server_id, @@global.gtid_current_pos,"
                + " UNIX_TIMESTAMP() - (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + "   WHERE VARIABLE_NAME = 'UPTIME'), ";
        String mysql = "SELECT @@global.read_only, @@global.super_read_only, @@global.innodb_read_only,"
                + " (SELECT COUNT(*) FROM performance_schema.replication_applier_status"
                + "   WHERE SERVICE_STATE = 'ON'),"
                + " @@global.server_id, @@global.gtid_executed,"
                + " UNIX_TIMESTAMP() - (SELECT VARIABLE_VALUE FROM performance_schema.global_status"
                + "   WHERE VARIABLE_NAME = 'Uptime'), ";
        this.mariaProbe = maria + term;
        this.mariaProbeNoTable = maria + "NULL, NULL";
        this.mysqlProbe = mysql + term;
        this.mysqlProbeNoTable = mysql + "NULL, NULL";
    }

    /** The fencing-term table's name. */
    public String table() {
        return table;
    }

    /**
     * The DDL of the fencing-term table (MySQL 8 and MariaDB).
     *
     * @param table the table name
     * @return one {@code CREATE TABLE IF NOT EXISTS} statement
     */
    public static String createTableSql(String table) {
        new MySqlDialect(table); // validates the name
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + " term BIGINT NOT NULL PRIMARY KEY,"
                + " server_id BIGINT UNSIGNED NOT NULL,"
                + " recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                + " recorded_by VARCHAR(255) NOT NULL"
                + ") ENGINE=InnoDB";
    }

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        boolean maria = isMariaDb(connection);
        try {
            return probe(connection, maria ? mariaProbe : mysqlProbe, maria);
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_NO_DB_ERROR) {
                throw new SQLException(
                        "drkit keeps its fencing terms in table " + table + " of the endpoint's database, but the"
                                + " connection has none: name a database in the endpoint's JDBC URL or use"
                                + " DatabaseDialect.mysql(\"schema.table\") (" + e.getMessage() + ")",
                        e.getSQLState(),
                        e.getErrorCode(),
                        e);
            }
            if (e.getErrorCode() != ER_NO_SUCH_TABLE) {
                throw e;
            }
            Probe p = probe(connection, maria ? mariaProbeNoTable : mysqlProbeNoTable, maria);
            if (p.writable()) {
                // Create it now, on the writer, rather than at the first record: until it replicates,
                // every probe of a replica fails this way first (and the driver logs each failure).
                try {
                    createTable(connection);
                } catch (SQLException notAllowed) {
                    // no CREATE privilege: the record says so when it is due (the table must be created
                    // beforehand, see createTableSql); the probe itself has its answer
                }
            }
            return p;
        }
    }

    private static Probe probe(Connection connection, String sql, boolean maria) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("probe returned no row");
            }
            boolean readOnly = flag(rs.getString(1));
            boolean superReadOnly = flag(rs.getString(2));
            boolean innodbReadOnly = flag(rs.getString(3));
            long replicating = parseLong(rs.getString(4));
            long serverId = rs.getLong(5);
            String gtid = rs.getString(6);
            long started = rs.getLong(7);
            long term = rs.getLong(8);
            boolean hasTerm = !rs.wasNull();
            long termServer = rs.getLong(9);

            boolean readOnlyBySetting = readOnly || superReadOnly || innodbReadOnly;
            boolean writable = !readOnlyBySetting && replicating == 0;
            String note;
            if (replicating > 0) {
                // a replica: read-only is expected; a writable replica is worth saying
                note = readOnlyBySetting ? "" : "replication threads running with read_only=OFF";
            } else if (innodbReadOnly) {
                note = "innodb_read_only=ON";
            } else if (superReadOnly) {
                note = "super_read_only=ON";
            } else {
                note = readOnly ? "read_only=ON" : "";
            }
            long timeline;
            if (!hasTerm) {
                timeline = writable ? 1 : 0;
            } else if (writable && termServer != serverId) {
                timeline = 2 * term + 1;
            } else {
                timeline = 2 * term;
            }
            return new Probe(
                    writable,
                    timeline,
                    maria ? mariaPosition(gtid) : mysqlPosition(gtid),
                    Duration.ZERO,
                    "",
                    Long.toString(started),
                    note);
        }
    }

    /**
     * Records a fencing term on the node behind {@code connection}, which the monitor is about to
     * confirm as writer: a term above {@code newestTimeline}, so that every node holding an older term
     * is fenced. Creates the table when it does not exist.
     *
     * @param connection the monitor's connection to the candidate
     * @param newestTimeline the newest timeline the monitor has seen
     * @throws SQLException if the write fails (the node stays unconfirmed)
     */
    @Override
    public void recordWriter(Connection connection, long newestTimeline) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try {
            try {
                recordOnce(connection, newestTimeline / 2 + 1);
            } catch (SQLException e) {
                if (e.getErrorCode() != ER_NO_SUCH_TABLE) {
                    throw e;
                }
                createTable(connection);
                recordOnce(connection, newestTimeline / 2 + 1);
            }
        } finally {
            try {
                if (!connection.isClosed() && connection.getAutoCommit() != autoCommit) {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException ignored) {
                // a connection broken by the record's own failure: that failure is what is reported
            }
        }
    }

    /** Creates the fencing table (an implicit commit: only outside a transaction of the caller). */
    private void createTable(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.setAutoCommit(true);
        }
        try (Statement s = connection.createStatement()) {
            s.execute(createTableSql(table));
        }
    }

    /**
     * One transaction: the table locked, nothing written if this server already holds a term at least
     * {@code minimum} (an earlier attempt that committed late, e.g. while a semi-synchronous writer
     * waited for a replica), else a term above both {@code minimum - 1} and every term in the table.
     */
    private void recordOnce(Connection connection, long minimum) throws SQLException {
        connection.setAutoCommit(false);
        boolean done = false;
        try {
            long max;
            long mine;
            try (PreparedStatement ps = connection.prepareStatement("SELECT COALESCE(MAX(term), 0),"
                    + " COALESCE(SUM(CASE WHEN server_id = @@global.server_id AND term >= ? THEN 1 ELSE 0 END), 0)"
                    + " FROM " + table + " FOR UPDATE")) {
                ps.setLong(1, minimum);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    max = rs.getLong(1);
                    mine = rs.getLong(2);
                }
            }
            if (mine == 0) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO " + table + " (term, server_id, recorded_by) VALUES (?, @@global.server_id, ?)")) {
                    ps.setLong(1, Math.max(max + 1, minimum));
                    ps.setString(2, recorder());
                    ps.executeUpdate();
                }
            }
            connection.commit();
            done = true;
        } finally {
            if (!done) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the original failure is what matters
                }
            }
        }
    }

    @Override
    public boolean needsWriterRecord(Probe probe) {
        return probe.writable() && (probe.timeline() & 1) == 1;
    }

    @Override
    public boolean isConnectionFailure(SQLException e) {
        return connectionFailure(e);
    }

    @Override
    public boolean isNodeGone(SQLException e) {
        return nodeGone(e);
    }

    @Override
    public boolean isWriteOnReadOnlyNode(SQLException e) {
        return writeOnReadOnly(e);
    }

    /** MySQL-family connection failures: SQLState class 08, server shutdown, connection killed, lost. */
    static boolean connectionFailure(SQLException e) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        return (state != null && state.startsWith("08")) || code == 1053 || code == 1927 || code == 2013;
    }

    /** ER_SERVER_SHUTDOWN: the server is shutting down. */
    static boolean nodeGone(SQLException e) {
        return e.getErrorCode() == 1053;
    }

    /**
     * ER_OPTION_PREVENTS_STATEMENT naming a read-only option ({@code --read-only}, {@code
     * --super-read-only}, {@code --innodb-read-only}), or ER_READ_ONLY_MODE.
     */
    static boolean writeOnReadOnly(SQLException e) {
        int code = e.getErrorCode();
        if (code == 1836) {
            return true;
        }
        String message = e.getMessage();
        return code == 1290 && message != null && message.contains("read-only");
    }

    static boolean isMariaDb(Connection connection) throws SQLException {
        String version = connection.getMetaData().getDatabaseProductVersion();
        String product = connection.getMetaData().getDatabaseProductName();
        return (version != null && version.contains("MariaDB")) || "MariaDB".equalsIgnoreCase(product);
    }

    /** The sum of the sequence numbers of a MariaDB GTID list, e.g. {@code 0-1-57,1-2-3} = 60. */
    static long mariaPosition(String gtids) {
        if (gtids == null || gtids.isBlank()) {
            return 0;
        }
        long sum = 0;
        for (String gtid : gtids.split(",")) {
            String g = gtid.trim();
            int last = g.lastIndexOf('-');
            if (last < 0) {
                throw new IllegalArgumentException("not a MariaDB GTID: " + g);
            }
            sum += Long.parseLong(g.substring(last + 1));
        }
        return sum;
    }

    /**
     * The number of transactions in a MySQL GTID set, e.g. {@code
     * 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7, 4E11FA47-71CA-11E1-9E33-C80AA9429562:1-2} = 8.
     */
    static long mysqlPosition(String gtidSet) {
        if (gtidSet == null || gtidSet.isBlank()) {
            return 0;
        }
        long count = 0;
        for (String member : gtidSet.replace("\n", "").split(",")) {
            String[] parts = member.trim().split(":");
            for (int i = 1; i < parts.length; i++) {
                String interval = parts[i].trim();
                if (interval.isEmpty() || !Character.isDigit(interval.charAt(0))) {
                    continue; // a tag (MySQL 8.3+: uuid:tag:1-5)
                }
                int dash = interval.indexOf('-');
                if (dash < 0) {
                    count += 1;
                } else {
                    count += Long.parseLong(interval.substring(dash + 1))
                            - Long.parseLong(interval.substring(0, dash))
                            + 1;
                }
            }
        }
        return count;
    }

    /** A MySQL boolean system variable's value: 0/OFF/empty are false. */
    static boolean flag(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim();
        return !(v.isEmpty() || v.equals("0") || v.equalsIgnoreCase("OFF"));
    }

    private static long parseLong(String s) {
        if (s == null || s.isBlank()) {
            return 0;
        }
        return Long.parseLong(s.trim());
    }

    /** Who records a term: looked up once (a host-name lookup can be slow), on the first record. */
    private static String recorder() {
        String who = recorder;
        if (who != null) {
            return who;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        who = "drkit@" + host + " pid " + ProcessHandle.current().pid();
        recorder = who.length() > 255 ? who.substring(0, 255) : who;
        return recorder;
    }
}
