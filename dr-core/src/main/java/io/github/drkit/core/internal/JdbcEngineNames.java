package io.github.drkit.core.internal;

import java.util.Locale;

/**
 * Recognises the SQL engine behind a JDBC connection from its metadata or URL, for drkit's JDBC stores
 * (each maps the name to its own engine constant). Not API.
 */
public final class JdbcEngineNames {

    /** PostgreSQL. */
    public static final String POSTGRESQL = "POSTGRESQL";

    /** MySQL. */
    public static final String MYSQL = "MYSQL";

    /** MariaDB. */
    public static final String MARIADB = "MARIADB";

    private JdbcEngineNames() {}

    /**
     * The engine a product name and version name, or null. MySQL Connector/J reports a MariaDB
     * server as "MySQL" with "MariaDB" in the version.
     *
     * @param product {@code DatabaseMetaData.getDatabaseProductName()}
     * @param version {@code DatabaseMetaData.getDatabaseProductVersion()}
     * @return {@link #POSTGRESQL}, {@link #MYSQL}, {@link #MARIADB} or null
     */
    public static String fromProduct(String product, String version) {
        String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (name.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (name.contains("mariadb")) {
            return MARIADB;
        }
        if (name.contains("mysql")) {
            return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
        }
        return null;
    }

    /**
     * The engine a JDBC URL's subprotocol names (also inside a wrapper's URL), or null.
     *
     * @param url a JDBC URL
     * @return {@link #POSTGRESQL}, {@link #MYSQL}, {@link #MARIADB} or null
     */
    public static String fromUrl(String url) {
        String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
        int query = u.indexOf('?');
        String head = (query < 0 ? u : u.substring(0, query)) + "/";
        if (!head.startsWith("jdbc:")) {
            return null;
        }
        if (head.contains(":postgresql:")) {
            return POSTGRESQL;
        }
        if (head.contains(":mariadb:")) {
            return MARIADB;
        }
        if (head.contains(":mysql:")) {
            return MYSQL;
        }
        return null;
    }
}
