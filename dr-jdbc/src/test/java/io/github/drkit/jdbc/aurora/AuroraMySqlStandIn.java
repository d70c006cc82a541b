package io.github.drkit.jdbc.aurora;

import io.github.drkit.jdbc.internal.AuroraMySqlDialect;
import io.github.drkit.testkit.MariaDbNode;
import java.util.List;

/**
 * Test support: Aurora MySQL's cluster status on a real MariaDB primary and its replicas.
 *
 * <p>What MariaDB cannot do, and what stands in for it:
 *
 * <ul>
 *   <li>{@code information_schema.replica_host_status} cannot be created (the schema is the
 *       server's): the table {@value #TABLE} in the database {@code drkit} has the columns the
 *       dialect and the AWS JDBC wrapper read ({@code SERVER_ID}, {@code SESSION_ID}, {@code CPU},
 *       {@code REPLICA_LAG_IN_MILLISECONDS}, {@code LAST_UPDATE_TIMESTAMP}); AWS documents no types
 *       for this table, so they follow its documented sibling {@code
 *       information_schema.aurora_global_db_instance_status}: {@code varchar(100)} identifiers, a
 *       floating-point lag in milliseconds. It is written on the primary and replicates.
 *   <li>{@code @@aurora_server_id} cannot be defined: the identifier is {@code CONCAT(10 +
 *       @@server_id)}, so node0, node1, node2 are instances {@code 11}, {@code 12}, {@code 13}.
 *   <li>{@code @@innodb_read_only} cannot mark a MariaDB replica (a replica with it cannot apply
 *       anything): the reader flag is {@code @@read_only}, which the testkit's replicas have on.
 *   <li>{@code performance_schema.global_status} is empty while MariaDB's Performance Schema is off:
 *       {@code Uptime} comes from {@code information_schema.GLOBAL_STATUS}.
 * </ul>
 *
 * <p>{@link #DIALECT} is {@link AuroraMySqlDialect} with these four names; every other character of
 * its SQL is the production dialect's (a test proves it). What the stand-in cannot show: Aurora
 * MySQL's own behaviour (its status's refresh, real {@code innodb_read_only} readers, error 1290 with
 * {@code --innodb-read-only}, MySQL 8's {@code ONLY_FULL_GROUP_BY} and collation rules for the probe).
 */
final class AuroraMySqlStandIn {

    static final String TABLE = "aurora_replica_host_status";

    static final AuroraMySqlDialect DIALECT = new AuroraMySqlDialect(
            "drkit." + TABLE, "CONCAT(10 + @@server_id)", "@@read_only", "information_schema.GLOBAL_STATUS");

    static final String MASTER = "MASTER_SESSION_ID";

    private AuroraMySqlStandIn() {}

    /** Creates the status table on the primary, naming {@code ids.get(0)} the writer. */
    static void install(MariaDbNode primary, List<String> ids) {
        primary.execute("CREATE TABLE " + TABLE + " ("
                + " SERVER_ID varchar(100) NOT NULL PRIMARY KEY,"
                + " SESSION_ID varchar(100) NOT NULL,"
                + " CPU double,"
                + " REPLICA_LAG_IN_MILLISECONDS double,"
                + " LAST_UPDATE_TIMESTAMP datetime(6) NOT NULL DEFAULT NOW(6))");
        for (String id : ids) {
            primary.execute("INSERT INTO " + TABLE + " (SERVER_ID, SESSION_ID, CPU, REPLICA_LAG_IN_MILLISECONDS)"
                    + " VALUES ('" + id + "', 'x', 1.5, 0)");
        }
        nameWriter(primary, ids.get(0));
    }

    /** Names {@code writerId} the writer in the status on {@code on}; readers' lag back to 0. */
    static void nameWriter(MariaDbNode on, String writerId) {
        on.execute("UPDATE " + TABLE + " SET SESSION_ID = IF(SERVER_ID = '" + writerId + "', '" + MASTER
                + "', MD5(SERVER_ID)), REPLICA_LAG_IN_MILLISECONDS = IF(SERVER_ID = '" + writerId
                + "', NULL, 0), LAST_UPDATE_TIMESTAMP = NOW(6)");
    }

    /** Sets the lag Aurora would report for one instance ({@code null}: unknown). */
    static void lag(MariaDbNode on, String id, Double millis) {
        on.execute("UPDATE " + TABLE + " SET REPLICA_LAG_IN_MILLISECONDS = " + (millis == null ? "NULL" : millis)
                + " WHERE SERVER_ID = '" + id + "'");
    }

    /** Sets how long ago Aurora last refreshed one instance's row. */
    static void lastUpdated(MariaDbNode on, String id, int minutesAgo) {
        on.execute("UPDATE " + TABLE + " SET LAST_UPDATE_TIMESTAMP = NOW(6) - INTERVAL " + minutesAgo
                + " MINUTE WHERE SERVER_ID = '" + id + "'");
    }
}
