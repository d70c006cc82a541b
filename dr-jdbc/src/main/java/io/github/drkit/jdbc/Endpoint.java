package io.github.drkit.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * One database node the routing data source may use: a name, a region and either a JDBC URL with
 * credentials or a {@link DataSource} the application supplies. Immutable; build with {@link
 * #builder(String, String)}.
 *
 * <p>With a URL, drkit opens the physical connections itself (for its HikariCP pool and, separately,
 * for its monitor). With a supplied {@code DataSource}, both draw from it: supply a non-pooling one
 * (for example {@code PGSimpleDataSource}), because drkit pools and monitors on its own.
 */
public final class Endpoint {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final String name;
    private final String region;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final DataSource dataSource;

    private Endpoint(Builder b) {
        this.name = b.name;
        this.region = b.region;
        this.jdbcUrl = b.jdbcUrl;
        this.username = b.username;
        this.password = b.password;
        this.dataSource = b.dataSource;
    }

    /**
     * Starts an endpoint.
     *
     * @param name unique among the endpoints: letters, digits, {@code . _ -}, at most 63 characters
     * @param region the region it lives in, e.g. {@code ap-northeast-2}
     * @return a builder
     */
    public static Builder builder(String name, String region) {
        return new Builder(name, region);
    }

    /**
     * The endpoint's name, used in metrics, logs and the topology.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The region the endpoint lives in.
     *
     * @return the region
     */
    public String region() {
        return region;
    }

    /**
     * The JDBC URL, or {@code null} when a {@link DataSource} was supplied.
     *
     * @return the URL
     */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * The user name, or {@code null}.
     *
     * @return the user
     */
    public String username() {
        return username;
    }

    /**
     * The password, or {@code null}. Never logged.
     *
     * @return the password
     */
    public String password() {
        return password;
    }

    /**
     * The application's data source, or {@code null} when a URL was given.
     *
     * @return the data source
     */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public String toString() {
        return "Endpoint[" + name + " in " + region + "]";
    }

    /** Builds an {@link Endpoint}; validated by {@link #build()}. */
    public static final class Builder {
        private final String name;
        private final String region;
        private String jdbcUrl;
        private String username;
        private String password;
        private DataSource dataSource;

        private Builder(String name, String region) {
            this.name = name;
            this.region = region;
        }

        /**
         * The JDBC URL of this node, e.g. {@code jdbc:postgresql://10.0.1.5:5432/orders}.
         *
         * @param jdbcUrl the URL
         * @return this builder
         */
        public Builder jdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /**
         * Credentials for connections opened from the URL.
         *
         * @param username the user
         * @param password the password, may be {@code null}
         * @return this builder
         */
        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /**
         * A non-pooling data source for this node, instead of a URL.
         *
         * @param dataSource the data source
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the endpoint
         * @throws IllegalArgumentException naming the bad field and value
         */
        public Endpoint build() {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("endpoint name must be 1-63 letters, digits, '.', '_' or '-'"
                        + " starting with a letter or digit (was " + name + ")");
            }
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException(
                        "endpoint " + name + ": region must not be blank (was " + region + ")");
            }
            if ((jdbcUrl == null) == (dataSource == null)) {
                throw new IllegalArgumentException("endpoint " + name + ": set exactly one of jdbcUrl and dataSource"
                        + " (jdbcUrl was " + (jdbcUrl == null ? "unset" : "set") + ", dataSource was "
                        + (dataSource == null ? "unset" : "set") + ")");
            }
            if (jdbcUrl != null && !jdbcUrl.matches("jdbc:[a-zA-Z0-9]+:.+")) {
                throw new IllegalArgumentException("endpoint " + name + ": jdbcUrl must look like"
                        + " jdbc:<subprotocol>:<details> (was " + jdbcUrl + ")");
            }
            Objects.requireNonNull(name);
            return new Endpoint(this);
        }
    }
}
