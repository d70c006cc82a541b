package io.github.drkit.samples.orders;

import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.SwitchDeclaration;
import io.github.drkit.spring.autoconfigure.DrProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * Binds each declared recovery objective ({@code dr.objectives.<data-class>}) to what it depends on
 * ({@code orders.data-classes.<data-class>}): the {@link DataSource} bean holding its data and the
 * kill switches that degrade it. Checked when the service starts, so the matrix an operator reads
 * cannot drift from what runs: every objective has a binding and every binding an objective, every
 * datasource is a {@code DataSource} bean, every switch is declared. Shown on {@code /actuator/info}
 * under {@code dataClasses} (no secrets: names only).
 *
 * <p>Immutable after construction; thread-safe.
 */
@Component
public final class DataClassBindings implements InfoContributor {

    private final Map<String, Map<String, Object>> matrix;

    /**
     * Checks the bindings.
     *
     * @param orders the sample's properties (the bindings)
     * @param dr the starter's properties (the objectives)
     * @param beans where the {@code DataSource} beans are looked up
     * @param switches the kill-switch registry (the declared switches)
     * @throws IllegalStateException naming the data class and the property that is wrong
     */
    public DataClassBindings(
            OrdersProperties orders, DrProperties dr, ListableBeanFactory beans, KillSwitchRegistry switches) {
        Map<String, OrdersProperties.DataClass> bindings = orders.dataClasses();
        Set<String> objectives = dr.getObjectives().keySet();
        Set<String> unbound = new TreeSet<>(objectives);
        unbound.removeAll(bindings.keySet());
        if (!unbound.isEmpty()) {
            throw new IllegalStateException("dr.objectives " + unbound + " have no orders.data-classes binding: say"
                    + " which datasource holds each and which kill switch degrades it");
        }
        Set<String> dataSources = Set.of(beans.getBeanNamesForType(DataSource.class));
        Set<String> declared =
                switches.declarations().stream().map(SwitchDeclaration::name).collect(Collectors.toSet());
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String dataClass : objectives) {
            OrdersProperties.DataClass b = bindings.get(dataClass);
            String p = "orders.data-classes." + dataClass;
            if (!dataSources.contains(b.datasource())) {
                throw new IllegalStateException(p + ".datasource must name a DataSource bean "
                        + new TreeSet<>(dataSources) + " (was '" + b.datasource() + "')");
            }
            for (String s : b.degradedBy()) {
                if (!declared.contains(s)) {
                    throw new IllegalStateException(p + ".degraded-by names an undeclared kill switch '" + s
                            + "' (declared: " + new TreeSet<>(declared) + ")");
                }
            }
            DrProperties.Objective o = dr.getObjectives().get(dataClass);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rto", String.valueOf(o.getRto()));
            row.put("rpo", String.valueOf(o.getRpo()));
            row.put("holds", b.holds());
            row.put("datasource", b.datasource());
            row.put("degradedBy", b.degradedBy());
            out.put(dataClass, java.util.Collections.unmodifiableMap(row));
        }
        for (String extra : bindings.keySet()) {
            if (!objectives.contains(extra)) {
                throw new IllegalStateException("orders.data-classes." + extra + " binds a data class that has no"
                        + " dr.objectives." + extra + " (rto, rpo)");
            }
        }
        this.matrix = java.util.Collections.unmodifiableMap(out);
    }

    /**
     * The matrix, in the order of {@code dr.objectives}.
     *
     * @return data class to {@code rto}, {@code rpo}, {@code holds}, {@code datasource}, {@code
     *     degradedBy}
     */
    public Map<String, Map<String, Object>> matrix() {
        return matrix;
    }

    /**
     * The switches that degrade a data class.
     *
     * @param dataClass e.g. {@code orders}
     * @return the switch names, empty for an unknown data class
     */
    public List<String> degradedBy(String dataClass) {
        Map<String, Object> row = matrix.get(dataClass);
        if (row == null) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<String> s = (List<String>) row.get("degradedBy");
        return s;
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("dataClasses", matrix);
    }
}
