package io.github.drkit.jdbc.schema;

import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The result of {@link DrkitSchema#verify}: which of drkit's tables were checked on which engine, and
 * what is wrong with them. Immutable.
 *
 * @param engine the engine of the node that was read
 * @param checked the tables checked, each with its configured name, in check order
 * @param problems what is wrong, empty when every table is as drkit needs it
 */
public record SchemaReport(Engine engine, Map<DrkitTable, String> checked, List<SchemaProblem> problems) {

    /**
     * Copies the components.
     *
     * @throws NullPointerException if any component is null
     */
    public SchemaReport {
        Objects.requireNonNull(engine, "engine");
        checked = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(checked));
        problems = List.copyOf(problems);
    }

    /**
     * Whether every checked table exists with every column drkit needs and no outdated constraint.
     *
     * @return true when there is no problem
     */
    public boolean ok() {
        return problems.isEmpty();
    }

    /**
     * The problems of one table.
     *
     * @param table a table
     * @return its problems, possibly empty
     */
    public List<SchemaProblem> problems(DrkitTable table) {
        return problems.stream().filter(p -> p.table() == table).toList();
    }

    /**
     * All fixes, in order, to run on the writer (or apply drkit's migrations, which do the same).
     *
     * @return the SQL, statements separated by semicolons and new lines; empty when {@link #ok()}
     */
    public String fixes() {
        return problems.stream().map(SchemaProblem::fix).distinct().collect(Collectors.joining("\n"));
    }

    /**
     * One line (OK) or one line per problem, for a log.
     *
     * @return a human-readable summary
     */
    public String summary() {
        if (ok()) {
            return "drkit schema OK on " + engine + ": " + String.join(", ", checked.values());
        }
        return "drkit schema has " + problems.size() + " problem(s) on " + engine + ":\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
