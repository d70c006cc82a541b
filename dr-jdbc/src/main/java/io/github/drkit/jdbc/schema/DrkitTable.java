package io.github.drkit.jdbc.schema;

import java.util.List;

/**
 * The tables drkit keeps in a service's database, and the migrations that create them. The
 * migrations ship in dr-jdbc as Flyway SQL migrations under {@value #FLYWAY_LOCATION_PREFIX}{@code
 * postgresql}, {@code mysql} and {@code mariadb} (the last two identical, so that Spring Boot's {@code
 * {vendor}} placeholder finds them with either driver), and as the Liquibase changelog {@value
 * #LIQUIBASE_CHANGELOG}.
 */
public enum DrkitTable {

    /** The idempotency records of {@code JdbcIdempotencyStore} (every engine): migration V1. */
    IDEMPOTENCY("drkit_idempotency", "V1__drkit_idempotency.sql", "drkit-V1-idempotency", false),

    /** The fleet's kill switches read by dr-killswitch's {@code JdbcSwitchSource} (every engine): V2. */
    KILL_SWITCH("drkit_kill_switch", "V2__drkit_kill_switch.sql", "drkit-V2-kill-switch", false),

    /**
     * The fencing terms the MySQL-family routing dialect records on each writer it confirms (MySQL,
     * Aurora MySQL, MariaDB only; PostgreSQL orders writers by timeline): V3.
     */
    FENCING_TERM("drkit_fencing_term", "V3__drkit_fencing_term.sql", "drkit-V3-fencing-term", true);

    /** The class-path folder holding one Flyway location per engine ({@code postgresql}, ...). */
    public static final String FLYWAY_LOCATION_PREFIX = "db/drkit/flyway/";

    /** The class-path location of drkit's Liquibase changelog. */
    public static final String LIQUIBASE_CHANGELOG = "db/drkit/liquibase/db.changelog-drkit.xml";

    private final String defaultName;
    private final String migration;
    private final String changeSet;
    private final boolean mySqlFamilyOnly;

    DrkitTable(String defaultName, String migration, String changeSet, boolean mySqlFamilyOnly) {
        this.defaultName = defaultName;
        this.migration = migration;
        this.changeSet = changeSet;
        this.mySqlFamilyOnly = mySqlFamilyOnly;
    }

    /**
     * The table's name in drkit's migrations (and drkit's default).
     *
     * @return the default name
     */
    public String defaultName() {
        return defaultName;
    }

    /**
     * The Flyway migration files that create the table today, in order (the first creates it; a later
     * change to the table is another version, appended here).
     *
     * @return the file names, relative to an engine's Flyway location
     */
    public List<String> migrations() {
        return List.of(migration);
    }

    /**
     * The id prefix of the table's Liquibase change sets ({@code -postgresql} or {@code -mysql} follows).
     *
     * @return the change-set id prefix
     */
    public String changeSetPrefix() {
        return changeSet;
    }

    /**
     * Whether only the MySQL family (MySQL, Aurora MySQL, MariaDB) has this table.
     *
     * @return true for {@link #FENCING_TERM}
     */
    public boolean mySqlFamilyOnly() {
        return mySqlFamilyOnly;
    }
}
