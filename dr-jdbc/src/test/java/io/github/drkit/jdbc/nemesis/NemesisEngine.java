package io.github.drkit.jdbc.nemesis;

import java.util.Locale;

/**
 * The database engines the nemesis runs on, each with the test that runs it in {@code ./mvnw verify}
 * and the system properties that test reads ({@code <prefix>.seed}, {@code <prefix>.duration},
 * {@code <prefix>.cycles}).
 */
enum NemesisEngine {

    /** PostgreSQL 15, a primary and 2 streaming standbys, {@code ANY 1} synchronous. */
    POSTGRESQL("PostgreSQL", "primary + 2 synchronous standbys", "NemesisTest", "drkit.nemesis") {
        @Override
        NemesisCluster start() {
            return PostgresNemesisCluster.start();
        }
    },

    /** MariaDB 11.4, a primary and 2 GTID replicas, semi-synchronous without fallback. */
    MARIADB(
            "MariaDB",
            "MariaDB primary + 2 semi-synchronous GTID replicas (no fallback to asynchronous)",
            "MariaDbNemesisTest",
            "drkit.nemesis.mariadb") {
        @Override
        NemesisCluster start() {
            return MariaDbNemesisCluster.start();
        }
    };

    private final String displayName;
    private final String cluster;
    private final String testClass;
    private final String propertyPrefix;

    NemesisEngine(String displayName, String cluster, String testClass, String propertyPrefix) {
        this.displayName = displayName;
        this.cluster = cluster;
        this.testClass = testClass;
        this.propertyPrefix = propertyPrefix;
    }

    /** Starts a fresh cluster of this engine; the caller closes it. */
    abstract NemesisCluster start();

    /** The engine's name for people. */
    String displayName() {
        return displayName;
    }

    /** The cluster each schedule runs on, for reports. */
    String cluster() {
        return cluster;
    }

    /** The system property that selects the seed of this engine's test. */
    String seedProperty() {
        return propertyPrefix + ".seed";
    }

    /** The system property that bounds the load of this engine's test (ISO-8601). */
    String durationProperty() {
        return propertyPrefix + ".duration";
    }

    /** The system property that bounds the cycles of this engine's test. */
    String cyclesProperty() {
        return propertyPrefix + ".cycles";
    }

    /** How to run the schedule of {@code seed} again. */
    String reproduce(long seed) {
        return "reproduce with -Dtest=" + testClass + " -D" + seedProperty() + "=" + seed;
    }

    /**
     * The engine named {@code name}, case-insensitively ({@code postgresql}, {@code mariadb}).
     *
     * @throws IllegalArgumentException for another name
     */
    static NemesisEngine named(String name) {
        for (NemesisEngine e : values()) {
            if (e.name().equalsIgnoreCase(name) || e.displayName.equalsIgnoreCase(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("engine must be postgresql or mariadb (was "
                + (name == null ? null : name.toLowerCase(Locale.ROOT)) + ")");
    }
}
