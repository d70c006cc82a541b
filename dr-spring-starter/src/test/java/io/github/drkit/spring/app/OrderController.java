package io.github.drkit.spring.app;

import io.github.drkit.spring.Idempotent;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.dao.DataAccessException;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.ExceptionHandler;
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

    /** How often {@code POST /orders/big} ran. */
    public static final AtomicInteger BIG_RUNS = new AtomicInteger();

    /** How often {@code POST /orders/json} ran. */
    public static final AtomicInteger JSON_RUNS = new AtomicInteger();

    /** How often {@code POST /orders/cut} ran. */
    public static final AtomicInteger CUT_RUNS = new AtomicInteger();

    /** The database backend of the running {@code POST /orders/cut}, for the test to terminate. */
    public static volatile long cutBackendPid;

    /** Entered by {@code POST /orders/cut} after its first insert. */
    public static volatile CountDownLatch cutEntered = new CountDownLatch(1);

    /** Released by the test to let {@code POST /orders/cut} go on. */
    public static volatile CountDownLatch cutRelease = new CountDownLatch(0);

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

    @PostMapping(path = "/orders/headers", produces = MediaType.APPLICATION_JSON_VALUE)
    @Idempotent
    public ResponseEntity<String> withHeaders(@RequestBody String item) {
        long n = System.nanoTime();
        return ResponseEntity.created(URI.create("/orders/h" + n))
                .eTag("\"v" + n + "\"")
                .cacheControl(CacheControl.noStore())
                .header("X-Order-Version", "7")
                .header("X-Not-Listed", "n" + n)
                .body("{\"item\":\"" + item.replace("\"", "") + "\",\"at\":" + n + "}");
    }

    @PostMapping(path = "/orders/big", produces = MediaType.TEXT_PLAIN_VALUE)
    @Idempotent
    public String big(@RequestBody String size) {
        BIG_RUNS.incrementAndGet();
        return "b".repeat(Integer.parseInt(size.trim()));
    }

    @PostMapping(path = "/orders/json", produces = MediaType.TEXT_PLAIN_VALUE)
    @Idempotent
    public String json(@RequestBody String order) {
        return "json run " + JSON_RUNS.incrementAndGet();
    }

    @PostMapping(path = "/orders/cut", produces = MediaType.TEXT_PLAIN_VALUE)
    @Idempotent
    @Transactional
    public ResponseEntity<String> cut(@RequestBody String item) throws InterruptedException {
        CUT_RUNS.incrementAndGet();
        cutBackendPid = jdbc.queryForObject("SELECT pg_backend_pid()", Long.class);
        jdbc.update("INSERT INTO orders (item) VALUES (?)", "cut " + item);
        cutEntered.countDown();
        if (!cutRelease.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the cut request");
        }
        jdbc.update("INSERT INTO orders (item) VALUES (?)", "cut " + item + " second");
        return ResponseEntity.status(201).body("cut " + item);
    }

    /**
     * A database failure (a cut connection, a failover) as the application's own 503 problem.
     *
     * @param e the failure
     * @return 503
     */
    @ExceptionHandler(DataAccessException.class)
    public ResponseEntity<String> database(DataAccessException e) {
        return ResponseEntity.status(503)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body("{\"type\":\"urn:test:problem:database\",\"status\":503}");
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
