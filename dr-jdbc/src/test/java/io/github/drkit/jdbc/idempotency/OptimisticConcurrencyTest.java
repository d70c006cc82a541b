package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.idempotency.IdempotentTransactionRunner.Mode;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrent duplicates in {@link Mode#OPTIMISTIC} on a real PostgreSQL primary, checked against
 * what the server committed: for every key exactly one order row and one finished record, whose
 * stored result is that order's receipt, and every answer is either the execution that committed
 * or a replay of exactly that receipt.
 */
class OptimisticConcurrencyTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().build();

    private static final int THREADS = 16;
    private static final int KEYS = 40;
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":1}");

    private static HikariDataSource pool;

    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    private final Map<String, AtomicInteger> runsPerKey = new ConcurrentHashMap<>();

    private static PostgresNode primary() {
        return PG.cluster().primary();
    }

    @BeforeAll
    static void createTablesAndPool() throws SQLException {
        try (Connection c = primary().connect()) {
            JdbcIdempotencyStore.builder().build().createTableIfNotExists(c);
            Orders.createTable(c);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("optimistic-concurrency");
        config.setJdbcUrl(primary().jdbcUrl());
        config.setUsername(primary().username());
        config.setMaximumPoolSize(THREADS);
        config.setAutoCommit(false);
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void closePool() {
        if (pool != null) {
            pool.close();
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
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private static IdempotentTransactionRunner runner(Mode mode, Duration inProgressWait) {
        return IdempotentTransactionRunner.builder()
                .dataSource(pool)
                .mode(mode)
                .idempotency(
                        Idempotency.builder().inProgressWait(inProgressWait).build())
                .build();
    }

    private TransactionalWork<String> order(IdempotencyKey key, CyclicBarrier firstRunsMeet) {
        return c -> {
            int run = runsPerKey
                    .computeIfAbsent(key.key(), k -> new AtomicInteger())
                    .incrementAndGet();
            String receipt = Orders.insert(c, key.key(), 1);
            if (firstRunsMeet != null && run <= THREADS) {
                awaitQuietly(firstRunsMeet);
            }
            return receipt;
        };
    }

    private static void awaitQuietly(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the racers did not meet", e);
        }
    }

    /**
     * All 16 threads run the work of the same key and meet before any of them commits, so each one's
     * record insert really races the others' at commit: one wins, 15 lose on the primary key, roll
     * back and replay the winner's receipt, and none of them runs the work a second time.
     */
    @RepeatedTest(2)
    void duplicatesThatRanTheWorkLoseAtCommitRollBackAndReplayTheWinner() throws Exception {
        IdempotentTransactionRunner runner = runner(Mode.OPTIMISTIC, Duration.ZERO);
        Map<String, List<String>> answers = new HashMap<>();
        for (int k = 0; k < KEYS / 4; k++) {
            IdempotencyKey key = IdempotencyKey.of("race", "key-" + k);
            CyclicBarrier meet = new CyclicBarrier(THREADS);
            answers.put(key.key(), answersOf(race(runner, key, meet)));
            assertThat(runsPerKey.get(key.key()))
                    .as("every racer ran the work exactly once, the losers' replays ran nothing")
                    .hasValue(THREADS);
        }
        checkAgainstTheServer(answers, false);
    }

    /**
     * Free-running: 16 threads, each requesting all 40 keys in its own order, half through an
     * optimistic runner and half through a claim-first one (with a wait, so that claim-first
     * duplicates replay rather than answer "in progress"). The modes share the table and protect
     * each other's keys.
     */
    @Test
    void optimisticAndClaimFirstDuplicatesOfManyKeysCommitEachKeyOnce() throws Exception {
        IdempotentTransactionRunner optimistic = runner(Mode.OPTIMISTIC, Duration.ofSeconds(30));
        IdempotentTransactionRunner claimFirst = runner(Mode.CLAIM_FIRST, Duration.ofSeconds(30));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Map<String, String>>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            IdempotentTransactionRunner runner = t % 2 == 0 ? optimistic : claimFirst;
            futures.add(threads.submit(() -> {
                start.await();
                Map<String, String> mine = new HashMap<>();
                for (int i = 0; i < KEYS; i++) {
                    IdempotencyKey key = IdempotencyKey.of("race", "key-" + ((i * 7 + thread * 3) % KEYS));
                    mine.put(key.key(), answer(runner, key, null));
                }
                return mine;
            }));
        }
        start.countDown();
        Map<String, List<String>> answers = new HashMap<>();
        for (Future<Map<String, String>> f : futures) {
            f.get(120, TimeUnit.SECONDS)
                    .forEach((key, answer) ->
                            answers.computeIfAbsent(key, k -> new ArrayList<>()).add(answer));
        }
        assertThat(answers).hasSize(KEYS);
        checkAgainstTheServer(answers, true);
    }

    private List<Future<String>> race(IdempotentTransactionRunner runner, IdempotencyKey key, CyclicBarrier meet) {
        List<Future<String>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(threads.submit(() -> answer(runner, key, meet)));
        }
        return futures;
    }

    private String answer(IdempotentTransactionRunner runner, IdempotencyKey key, CyclicBarrier meet)
            throws SQLException {
        try {
            IdempotentOutcome<String> outcome = runner.run(key, PAYLOAD, ResultCodec.utf8(), order(key, meet));
            return (outcome.replayed() ? "replayed:" : "executed:") + outcome.value();
        } catch (IdempotencyInProgressException e) {
            return "in-progress";
        }
    }

    private static List<String> answersOf(List<Future<String>> futures) throws Exception {
        List<String> answers = new ArrayList<>();
        for (Future<String> f : futures) {
            answers.add(f.get(60, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** The checker: what the server committed, against every answer given. */
    private static void checkAgainstTheServer(Map<String, List<String>> answers, boolean inProgressAllowed)
            throws SQLException {
        Map<String, String> committedReceipts = new HashMap<>();
        Map<String, Integer> ordersPerKey = new HashMap<>();
        Map<String, String> recordResults = new HashMap<>();
        try (Connection c = primary().connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT request, count(*), min(id) FROM orders GROUP BY request")) {
                while (rs.next()) {
                    ordersPerKey.put(rs.getString(1), rs.getInt(2));
                    committedReceipts.put(rs.getString(1), "order-" + rs.getLong(3));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT idem_key, state, convert_from(result, 'UTF8')"
                    + " FROM drkit_idempotency WHERE scope = 'race'")) {
                while (rs.next()) {
                    assertThat(rs.getString(2))
                            .as("state of " + rs.getString(1))
                            .isEqualTo("C");
                    recordResults.put(rs.getString(1), rs.getString(3));
                }
            }
        }
        assertThat(ordersPerKey.keySet()).containsExactlyInAnyOrderElementsOf(answers.keySet());
        assertThat(recordResults.keySet()).containsExactlyInAnyOrderElementsOf(answers.keySet());
        for (Map.Entry<String, List<String>> entry : answers.entrySet()) {
            String key = entry.getKey();
            String receipt = committedReceipts.get(key);
            assertThat(ordersPerKey.get(key))
                    .as("order rows committed for " + key)
                    .isEqualTo(1);
            assertThat(recordResults.get(key)).as("stored result of " + key).isEqualTo(receipt);
            List<String> given = entry.getValue();
            assertThat(given)
                    .as("answers for " + key)
                    .filteredOn(("executed:" + receipt)::equals)
                    .hasSize(1);
            assertThat(given)
                    .as("answers for " + key)
                    .allMatch(a -> a.equals("executed:" + receipt)
                            || a.equals("replayed:" + receipt)
                            || (inProgressAllowed && a.equals("in-progress")));
        }
    }
}
