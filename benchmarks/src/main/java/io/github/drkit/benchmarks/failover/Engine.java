package io.github.drkit.benchmarks.failover;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The database engine a failover run measures: each has its own cluster (dr-testkit), its own write
 * statement, its own clients and its own section of RESULTS.md.
 */
public enum Engine {
    /** PostgreSQL primary + one asynchronous streaming standby; clients drkit, pgjdbc, AWS wrapper. */
    POSTGRESQL("PostgreSQL", "failover-trials.csv"),
    /**
     * MariaDB primary + one asynchronous GTID replica; clients drkit and the failover modes of MariaDB
     * Connector/J and MySQL Connector/J.
     */
    MARIADB("MariaDB", "failover-trials-mariadb.csv");

    private final String title;
    private final String csvFile;

    Engine(String title, String csvFile) {
        this.title = title;
        this.csvFile = csvFile;
    }

    /**
     * The engine's name as written in the report.
     *
     * @return e.g. {@code MariaDB}
     */
    public String title() {
        return title;
    }

    /**
     * The file (in the raw results directory) holding one line per trial of this engine.
     *
     * @return a file name
     */
    public String csvFile() {
        return csvFile;
    }

    /**
     * The file (in the raw results directory) holding this engine's rendered failover section, read
     * back when a later invocation does not run this engine.
     *
     * @return a file name
     */
    public String reportFile() {
        return "failover-" + name().toLowerCase(Locale.ROOT) + ".json";
    }

    /**
     * The clients compared on this engine, in the order they take turns.
     *
     * @return the clients
     */
    List<ClientKind> clients() {
        return Arrays.stream(ClientKind.values())
                .filter(k -> k.engine() == this)
                .toList();
    }

    /** drkit's client on this engine. */
    ClientKind drkit() {
        return this == POSTGRESQL ? ClientKind.DRKIT : ClientKind.DRKIT_MARIADB;
    }

    /** The alternative whose promotion → first write drkit's goals compare with. */
    ClientKind baseline() {
        return this == POSTGRESQL ? ClientKind.PGJDBC_HIKARI : ClientKind.MARIADB_SEQUENTIAL_HIKARI;
    }

    /**
     * Parses an {@code --engine=} value.
     *
     * @param value {@code postgresql}, {@code mariadb} or {@code all} (case-insensitive)
     * @return the engines, in report order
     * @throws IllegalArgumentException naming the bad value
     */
    public static List<Engine> parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "all" -> List.of(values());
            case "postgresql", "postgres", "pg" -> List.of(POSTGRESQL);
            case "mariadb" -> List.of(MARIADB);
            default ->
                throw new IllegalArgumentException("--engine must be postgresql, mariadb or all (was " + value + ")");
        };
    }
}
