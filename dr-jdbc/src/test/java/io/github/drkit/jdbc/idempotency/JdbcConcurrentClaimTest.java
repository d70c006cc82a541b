package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** 32 transactions race for one key on a real PostgreSQL primary. */
class JdbcConcurrentClaimTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().build();

    private static final int THREADS = 32;
    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant", "same-key");
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("same payload");

    private final JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    private static PostgresNode primary() {
        return PG.cluster().primary();
    }

    @BeforeAll
    static void createTables() throws SQLException {
        try (Connection c = primary().connect()) {
            JdbcIdempotencyStore.builder().build().createTableIfNotExists(c);
            Orders.createTable(c);
        }
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        try (Connection c = primary().connect();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE drkit_idempotency, orders");
        }
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Each thread: its own connection and transaction; answers "executed:", "replayed:" or "in-progress". */
    private List<Future<String>> race(Idempotency idempotency, Waiter holderWaitsFor) throws Exception {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            connections.add(primary().connect());
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        for (Connection c : connections) {
            futures.add(pool.submit(() -> {
                try (c) {
                    c.setAutoCommit(false);
                    start.await();
                    try {
                        IdempotentOutcome<String> outcome =
                                idempotency.execute(records.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                                    runs.incrementAndGet();
                                    String receipt = Orders.insert(c, KEY.key(), 1);
                                    holderWaitsFor.await();
                                    return receipt;
                                });
                        c.commit();
                        return (outcome.replayed() ? "replayed:" : "executed:") + outcome.value();
                    } catch (IdempotencyInProgressException e) {
                        c.rollback();
                        return "in-progress";
                    } finally {
                        answered.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        return futures;
    }

    private static List<String> results(List<Future<String>> futures) throws Exception {
        List<String> results = new ArrayList<>();
        for (Future<String> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    @RepeatedTest(3)
    void oneTransactionRunsTheOthersAreToldInProgressWhileItHoldsTheKey() throws Exception {
        List<Future<String>> futures = race(
                Idempotency.builder().build(),
                () -> await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() == THREADS - 1));

        List<String> results = results(futures);

        assertThat(runs).hasValue(1);
        assertThat(results).filteredOn(r -> r.startsWith("executed:")).hasSize(1);
        assertThat(results).filteredOn("in-progress"::equals).hasSize(THREADS - 1);
        try (Connection c = primary().connect()) {
            assertThat(Orders.count(c, KEY.key())).isEqualTo(1);
        }
    }

    @RepeatedTest(3)
    void withAWaitTheOthersReplayTheCommittedResult() throws Exception {
        List<Future<String>> futures = race(
                Idempotency.builder().inProgressWait(Duration.ofSeconds(30)).build(),
                // commit only when all 31 others wait on the holder's row lock
                () -> await().atMost(Duration.ofSeconds(30)).until(() -> waitersOnLocks() == THREADS - 1));

        List<String> results = results(futures);

        assertThat(runs).hasValue(1);
        String executed = results.stream()
                .filter(r -> r.startsWith("executed:"))
                .findFirst()
                .orElseThrow();
        String receipt = executed.substring("executed:".length());
        assertThat(results).filteredOn(("replayed:" + receipt)::equals).hasSize(THREADS - 1);
        try (Connection c = primary().connect()) {
            assertThat(Orders.count(c, KEY.key())).isEqualTo(1);
        }
    }

    private static long waitersOnLocks() throws SQLException {
        try (Connection c = primary().connect()) {
            return Long.parseLong(Orders.queryString(
                    c,
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            + " AND query LIKE '%ON CONFLICT (scope, idem_key) DO NOTHING%'"));
        }
    }

    @FunctionalInterface
    private interface Waiter {
        void await() throws Exception;
    }
}
