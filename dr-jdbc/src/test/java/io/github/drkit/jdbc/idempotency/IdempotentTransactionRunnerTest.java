package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyKeyReusedException;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.FailoverInterruptedException;
import io.github.drkit.jdbc.FailoverRetry;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.idempotency.FaultInjectingDataSource.CommitFault;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The safe retry: exactly the typed failover failures are retried, and a retry never writes twice.
 * Runs in {@link IdempotentTransactionRunner.Mode#CLAIM_FIRST}; {@link
 * OptimisticTransactionRunnerTest} runs the same cases in the optimistic mode.
 */
class IdempotentTransactionRunnerTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().build();

    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "order-42");
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":100}");
    private static final RetryConfig FAST = RetryConfig.custom()
            .maxAttempts(4)
            .waitDuration(Duration.ofMillis(1))
            .build();

    private FaultInjectingDataSource dataSource;
    private IdempotentTransactionRunner runner;
    private final AtomicInteger runs = new AtomicInteger();

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
    void setUp() throws SQLException {
        try (Connection c = primary().connect();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE drkit_idempotency, orders");
        }
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(primary().jdbcUrl());
        pg.setUser(primary().username());
        dataSource = new FaultInjectingDataSource(pg);
        runner = IdempotentTransactionRunner.builder()
                .dataSource(dataSource)
                .retryConfig(FAST)
                .mode(mode())
                .build();
    }

    /** The mode under test. */
    IdempotentTransactionRunner.Mode mode() {
        return IdempotentTransactionRunner.Mode.CLAIM_FIRST;
    }

    /**
     * How often the work runs for a request answered by a replay: never in the claim-first mode;
     * once (then rolled back) in the optimistic mode.
     */
    int runsOfAReplay() {
        return mode() == IdempotentTransactionRunner.Mode.OPTIMISTIC ? 1 : 0;
    }

    private TransactionalWork<String> placeOrder() {
        return c -> {
            runs.incrementAndGet();
            return Orders.insert(c, KEY.key(), 100);
        };
    }

    private IdempotentOutcome<String> run(TransactionalWork<String> work) throws SQLException {
        return runner.run(KEY, PAYLOAD, ResultCodec.utf8(), work);
    }

    private static long orders() throws SQLException {
        try (Connection c = primary().connect()) {
            return Orders.count(c, KEY.key());
        }
    }

    private Retry.Metrics metrics() {
        return runner.retry().getMetrics();
    }

    @Test
    void runsTheWorkInItsOwnTransactionAndReplaysItAfterwards() throws SQLException {
        IdempotentOutcome<String> first = run(placeOrder());
        IdempotentOutcome<String> second = run(placeOrder());

        assertThat(first.replayed()).isFalse();
        assertThat(second).isEqualTo(new IdempotentOutcome<>(first.value(), true));
        assertThat(runs).hasValue(1 + runsOfAReplay());
        assertThat(orders()).isEqualTo(1);
        assertThat(metrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(2);
    }

    @Test
    void transactionCutByAFailoverIsRunAgainAndWritesOnce() throws SQLException {
        IdempotentOutcome<String> outcome = run(c -> {
            String receipt = placeOrder().execute(c);
            if (runs.get() == 1) {
                throw new FailoverInterruptedException("writer went away (injected)", null);
            }
            return receipt;
        });

        assertThat(outcome.replayed()).isFalse();
        assertThat(runs).hasValue(2);
        assertThat(orders()).isEqualTo(1);
        assertThat(metrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    }

    @Test
    void noWriterYetIsRetriedUntilOneAppears() throws SQLException {
        dataSource.failNextConnection(new NoWriterException("no writer (injected)"));
        dataSource.failNextConnection(new NoWriterException("no writer (injected)"));

        IdempotentOutcome<String> outcome = run(placeOrder());

        assertThat(outcome.replayed()).isFalse();
        assertThat(runs).hasValue(1);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void failoverDuringTheClaimIsRetriedThroughTheStoreExceptionsCause() throws SQLException {
        dataSource.failFirstStatementOfNextConnection(
                new FailoverInterruptedException("cut during claim (injected)", null));

        IdempotentOutcome<String> outcome = run(placeOrder());

        assertThat(outcome.replayed()).isFalse();
        assertThat(dataSource.connectionsOpened).hasValue(2);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void commitThatHappenedButLostItsAnswerIsReplayedNotRepeated() throws SQLException {
        dataSource.onNextCommit(CommitFault.COMMITTED_THEN_ANSWER_LOST);

        IdempotentOutcome<String> outcome = run(placeOrder());

        assertThat(outcome.replayed())
                .as("the retry found the committed record")
                .isTrue();
        assertThat(runs).hasValue(1 + runsOfAReplay());
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void commitThatDidNotHappenIsRunAgain() throws SQLException {
        dataSource.onNextCommit(CommitFault.NOT_COMMITTED_ANSWER_LOST);

        IdempotentOutcome<String> outcome = run(placeOrder());

        assertThat(outcome.replayed()).isFalse();
        assertThat(runs).hasValue(2);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void ordinarySqlFailureIsNotRetriedEvenIfTheConfigAskedForIt() throws SQLException {
        runner = IdempotentTransactionRunner.builder()
                .dataSource(dataSource)
                .retryConfig(RetryConfig.custom()
                        .maxAttempts(4)
                        .waitDuration(Duration.ofMillis(1))
                        .retryExceptions(SQLException.class)
                        .retryOnException(e -> true)
                        .build())
                .mode(mode())
                .build();
        SQLException duplicate = new SQLException("duplicate key (injected)", "23505");

        SQLException thrown = catchThrowableOfType(
                SQLException.class,
                () -> run(c -> {
                    placeOrder().execute(c);
                    throw duplicate;
                }));

        assertThat((Throwable) thrown).isSameAs(duplicate);
        assertThat(runs).hasValue(1);
        assertThat(orders()).isZero();
        assertThat(metrics().getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
    }

    @Test
    void keyReusedAndInProgressAreAnswersNotRetried() throws Exception {
        run(placeOrder());
        assertThatThrownBy(() -> runner.run(KEY, Fingerprint.sha256("other"), ResultCodec.utf8(), placeOrder()))
                .isInstanceOf(IdempotencyKeyReusedException.class);

        IdempotencyKey held = IdempotencyKey.of("tenant-1", "held");
        try (Connection holder = primary().connect()) {
            if (mode() == IdempotentTransactionRunner.Mode.OPTIMISTIC) {
                // a live claim committed on its own (an optimistic insert would wait for a holder whose
                // claim is still uncommitted, then see its outcome)
                holder.setAutoCommit(true);
                Instant now = Instant.now();
                JdbcIdempotencyStore.builder()
                        .build()
                        .on(holder)
                        .claim(new ClaimRequest(
                                held,
                                PAYLOAD,
                                "holder",
                                now,
                                now.plus(Duration.ofMinutes(1)),
                                now.plus(Duration.ofHours(1)),
                                Duration.ZERO));
            } else {
                // the holder's claim is uncommitted, in its open transaction
                holder.setAutoCommit(false);
                io.github.drkit.core.idempotency.Idempotency.builder()
                        .build()
                        .execute(
                                JdbcIdempotencyStore.builder().build().on(holder),
                                held,
                                PAYLOAD,
                                ResultCodec.utf8(),
                                () -> "holding");
            }
            assertThatThrownBy(() -> runner.run(held, PAYLOAD, ResultCodec.utf8(), placeOrder()))
                    .isInstanceOf(IdempotencyInProgressException.class);
            if (!holder.getAutoCommit()) {
                holder.rollback();
            }
        }
        assertThat(runs).hasValue(1 + 2 * runsOfAReplay());
        try (Connection c = primary().connect()) {
            assertThat(Orders.count(c, KEY.key())).isEqualTo(1);
        }
        assertThat(metrics().getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(2);
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastFailure() {
        FailoverInterruptedException[] last = new FailoverInterruptedException[1];

        FailoverInterruptedException thrown = catchThrowableOfType(
                FailoverInterruptedException.class,
                () -> run(c -> {
                    placeOrder().execute(c);
                    last[0] = new FailoverInterruptedException("attempt " + runs.get() + " cut (injected)", null);
                    throw last[0];
                }));

        assertThat((Throwable) thrown).isSameAs(last[0]).hasMessage("attempt 4 cut (injected)");
        assertThat(runs).hasValue(4);
        assertThat(metrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
    }

    @Test
    void commitOutcomeUnknownOnEveryAttemptEndsUnknown() throws SQLException {
        for (int i = 0; i < 4; i++) {
            dataSource.onNextCommit(CommitFault.NOT_COMMITTED_ANSWER_LOST);
        }
        assertThatThrownBy(() -> run(placeOrder())).isInstanceOf(CommitOutcomeUnknownException.class);
        assertThat(runs).hasValue(4);
        assertThat(orders()).isZero();
    }

    @Test
    void storeFailureThatIsNotAFailoverIsNotRetried() {
        runner = IdempotentTransactionRunner.builder()
                .dataSource(dataSource)
                .store(JdbcIdempotencyStore.builder().tableName("missing_table").build())
                .retryConfig(FAST)
                .mode(mode())
                .build();
        assertThatThrownBy(() -> run(placeOrder())).isInstanceOf(IdempotencyStoreException.class);
        assertThat(dataSource.connectionsOpened).hasValue(1);
    }

    @Test
    void startsNoThreads() throws SQLException {
        Set<Long> before = liveThreadIds();
        dataSource.failNextConnection(new NoWriterException("no writer (injected)"));
        for (int i = 0; i < 20; i++) {
            runner.run(IdempotencyKey.of("t", "k" + i), PAYLOAD, ResultCodec.utf8(), placeOrder());
        }
        assertThat(liveThreadIds()).isSubsetOf(before);
    }

    @Test
    void builderNamesWhatIsMissingOrWrong() {
        assertThatThrownBy(() -> IdempotentTransactionRunner.builder().build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource must not be null");
        assertThatThrownBy(() -> IdempotentTransactionRunner.builder()
                        .dataSource(dataSource)
                        .retryName(" ")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryName must not be blank (was \" \")");
        assertThatThrownBy(() -> IdempotentTransactionRunner.builder()
                        .dataSource(dataSource)
                        .store(null)
                        .build())
                .hasMessage("store must not be null");
        assertThatThrownBy(() -> runner.run(KEY, PAYLOAD, ResultCodec.utf8(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("work must not be null");
        IdempotentTransactionRunner defaults =
                IdempotentTransactionRunner.builder().dataSource(dataSource).build();
        assertThat(defaults.retry().getName()).isEqualTo("drkit-idempotent-transaction");
        assertThat(defaults.retry().getRetryConfig().getMaxAttempts()).isEqualTo(FailoverRetry.DEFAULT_MAX_ATTEMPTS);
    }

    private static Set<Long> liveThreadIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getId)
                .collect(Collectors.toSet());
    }
}
