package io.github.drkit.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.autoconfigure.DrProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The start-up check of the data-class matrix: every mistake is named with its property. */
class DataClassBindingsTest {

    private final DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    private final KillSwitchRegistry switches =
            KillSwitchRegistry.builder().declare("recommendations").build();

    DataClassBindingsTest() {
        beans.registerSingleton("dataSource", (DataSource) new SimpleDriverDataSource());
    }

    @Test
    void aMatchingMatrixIsKeptInTheObjectivesOrder() {
        DataClassBindings b = new DataClassBindings(
                orders(Map.of(
                        "orders", binding("dataSource", "recommendations"),
                        "logs", binding("dataSource"))),
                dr("orders", "logs"),
                beans,
                switches);
        assertThat(b.matrix()).containsOnlyKeys("orders", "logs");
        assertThat(b.matrix().keySet()).containsExactly("orders", "logs");
        assertThat(b.matrix().get("orders")).containsEntry("rto", "PT15M").containsEntry("datasource", "dataSource");
        assertThat(b.degradedBy("orders")).containsExactly("recommendations");
        assertThat(b.degradedBy("nothing")).isEmpty();
    }

    @Test
    void everyMistakeIsNamed() {
        assertThatThrownBy(() -> new DataClassBindings(orders(Map.of()), dr("orders"), beans, switches))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("dr.objectives [orders] have no orders.data-classes binding");
        assertThatThrownBy(() -> new DataClassBindings(
                        orders(Map.of("orders", binding("ordersDb"))), dr("orders"), beans, switches))
                .hasMessage("orders.data-classes.orders.datasource must name a DataSource bean [dataSource]"
                        + " (was 'ordersDb')");
        assertThatThrownBy(() -> new DataClassBindings(
                        orders(Map.of("orders", binding("dataSource", "search"))), dr("orders"), beans, switches))
                .hasMessageStartingWith(
                        "orders.data-classes.orders.degraded-by names an undeclared kill switch" + " 'search'");
        assertThatThrownBy(() -> new DataClassBindings(
                        orders(Map.of("orders", binding("dataSource"), "search", binding("dataSource"))),
                        dr("orders"),
                        beans,
                        switches))
                .hasMessage("orders.data-classes.search binds a data class that has no dr.objectives.search (rto,"
                        + " rpo)");
        assertThatThrownBy(() -> new OrdersProperties.DataClass("x", " ", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orders.data-classes.*.datasource must not be blank");
    }

    private static OrdersProperties orders(Map<String, OrdersProperties.DataClass> classes) {
        return new OrdersProperties(
                new OrdersProperties.Operator("operator", "pw"),
                new OrdersProperties.EmbeddedCluster(false, io.github.drkit.testkit.ReplicationMode.SYNCHRONOUS),
                classes);
    }

    private static OrdersProperties.DataClass binding(String datasource, String... switches) {
        return new OrdersProperties.DataClass("data", datasource, List.of(switches));
    }

    private static DrProperties dr(String... classes) {
        DrProperties p = new DrProperties();
        Map<String, DrProperties.Objective> objectives = new LinkedHashMap<>();
        for (String c : classes) {
            DrProperties.Objective o = new DrProperties.Objective();
            o.setRto(Duration.ofMinutes(15));
            o.setRpo(Duration.ofMinutes(1));
            objectives.put(c, o);
        }
        p.getObjectives().putAll(objectives);
        return p;
    }
}
