package io.github.drkit.samples.orders;

import io.github.drkit.testkit.ReplicationMode;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sample's own settings, under {@code orders.}.
 *
 * @param operator the demo operator allowed to use the {@code dr} and {@code killswitches}
 *     endpoints
 * @param embeddedCluster the embedded PostgreSQL pair of the default profile
 * @param dataClasses what each {@code dr.objectives} data class depends on ({@link
 *     DataClassBindings} checks them at start-up)
 */
@ConfigurationProperties(prefix = "orders")
public record OrdersProperties(
        @DefaultValue Operator operator,
        @DefaultValue EmbeddedCluster embeddedCluster,
        Map<String, DataClass> dataClasses) {

    /**
     * Defaults an absent map to empty.
     *
     * @param operator see the record component
     * @param embeddedCluster see the record component
     * @param dataClasses see the record component
     */
    public OrdersProperties {
        dataClasses = dataClasses == null ? Map.of() : Map.copyOf(dataClasses);
    }

    /**
     * What one data class depends on.
     *
     * @param holds what data it is, in a few words
     * @param datasource the name of the {@code DataSource} bean holding it (drkit's routing
     *     DataSource is {@code dataSource})
     * @param degradedBy the kill switches that degrade it (killed: the class is served partly or
     *     read-only)
     */
    public record DataClass(
            String holds, @DefaultValue("dataSource") String datasource, List<String> degradedBy) {

        /**
         * Validates the binding.
         *
         * @throws IllegalArgumentException naming the property when the datasource is blank
         */
        public DataClass {
            if (datasource == null || datasource.isBlank()) {
                throw new IllegalArgumentException("orders.data-classes.*.datasource must not be blank");
            }
            holds = holds == null ? "" : holds;
            degradedBy = degradedBy == null ? List.of() : List.copyOf(degradedBy);
        }
    }

    /**
     * The demo operator (HTTP Basic on {@code /actuator/**}, role {@code DR_OPERATOR}). Demo
     * credentials: set {@code ORDERS_OPERATOR_PASSWORD} for anything but a laptop.
     *
     * @param username the user name
     * @param password the password
     */
    public record Operator(
            @DefaultValue("operator") String username,
            @DefaultValue("gameday") String password) {

        /**
         * Validates the credentials.
         *
         * @throws IllegalArgumentException naming the property when one is blank
         */
        public Operator {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException(
                        "orders.operator.username must not be blank (was '" + username + "')");
            }
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException("orders.operator.password must not be blank");
            }
        }
    }

    /**
     * The embedded cluster: started by {@link EmbeddedClusterLauncher} when no {@code
     * dr.datasource.endpoints} are configured.
     *
     * @param enabled whether to start one when no endpoints are configured
     * @param replication how the Tokyo standby replicates from the Seoul primary
     */
    public record EmbeddedCluster(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("SYNCHRONOUS") ReplicationMode replication) {}
}
