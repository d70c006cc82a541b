package io.github.drkit.samples.orders;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code orders} table (see {@code schema-postgresql.sql} and {@code schema-mariadb.sql}). Plain
 * JDBC through Spring's {@link JdbcTemplate} on the application's data source — drkit's routing data
 * source — so each statement runs on the node that the surrounding transaction's intent selects.
 * The SQL runs on PostgreSQL and on MariaDB (10.5+ for {@code INSERT ... RETURNING}). Thread-safe.
 */
@Repository
public class OrderRepository {

    private static final String COLUMNS = "id, customer, item, quantity, reference, created_at";

    private final JdbcTemplate jdbc;

    OrderRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts an order.
     *
     * @param order the validated request
     * @return the stored order
     */
    public Order insert(NewOrder order) {
        return jdbc.queryForObject(
                "INSERT INTO orders (customer, item, quantity, reference) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS,
                OrderRepository::map,
                order.customer(),
                order.item(),
                order.quantity(),
                order.reference());
    }

    /**
     * Finds one order.
     *
     * @param id the ID
     * @return the order, or empty
     */
    public Optional<Order> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM orders WHERE id = ?", OrderRepository::map, id).stream()
                .findFirst();
    }

    /**
     * The newest orders, optionally of one customer.
     *
     * @param customer the customer, or {@code null} for all
     * @param limit at most this many
     * @return newest first
     */
    public List<Order> latest(String customer, int limit) {
        if (customer == null) {
            return jdbc.query(
                    "SELECT " + COLUMNS + " FROM orders ORDER BY id DESC LIMIT ?", OrderRepository::map, limit);
        }
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM orders WHERE customer = ? ORDER BY id DESC LIMIT ?",
                OrderRepository::map,
                customer,
                limit);
    }

    /**
     * Items most often bought by the customers who bought {@code item}: a deliberately heavier query,
     * the kind of feature to shed first in an incident.
     *
     * @param item the item
     * @param limit at most this many
     * @return item names, most frequent first
     */
    public List<String> boughtTogetherWith(String item, int limit) {
        return jdbc.queryForList(
                "SELECT o.item FROM orders o WHERE o.customer IN (SELECT customer FROM orders WHERE item = ?)"
                        + " AND o.item <> ? GROUP BY o.item ORDER BY count(*) DESC, o.item LIMIT ?",
                String.class,
                item,
                item,
                limit);
    }

    private static Order map(ResultSet rs, int row) throws SQLException {
        Timestamp created = rs.getTimestamp("created_at");
        return new Order(
                rs.getLong("id"),
                rs.getString("customer"),
                rs.getString("item"),
                rs.getInt("quantity"),
                rs.getString("reference"),
                created.toInstant());
    }
}
