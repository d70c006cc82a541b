package io.github.drkit.samples.orders;

import io.github.drkit.killswitch.KillSwitch;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.samples.orders.OrderService.Recommendations;
import io.github.drkit.spring.Idempotent;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The order API. Failures of the database during a failover are answered by {@link
 * FailoverProblems} as 503 with a problem type a client can act on.
 */
@RestController
@RequestMapping(path = "/orders", produces = MediaType.APPLICATION_JSON_VALUE)
public class OrderController {

    /** The kill switch guarding recommendations. */
    public static final String RECOMMENDATIONS_SWITCH = "recommendations";

    private final OrderService orders;
    private final KillSwitch recommendations;

    OrderController(OrderService orders, KillSwitchRegistry switches) {
        this.orders = orders;
        this.recommendations = switches.killSwitch(RECOMMENDATIONS_SWITCH); // looked up once
    }

    /**
     * Places an order. The {@code Idempotency-Key} header is required: the same key with the same
     * body returns the first answer again (header {@code Idempotent-Replayed: true}) without placing a
     * second order, also after a regional failover.
     *
     * @param order the order
     * @return 201 with the stored order and its location
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Idempotent
    public ResponseEntity<Order> place(@RequestBody NewOrder order) {
        Order placed = orders.place(order);
        return ResponseEntity.created(URI.create("/orders/" + placed.id())).body(placed);
    }

    /**
     * One order, from a reader (it can be missing for a moment after it was placed, while the
     * reader catches up).
     *
     * @param id the ID
     * @return the order
     * @throws OrderNotFoundException (404) when the reader does not have it
     */
    @GetMapping("/{id}")
    public Order find(@PathVariable long id) {
        return orders.find(id).orElseThrow(() -> new OrderNotFoundException(id));
    }

    /**
     * The newest orders, from a reader.
     *
     * @param customer only this customer's, if given
     * @param limit how many, 1-100 (default 20)
     * @return newest first
     */
    @GetMapping
    public List<Order> latest(
            @RequestParam(required = false) String customer, @RequestParam(defaultValue = "20") int limit) {
        return orders.latest(customer, limit);
    }

    /**
     * Items often bought with this order's item: a non-core feature behind the kill switch {@code
     * recommendations}. While it is killed the answer is empty with {@code degraded: true}, and the
     * database is not asked.
     *
     * @param id the order
     * @return the recommendations
     */
    @GetMapping("/{id}/recommendations")
    public Recommendations recommendations(@PathVariable long id) {
        Order order = find(id);
        return recommendations.guard(
                () -> new Recommendations(id, orders.boughtTogetherWith(order), false),
                () -> new Recommendations(id, List.of(), true));
    }
}
