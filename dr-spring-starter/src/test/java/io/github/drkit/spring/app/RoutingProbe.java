package io.github.drkit.spring.app;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Asks the database which node answered, inside Spring-managed transactions. */
@Service
public class RoutingProbe {

    private static final String WHO_POSTGRESQL =
            "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END"
                    + " || ':' || current_setting('port')";
    private static final String WHO_MYSQL = "SELECT CONCAT(IF(@@global.read_only, 'standby', 'primary'), ':', @@port)";

    private final JdbcTemplate jdbc;

    RoutingProbe(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The engine's "who am I" query; the product name comes from the driver, without a round trip. */
    private String who() {
        String product = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        return "PostgreSQL".equals(product) ? WHO_POSTGRESQL : WHO_MYSQL;
    }

    /**
     * Which node serves a read-only transaction.
     *
     * @return {@code standby:<port>} or {@code primary:<port>}
     */
    @Transactional(readOnly = true)
    public String readOnlyTransaction() {
        return jdbc.queryForObject(who(), String.class);
    }

    /**
     * Which node serves a read-write transaction.
     *
     * @return {@code standby:<port>} or {@code primary:<port>}
     */
    @Transactional
    public String readWriteTransaction() {
        jdbc.update("INSERT INTO orders (item) VALUES ('routing probe')");
        return jdbc.queryForObject(who(), String.class);
    }

    /**
     * Which node serves a statement outside any transaction.
     *
     * @return {@code standby:<port>} or {@code primary:<port>}
     */
    public String noTransaction() {
        return jdbc.queryForObject(who(), String.class);
    }
}
