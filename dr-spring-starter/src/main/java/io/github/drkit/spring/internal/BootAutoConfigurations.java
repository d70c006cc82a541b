package io.github.drkit.spring.internal;

/**
 * Names of Spring Boot's own auto-configurations that drkit orders itself against, in both Boot
 * generations: Boot 4 moved them into per-technology modules with new packages. Ordering by name
 * lets one source file serve both starters; a name absent from the class path is ignored by Boot's
 * sorter.
 */
public final class BootAutoConfigurations {

    /** Boot 4's data source auto-configuration. */
    public static final String DATA_SOURCE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

    /** Boot 3's data source auto-configuration. */
    public static final String DATA_SOURCE_BOOT3 =
            "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration";

    /** Boot 4's transaction manager auto-configuration for a single data source. */
    public static final String TRANSACTION_MANAGER =
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration";

    /** Boot 3's transaction manager auto-configuration for a single data source. */
    public static final String TRANSACTION_MANAGER_BOOT3 =
            "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration";

    private BootAutoConfigurations() {}
}
