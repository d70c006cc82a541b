package io.github.drkit.samples.orders;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The order use cases and their transaction boundaries: writes in read-write transactions (the
 * writer), reads in read-only ones (a fresh reader: the local region first). Thread-safe.
 */
@Service
public class OrderService {

    private final OrderRepository orders;

    OrderService(OrderRepository orders) {
        this.orders = orders;
    }

    /**
     * Places an order. Called inside the idempotent request's transaction, which it joins: the
     * idempotency record and the order commit together, on the writer.
     *
     * @param order the request
     * @return the stored order
     * @throws InvalidOrderException for a bad field
     */
    @Transactional
    public Order place(NewOrder order) {
        order.validate();
        return orders.insert(order);
    }

    /**
     * One order, read from a reader.
     *
     * @param id the ID
     * @return the order, or empty (also when the reader has not replayed it yet)
     */
    @Transactional(readOnly = true)
    public Optional<Order> find(long id) {
        return orders.find(id);
    }

    /**
     * The newest orders, read from a reader.
     *
     * @param customer a customer, or {@code null}
     * @param limit 1-100
     * @return newest first
     * @throws InvalidOrderException for a bad limit
     */
    @Transactional(readOnly = true)
    public List<Order> latest(String customer, int limit) {
        if (limit < 1 || limit > 100) {
            throw new InvalidOrderException("limit", limit, "must be between 1 and 100");
        }
        return orders.latest(customer, limit);
    }

    /**
     * Items often bought together with the order's item, read from a reader. The controller calls
     * this only while the {@code recommendations} kill switch is enabled.
     *
     * @param order the order
     * @return up to three items, most frequent first
     */
    @Transactional(readOnly = true)
    public List<String> boughtTogetherWith(Order order) {
        return orders.boughtTogetherWith(order.item(), 3);
    }

    /**
     * Recommendations for one order.
     *
     * @param orderId the order
     * @param items recommended items, most relevant first
     * @param degraded true when the feature was shed by its kill switch
     */
    public record Recommendations(long orderId, List<String> items, boolean degraded) {}
}
