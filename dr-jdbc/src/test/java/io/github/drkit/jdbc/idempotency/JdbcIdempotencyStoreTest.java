package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyInProgressException;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyKeyReusedException;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyResultNotReplayableException;
import io.github.drkit.core.idempotency.IdempotencyState;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.MutableClock;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store's semantics on a real PostgreSQL primary. */
class JdbcIdempotencyStoreTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().build();

    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "order-42");
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":100}");
    private static final Fingerprint OTHER_PAYLOAD = Fingerprint.sha256("{\"amount\":999}");

    private final JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();
    private final Idempotency idempotency = Idempotency.builder().build();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger runs = new AtomicInteger();

    private static PostgresNode primary() {
        return PG.cluster().primary();
    }

    @BeforeAll
    static void createTables() throws SQLException {
        try (Connection c = primary().connect()) {
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().build();
            store.createTableIfNotExists(c);
            store.createTableIfNotExists(c);
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

    private static Connection transaction() throws SQLException {
        Connection c = primary().connect();
        c.setAutoCommit(false);
        return c;
    }

    private IdempotentOutcome<String> order(Connection c, Idempotency settings, Fingerprint payload)
            throws SQLException {
        return settings.execute(records.on(c), KEY, payload, ResultCodec.utf8(), () -> {
            runs.incrementAndGet();
            return Orders.insert(c, KEY.key(), 100);
        });
    }

    private static long orders() throws SQLException {
        try (Connection c = primary().connect()) {
            return Orders.count(c, KEY.key());
        }
    }

    @Test
    void aResultLargerThanTheBoundCommitsTheWriteAsNotReplayableAndARetryIsRefusedWithoutARun() throws SQLException {
        JdbcIdempotencyStore small =
                JdbcIdempotencyStore.builder().maxResultBytes(8).build();
        try (Connection c = transaction()) {
            IdempotencyStore view = small.on(c);
            assertThat(view.maxResultBytes()).isEqualTo(8);
            assertThat(view.transactional()).isTrue();
            IdempotentOutcome<String> first = idempotency.execute(view, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                runs.incrementAndGet();
                return Orders.insert(c, KEY.key(), 100) + " with a receipt longer than eight bytes";
            });
            c.commit();
            assertThat(first.replayed()).isFalse();
            assertThat(first.value()).endsWith("longer than eight bytes");
        }
        try (Connection c = transaction()) {
            assertThatThrownBy(() -> idempotency.execute(small.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                        runs.incrementAndGet();
                        return Orders.insert(c, KEY.key(), 100);
                    }))
                    .isInstanceOf(IdempotencyResultNotReplayableException.class);
            c.rollback();
            IdempotencyRecord record = small.on(c).find(KEY).orElseThrow();
            assertThat(record.state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
            assertThat(record.result()).isNull();
            assertThat(Orders.queryString(
                            c, "SELECT state || coalesce(length(result)::text, '-') FROM drkit_idempotency"))
                    .isEqualTo("N-");
        }
        assertThat(runs).hasValue(1);
        assertThat(orders()).isEqualTo(1);
    }

    private static ClaimRequest claimOf(String token) {
        Instant now = Instant.now();
        return new ClaimRequest(
                KEY,
                PAYLOAD,
                token,
                now,
                now.plus(Duration.ofMinutes(1)),
                now.plus(Duration.ofHours(1)),
                Duration.ZERO);
    }

    /**
     * The runner's finishing view sends the result and COMMIT in one round trip: the write is
     * visible to others as soon as {@code complete} returns, and the caller's {@code commit()}
     * afterwards sends nothing (PostgreSQL would warn "there is no transaction in progress"). A
     * completion whose token holds no record fails before the COMMIT: nothing of the transaction
     * commits.
     */
    @Test
    void theFinishingViewCommitsWithTheResultAndNeverWithoutIt() throws SQLException {
        try (Connection c = transaction()) {
            IdempotencyStore view = records.finishingOn(c, false);
            assertThat(view.transactional()).isTrue();
            assertThat(view.claim(claimOf("mine"))).isInstanceOf(ClaimResult.Claimed.class);
            Orders.insert(c, KEY.key(), 1);
            assertThat(view.complete(
                            KEY, "not-mine", new byte[] {1}, Instant.now().plusSeconds(60)))
                    .isFalse();
            c.rollback();
        }
        assertThat(orders()).isZero();
        try (Connection c = transaction()) {
            assertThat(records.on(c).find(KEY)).isEmpty();
        }

        try (Connection c = transaction()) {
            IdempotencyStore view = records.finishingOn(c, false);
            view.claim(claimOf("mine"));
            Orders.insert(c, KEY.key(), 1);
            assertThat(view.complete(
                            KEY, "mine", new byte[] {4, 2}, Instant.now().plusSeconds(60)))
                    .isTrue();
            assertThat(orders()).as("committed by the completion's round trip").isEqualTo(1);
            c.commit();
            assertThat((Object) c.getWarnings())
                    .as("the commit after it sent nothing")
                    .isNull();
        }
        try (Connection c = transaction()) {
            assertThat(records.on(c).find(KEY).orElseThrow().result()).containsExactly(4, 2);
        }
    }

    /** The optimistic view writes nothing before the end, and loses (commits nothing) to a record. */
    @Test
    void theOptimisticViewInsertsTheFinishedRecordAtTheEndAndLosesToAnExistingOne() throws SQLException {
        try (Connection c = transaction()) {
            IdempotencyStore view = records.finishingOn(c, true);
            view.claim(claimOf("first"));
            assertThat(records.on(c).find(KEY))
                    .as("nothing written by the claim")
                    .isEmpty();
            Orders.insert(c, KEY.key(), 1);
            assertThat(view.completeNotReplayable(KEY, "first", Instant.now().plusSeconds(60)))
                    .isTrue();
            c.commit();
            assertThat((Object) c.getWarnings()).isNull();
        }
        try (Connection c = transaction()) {
            io.github.drkit.jdbc.idempotency.internal.FinishingStore view = records.finishingOn(c, true);
            view.claim(claimOf("second"));
            Orders.insert(c, KEY.key(), 1);
            assertThat(view.complete(
                            KEY, "second", new byte[] {1}, Instant.now().plusSeconds(60)))
                    .isFalse();
            assertThat(view.lostToExistingRecord()).isTrue();
            c.rollback();
        }
        assertThat(orders()).isEqualTo(1);
        try (Connection c = transaction()) {
            IdempotencyRecord record = records.on(c).find(KEY).orElseThrow();
            assertThat(record.state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
            assertThat(record.claimToken()).isEqualTo("first");
        }
    }

    /** The DDL's statements without its comment lines (which quote the ALTER statement). */
    private static String withoutComments(String ddl) {
        return ddl.lines().filter(l -> !l.strip().startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The README's statement upgrades a table created before state 'N' existed. */
    @Test
    void theReadmesAlterStatementLetsAnOldTableKeepNotReplayableRecords() throws SQLException {
        JdbcIdempotencyStore old = JdbcIdempotencyStore.builder()
                .tableName("old_idem")
                .maxResultBytes(1)
                .build();
        try (Connection c = primary().connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS old_idem");
            s.execute(withoutComments(old.ddl())
                    .replace("('P', 'C', 'N')", "('P', 'C')")
                    .split(";")[0]);
            c.setAutoCommit(false);
            assertThatThrownBy(() -> idempotency.execute(old.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "big"))
                    .as("the old constraint refuses 'N'")
                    .isInstanceOf(io.github.drkit.core.idempotency.IdempotencyResultNotStoredException.class);
            c.rollback();
            s.execute("ALTER TABLE old_idem DROP CONSTRAINT old_idem_state_ck,"
                    + " ADD CONSTRAINT old_idem_state_ck CHECK (state IN ('P', 'C', 'N'))");
            c.commit();
            idempotency.execute(old.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "big");
            c.commit();
            assertThat(old.on(c).find(KEY).orElseThrow().state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
        }
    }

    @Test
    void theViewIsTransactionalExactlyWhenTheConnectionDoesNotAutoCommit() throws SQLException {
        try (Connection c = primary().connect()) {
            c.setAutoCommit(true);
            assertThat(records.on(c).transactional()).isFalse();
            assertThat(JdbcIdempotencyStore.builder()
                            .engine(JdbcIdempotencyStore.Engine.POSTGRESQL)
                            .build()
                            .on(c)
                            .transactional())
                    .isFalse();
            c.setAutoCommit(false);
            assertThat(records.on(c).transactional()).isTrue();
        }
        Connection closed = primary().connect();
        closed.close();
        assertThat(records.on(closed).transactional())
                .as("a connection whose mode cannot be read gets the cautious answer")
                .isFalse();
    }

    @Test
    void createsTheTableOnceWithTheConfiguredNameAndSchema() throws SQLException {
        JdbcIdempotencyStore custom =
                JdbcIdempotencyStore.builder().tableName("app.idem_records").build();
        try (Connection c = primary().connect()) {
            c.createStatement().execute("CREATE SCHEMA IF NOT EXISTS app");
            custom.createTableIfNotExists(c);
            custom.createTableIfNotExists(c);
            assertThat(Orders.queryString(c, "SELECT to_regclass('app.idem_records')::text"))
                    .isEqualTo("app.idem_records");
            assertThat(Orders.queryString(
                            c,
                            "SELECT indexname FROM pg_indexes WHERE tablename = 'idem_records' AND indexname LIKE"
                                    + " '%expires%'"))
                    .isEqualTo("idem_records_expires_idx");
            IdempotentOutcome<String> outcome =
                    idempotency.execute(custom.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "in custom table");
            assertThat(outcome.replayed()).isFalse();
            assertThat(Orders.queryString(c, "SELECT count(*) FROM app.idem_records"))
                    .isEqualTo("1");
        }
        assertThat(custom.ddl())
                .contains("CREATE TABLE IF NOT EXISTS app.idem_records (")
                .contains("CONSTRAINT idem_records_pk PRIMARY KEY")
                .doesNotContain("drkit_idempotency");
    }

    @Test
    void recordAndWriteCommitTogetherAndTheRetryReplays() throws SQLException {
        try (Connection c = transaction()) {
            IdempotentOutcome<String> first = order(c, idempotency, PAYLOAD);
            c.commit();
            assertThat(first.replayed()).isFalse();
            assertThat(first.value()).startsWith("order-");
        }
        try (Connection c = transaction()) {
            IdempotentOutcome<String> retry = order(c, idempotency, PAYLOAD);
            c.commit();
            assertThat(retry.replayed()).isTrue();
            IdempotencyRecord record = records.on(c).find(KEY).orElseThrow();
            assertThat(record.state()).isEqualTo(IdempotencyState.COMPLETED);
            assertThat(new String(record.result(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(retry.value());
        }
        assertThat(runs).hasValue(1);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void rollbackTakesTheClaimAwayWithTheWrite() throws SQLException {
        try (Connection c = transaction()) {
            order(c, idempotency, PAYLOAD);
            c.rollback();
            assertThat(records.on(c).find(KEY)).isEmpty();
        }
        assertThat(orders()).isZero();
        try (Connection c = transaction()) {
            assertThat(order(c, idempotency, PAYLOAD).replayed()).isFalse();
            c.commit();
        }
        assertThat(runs).hasValue(2);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void anotherPayloadIsRefused() throws SQLException {
        try (Connection c = transaction()) {
            order(c, idempotency, PAYLOAD);
            c.commit();
        }
        try (Connection c = transaction()) {
            assertThatThrownBy(() -> order(c, idempotency, OTHER_PAYLOAD))
                    .isInstanceOf(IdempotencyKeyReusedException.class);
            c.rollback();
        }
        assertThat(runs).hasValue(1);
    }

    @Test
    void failedStatementInTheActionPropagatesAndTheRollbackFreesTheKey() throws SQLException {
        try (Connection c = transaction()) {
            SQLException thrown = catchThrowableOfType(
                    SQLException.class,
                    () -> idempotency.execute(records.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                        Orders.insert(c, KEY.key(), 100);
                        c.createStatement().execute("SELECT 1 / 0");
                        return "unreachable";
                    }));
            assertThat(thrown.getSQLState()).isEqualTo("22012");
            assertThat(thrown.getSuppressed())
                    .as("the release hit the aborted transaction (25P02) and left the claim to the rollback")
                    .isEmpty();
            c.rollback();
        }
        assertThat(orders()).isZero();
        try (Connection c = transaction()) {
            assertThat(order(c, idempotency, PAYLOAD).replayed()).isFalse();
            c.commit();
        }
    }

    @Test
    void failureOutsideSqlReleasesTheClaimInsideTheOpenTransaction() throws SQLException {
        try (Connection c = transaction()) {
            assertThatThrownBy(() -> idempotency.execute(records.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                        throw new IllegalStateException("card declined");
                    }))
                    .hasMessage("card declined");
            assertThat(records.on(c).find(KEY)).isEmpty();
            assertThat(order(c, idempotency, PAYLOAD).replayed()).isFalse();
            c.commit();
        }
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void uncommittedClaimInAnotherTransactionIsReportedInProgressPromptly() throws SQLException {
        try (Connection holder = transaction();
                Connection other = transaction()) {
            order(holder, idempotency, PAYLOAD);

            IdempotencyInProgressException busy = assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> catchThrowableOfType(
                            IdempotencyInProgressException.class, () -> order(other, idempotency, PAYLOAD)));

            assertThat(busy).isNotNull();
            assertThat(busy.leaseExpiresAt())
                    .as("the holder's uncommitted record is not readable")
                    .isEmpty();
            other.rollback();
            holder.commit();
        }
        try (Connection c = transaction()) {
            assertThat(order(c, idempotency, PAYLOAD).replayed()).isTrue();
            c.commit();
        }
        assertThat(runs).hasValue(1);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void theCallersLockTimeoutIsRestoredAfterEveryClaim() throws SQLException {
        try (Connection c = primary().connect()) {
            c.createStatement().execute("SET lock_timeout = '7s'");
            c.setAutoCommit(false);
            order(c, idempotency, PAYLOAD);
            assertThat(Orders.queryString(c, "SHOW lock_timeout")).isEqualTo("7s");
            c.commit();
            order(c, idempotency, PAYLOAD);
            assertThat(Orders.queryString(c, "SHOW lock_timeout")).isEqualTo("7s");
            c.commit();
            c.setAutoCommit(true);
            idempotency.execute(records.on(c), IdempotencyKey.of("t", "auto"), PAYLOAD, ResultCodec.utf8(), () -> "a");
            assertThat(Orders.queryString(c, "SHOW lock_timeout")).isEqualTo("7s");
        }
        try (Connection c = transaction()) {
            order(c, idempotency, PAYLOAD);
            assertThat(Orders.queryString(c, "SHOW lock_timeout")).isEqualTo("0");
            c.rollback();
        }
    }

    @Test
    void waitingCallerReplaysWhenTheHolderCommits() throws Exception {
        Idempotency waiting =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(30)).build();
        try (Connection holder = transaction();
                Connection other = transaction()) {
            order(holder, idempotency, PAYLOAD);
            int otherPid = Orders.backendPid(other);
            Future<IdempotentOutcome<String>> waiter = pool.submit(() -> order(other, waiting, PAYLOAD));
            awaitLockWait(otherPid);

            holder.commit();

            assertThat(waiter.get(30, TimeUnit.SECONDS).replayed()).isTrue();
            other.commit();
        }
        assertThat(runs).hasValue(1);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void waitingCallerRunsWhenTheHolderRollsBack() throws Exception {
        Idempotency waiting =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(30)).build();
        try (Connection holder = transaction();
                Connection other = transaction()) {
            order(holder, idempotency, PAYLOAD);
            int otherPid = Orders.backendPid(other);
            Future<IdempotentOutcome<String>> waiter = pool.submit(() -> order(other, waiting, PAYLOAD));
            awaitLockWait(otherPid);

            holder.rollback();

            assertThat(waiter.get(30, TimeUnit.SECONDS).replayed()).isFalse();
            other.commit();
        }
        assertThat(runs).hasValue(2);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void boundedWaitGivesUpAfterTheWait() throws SQLException {
        Duration wait = Duration.ofMillis(400);
        Idempotency waiting = Idempotency.builder().inProgressWait(wait).build();
        try (Connection holder = transaction();
                Connection other = transaction()) {
            order(holder, idempotency, PAYLOAD);
            long started = System.nanoTime();
            assertThatThrownBy(() -> order(other, waiting, PAYLOAD)).isInstanceOf(IdempotencyInProgressException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(wait)
                    .isLessThan(Duration.ofSeconds(10));
            other.rollback();
            holder.rollback();
        }
    }

    @Test
    void claimCommittedOnItsOwnIsTakenOverAfterItsLeaseInRealTime() throws SQLException {
        Duration lease = Duration.ofMillis(500);
        Idempotency shortLease = Idempotency.builder().leaseDuration(lease).build();
        try (Connection auto = primary().connect()) {
            IdempotencyStore store = records.on(auto);
            Instant now = Instant.now();
            ClaimResult dead = store.claim(new ClaimRequest(
                    KEY, PAYLOAD, "dead-holder", now, now.plus(lease), now.plusSeconds(3600), Duration.ZERO));
            assertThat(dead).isInstanceOf(ClaimResult.Claimed.class);

            IdempotencyInProgressException busy =
                    catchThrowableOfType(IdempotencyInProgressException.class, () -> order(auto, shortLease, PAYLOAD));
            assertThat(busy.leaseExpiresAt())
                    .contains(Instant.ofEpochMilli(now.plus(lease).toEpochMilli()));
            assertThatThrownBy(() -> order(auto, shortLease, OTHER_PAYLOAD))
                    .as("another payload never takes over")
                    .isInstanceOf(IdempotencyKeyReusedException.class);

            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreException(IdempotencyInProgressException.class)
                    .until(() -> !order(auto, shortLease, PAYLOAD).replayed());

            assertThat(store.complete(KEY, "dead-holder", new byte[] {1}, now.plusSeconds(3600)))
                    .isFalse();
            assertThat(store.release(KEY, "dead-holder")).isFalse();
            assertThat(order(auto, shortLease, PAYLOAD).replayed()).isTrue();
        }
        assertThat(runs).hasValue(1);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void waitingCallerPollsAClaimCommittedOnItsOwnAndReplaysItsResult() throws Exception {
        Idempotency waiting =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(30)).build();
        try (Connection holderConnection = primary().connect();
                Connection other = transaction()) {
            IdempotencyStore holder = records.on(holderConnection);
            Instant now = Instant.now();
            holder.claim(new ClaimRequest(
                    KEY, PAYLOAD, "holder", now, now.plusSeconds(600), now.plusSeconds(3600), Duration.ZERO));
            int otherPid = Orders.backendPid(other);
            Future<IdempotentOutcome<String>> waiter = pool.submit(() -> order(other, waiting, PAYLOAD));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> lastQueryOf(otherPid).contains("drkit.saved_lock_timeout"));
            assertThat(waiter).isNotDone();

            assertThat(holder.complete(
                            KEY,
                            "holder",
                            "from the holder".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            now.plusSeconds(3600)))
                    .isTrue();

            assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(new IdempotentOutcome<>("from the holder", true));
            other.commit();
        }
        assertThat(runs).hasValue(0);
    }

    @Test
    void expiredRecordCountsAsAbsentAndPurgeRemovesExactlyTheExpired() throws SQLException {
        MutableClock clock = MutableClock.startingAt("2025-03-01T09:00:00Z");
        Idempotency timed = Idempotency.builder().clock(clock).build();
        JdbcIdempotencyStore smallBatches =
                JdbcIdempotencyStore.builder().purgeBatchSize(2).build();
        try (Connection c = primary().connect()) {
            for (int i = 0; i < 5; i++) {
                timed.execute(
                        smallBatches.on(c), IdempotencyKey.of("t", "old-" + i), PAYLOAD, ResultCodec.utf8(), () -> "r");
            }
            clock.advance(Duration.ofHours(12));
            timed.execute(smallBatches.on(c), IdempotencyKey.of("t", "young"), PAYLOAD, ResultCodec.utf8(), () -> "r");
            clock.advance(Duration.ofHours(13));

            IdempotentOutcome<String> reused = timed.execute(
                    smallBatches.on(c),
                    IdempotencyKey.of("t", "old-0"),
                    OTHER_PAYLOAD,
                    ResultCodec.utf8(),
                    () -> "new");
            assertThat(reused).isEqualTo(new IdempotentOutcome<>("new", false));

            assertThat(timed.purgeExpired(smallBatches.on(c))).isEqualTo(4);
            assertThat(Orders.queryString(
                            c, "SELECT string_agg(idem_key, ',' ORDER BY idem_key) FROM drkit_idempotency"))
                    .isEqualTo("old-0,young");
            assertThat(timed.purgeExpired(smallBatches.on(c))).isZero();
        }
    }

    @Test
    void purgeSkipsRecordsAnotherTransactionHoldsInsteadOfWaiting() throws SQLException {
        MutableClock clock = MutableClock.startingAt("2025-03-01T09:00:00Z");
        Idempotency timed = Idempotency.builder().clock(clock).build();
        try (Connection c = primary().connect();
                Connection locker = transaction()) {
            timed.execute(records.on(c), IdempotencyKey.of("t", "a"), PAYLOAD, ResultCodec.utf8(), () -> "r");
            timed.execute(records.on(c), IdempotencyKey.of("t", "b"), PAYLOAD, ResultCodec.utf8(), () -> "r");
            clock.advance(Duration.ofDays(2));
            locker.createStatement().executeQuery("SELECT 1 FROM drkit_idempotency WHERE idem_key = 'a' FOR UPDATE");

            long purged = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> timed.purgeExpired(records.on(c)));

            assertThat(purged).isEqualTo(1);
            locker.rollback();
            assertThat(timed.purgeExpired(records.on(c))).isEqualTo(1);
        }
    }

    @Test
    void completeAndReleaseNeedTheClaimToken() throws SQLException {
        try (Connection c = primary().connect()) {
            IdempotencyStore store = records.on(c);
            Instant now = Instant.now();
            store.claim(new ClaimRequest(
                    KEY, PAYLOAD, "mine", now, now.plusSeconds(60), now.plusSeconds(3600), Duration.ZERO));
            assertThat(store.complete(KEY, "not-mine", new byte[0], now.plusSeconds(3600)))
                    .isFalse();
            assertThat(store.release(KEY, "not-mine")).isFalse();
            assertThat(store.complete(KEY, "mine", new byte[] {4, 2}, now.plusSeconds(3600)))
                    .isTrue();
            assertThat(store.release(KEY, "mine")).isFalse();
            IdempotencyRecord record = store.find(KEY).orElseThrow();
            assertThat(record.result()).containsExactly(4, 2);
            assertThat(record.claimToken()).isEqualTo("mine");
            assertThat(record.leaseExpiresAt()).isNull();
        }
    }

    @Test
    void emptyResultsReplay() throws SQLException {
        try (Connection c = primary().connect()) {
            IdempotentOutcome<Void> first =
                    idempotency.execute(records.on(c), KEY, PAYLOAD, ResultCodec.none(), () -> null);
            IdempotentOutcome<Void> again =
                    idempotency.execute(records.on(c), KEY, PAYLOAD, ResultCodec.none(), () -> null);
            assertThat(first).isEqualTo(new IdempotentOutcome<Void>(null, false));
            assertThat(again).isEqualTo(new IdempotentOutcome<Void>(null, true));
        }
    }

    @Test
    void storeFailuresNameTheKeyAndKeepTheDriversException() throws SQLException {
        JdbcIdempotencyStore missing =
                JdbcIdempotencyStore.builder().tableName("no_such_table").build();
        try (Connection c = primary().connect()) {
            assertThatThrownBy(() -> idempotency.execute(missing.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "x"))
                    .isInstanceOf(io.github.drkit.core.idempotency.IdempotencyStoreException.class)
                    .hasMessage("claiming idempotency key tenant-1/order-42 in no_such_table failed")
                    .cause()
                    .isInstanceOf(SQLException.class)
                    .hasFieldOrPropertyWithValue("SQLState", "42P01");
        }
    }

    private static void awaitLockWait(int pid) {
        await().atMost(Duration.ofSeconds(20)).until(() -> "Lock".equals(waitEventTypeOf(pid)));
    }

    private static String waitEventTypeOf(int pid) throws SQLException {
        try (Connection c = primary().connect();
                PreparedStatement ps =
                        c.prepareStatement("SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            var rs = ps.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String lastQueryOf(int pid) throws SQLException {
        try (Connection c = primary().connect();
                PreparedStatement ps = c.prepareStatement("SELECT query FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            var rs = ps.executeQuery();
            return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
        }
    }
}
