package io.github.drkit.spring.app;

import io.github.drkit.spring.Idempotent;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Order endpoints with Idempotency-Key; counts how often each handler really ran. */
@RestController
public class OrderController {

    /** How often {@code POST /orders} ran. */
    public static final AtomicInteger CREATED = new AtomicInteger();

    /** How often {@code POST /orders/failing} ran. */
    public static final AtomicInteger FAILING_RUNS = new AtomicInteger();

    /** How many more times {@code POST /orders/failing} answers 500. */
    public static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

    /** Entered by {@code POST /orders/slow}. */
    public static volatile CountDownLatch slowEntered = new CountDownLatch(1);

    /** Released by the test to let {@code POST /orders/slow} finish. */
    public static volatile CountDownLatch slowRelease = new CountDownLatch(1);

    private final JdbcTemplate jdbc;

    OrderController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @PostMapping(path = "/orders", produces = MediaType.APPLICATION_JSON_VALUE)
    @Idempotent
    @Transactional
    public ResponseEntity<String> create(@RequestBody String item) {
        CREATED.incrementAndGet();
        Long id = jdbc.queryForObject("INSERT INTO orders (item) VALUES (?) RETURNING id", Long.class, item);
        return ResponseEntity.created(URI.create("/orders/" + id))
                .body("{\"id\":" + id + ",\"item\":\"" + item.replace("\"", "") + "\"}");
    }

    @PostMapping(path = "/orders/slow", produces = MediaType.TEXT_PLAIN_VALUE)
    @Idempotent
    public String slow(@RequestBody String item) throws InterruptedException {
        slowEntered.countDown();
        if (!slowRelease.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the slow request");
        }
        return "slow " + item;
    }

    @PostMapping(path = "/orders/failing", produces = MediaType.TEXT_PLAIN_VALUE)
    @Idempotent
    @Transactional
    public ResponseEntity<String> failing(@RequestBody String item) {
        FAILING_RUNS.incrementAndGet();
        jdbc.update("INSERT INTO orders (item) VALUES (?)", "failing " + item);
        if (FAILURES_LEFT.getAndDecrement() > 0) {
            return ResponseEntity.internalServerError().body("downstream broke");
        }
        return ResponseEntity.status(201).body("made " + item);
    }

    @PostMapping(path = "/orders/optional", produces = MediaType.TEXT_PLAIN_VALUE)
    @Idempotent(required = false)
    public String optional(@RequestBody String item) {
        return "optional " + item + " " + System.nanoTime();
    }

    @PostMapping(path = "/notes", produces = MediaType.TEXT_PLAIN_VALUE)
    public String note(@RequestBody String text) {
        return "note " + text + " " + System.nanoTime();
    }

    @PostMapping(path = "/plain", produces = MediaType.TEXT_PLAIN_VALUE)
    public String plain(@RequestBody String text) {
        return "plain " + text;
    }
}
