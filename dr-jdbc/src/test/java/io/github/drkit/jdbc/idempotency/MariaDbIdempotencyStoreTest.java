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
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.MutableClock;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.idempotency.JdbcIdempotencyStore.Engine;
import io.github.drkit.jdbc.idempotency.internal.SqlStates;
import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import io.github.resilience4j.retry.RetryConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The JDBC store's same-transaction semantics on a real MariaDB server (dr-testkit, MariaDB
 * Connector/J): what {@link JdbcIdempotencyStoreTest} and {@link JdbcConcurrentClaimTest} prove on
 * PostgreSQL, with InnoDB's own behaviour where it differs (lock waits in whole seconds, a failed
 * statement that does not abort the transaction, deadlock victims, {@code REPEATABLE READ} by
 * default), plus the keyed retry through {@link IdempotentTransactionRunner}. Connections keep the
 * server's default isolation, {@code REPEATABLE READ}, unless a case says otherwise.
 */
class MariaDbIdempotencyStoreTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(0).build();

    private static final IdempotencyKey KEY = IdempotencyKey.of("tenant-1", "order-42");
    private static final Fingerprint PAYLOAD = Fingerprint.sha256("{\"amount\":100}");
    private static final Fingerprint OTHER_PAYLOAD = Fingerprint.sha256("{\"amount\":999}");
    private static final int RACERS = 32;

    private final JdbcIdempotencyStore records = JdbcIdempotencyStore.builder().build();
    private final Idempotency idempotency = Idempotency.builder().build();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger runs = new AtomicInteger();

    private static MariaDbNode primary() {
        return DB.cluster().primary();
    }

    @BeforeAll
    static void createTables() throws SQLException {
        try (Connection c = primary().connect()) {
            JdbcIdempotencyStore store = JdbcIdempotencyStore.builder().build();
            store.createTableIfNotExists(c);
            store.createTableIfNotExists(c);
            Orders.createMariaDbTable(c);
        }
    }

    @BeforeEach
    void emptyTables() {
        primary().execute("DELETE FROM drkit_idempotency");
        primary().execute("DELETE FROM orders");
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
        return order(c, records, settings, payload);
    }

    private IdempotentOutcome<String> order(
            Connection c, JdbcIdempotencyStore store, Idempotency settings, Fingerprint payload) throws SQLException {
        return settings.execute(store.on(c), KEY, payload, ResultCodec.utf8(), () -> {
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
    void createsTheTableOnceWithTheConfiguredNameAsInnoDbUtf8mb4() throws SQLException {
        JdbcIdempotencyStore custom = JdbcIdempotencyStore.builder()
                .tableName(MariaDbNode.DATABASE + ".idem_records")
                .build();
        try (Connection c = primary().connect()) {
            custom.createTableIfNotExists(c);
            custom.createTableIfNotExists(c);
            assertThat(Orders.queryString(
                            c,
                            "SELECT CONCAT(engine, ' ', table_collation, ' ', row_format) FROM information_schema.tables"
                                    + " WHERE table_schema = DATABASE() AND table_name = 'idem_records'"))
                    .isEqualTo("InnoDB utf8mb4_bin Dynamic");
            assertThat(Orders.queryString(
                            c,
                            "SELECT GROUP_CONCAT(DISTINCT index_name ORDER BY index_name) FROM information_schema.statistics"
                                    + " WHERE table_schema = DATABASE() AND table_name = 'idem_records'"))
                    .isEqualTo("idem_records_expires_idx,PRIMARY");
            IdempotentOutcome<String> outcome =
                    idempotency.execute(custom.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "in custom table");
            assertThat(outcome.replayed()).isFalse();
            assertThat(Orders.queryString(c, "SELECT count(*) FROM drkit.idem_records"))
                    .isEqualTo("1");
        }
        assertThat(custom.ddl(Engine.MARIADB))
                .isEqualTo(custom.ddl(Engine.MYSQL))
                .contains("CREATE TABLE IF NOT EXISTS drkit.idem_records (")
                .contains("CONSTRAINT idem_records_state_ck CHECK")
                .contains("INDEX idem_records_expires_idx (expires_at_ms)")
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
            assertThat(new String(record.result(), StandardCharsets.UTF_8)).isEqualTo(retry.value());
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
    void keysThatDifferOnlyInCaseOrTrailingSpacesAreDifferentKeys() throws SQLException {
        List<IdempotencyKey> keys = List.of(
                IdempotencyKey.of("tenant-1", "order-42"),
                IdempotencyKey.of("tenant-1", "ORDER-42"),
                IdempotencyKey.of("tenant-1", "order-42 "),
                IdempotencyKey.of("Tenant-1", "order-42"));
        try (Connection c = primary().connect()) {
            for (IdempotencyKey key : keys) {
                IdempotentOutcome<String> outcome =
                        idempotency.execute(records.on(c), key, OTHER_PAYLOAD, ResultCodec.utf8(), () -> "ran " + key);
                assertThat(outcome).isEqualTo(new IdempotentOutcome<>("ran " + key, false));
            }
            for (IdempotencyKey key : keys) {
                assertThat(records.on(c).find(key).orElseThrow().result())
                        .asString(StandardCharsets.UTF_8)
                        .isEqualTo("ran " + key);
            }
        }
    }

    @Test
    void failedStatementInTheActionDoesNotAbortTheTransactionAndTheClaimIsReleasedInIt() throws SQLException {
        try (Connection c = transaction()) {
            SQLException thrown = catchThrowableOfType(
                    SQLException.class,
                    () -> idempotency.execute(records.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                        Orders.insert(c, KEY.key(), 100);
                        c.createStatement().execute("SELECT * FROM no_such_table");
                        return "unreachable";
                    }));
            assertThat(thrown.getErrorCode()).isEqualTo(1146);
            assertThat(thrown.getSuppressed())
                    .as("InnoDB kept the transaction: the release deleted the claim in it")
                    .isEmpty();
            assertThat(records.on(c).find(KEY)).isEmpty();
            assertThat(Orders.count(c, KEY.key()))
                    .as("the action's own write is still pending")
                    .isEqualTo(1);
            c.rollback();
        }
        assertThat(orders()).isZero();
        try (Connection c = transaction()) {
            assertThat(order(c, idempotency, PAYLOAD).replayed()).isFalse();
            c.commit();
        }
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void uncommittedClaimInAnotherTransactionIsReportedInProgressAtOnce() throws SQLException {
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
    void theCallersLockWaitTimeoutIsUnchangedAfterEveryClaimOnBothEngines() throws SQLException {
        JdbcIdempotencyStore mysql =
                JdbcIdempotencyStore.builder().engine(Engine.MYSQL).build();
        for (JdbcIdempotencyStore store : List.of(records, mysql)) {
            emptyTables();
            try (Connection c = primary().connect();
                    Connection holder = transaction()) {
                c.createStatement().execute("SET SESSION innodb_lock_wait_timeout = 7");
                c.setAutoCommit(false);
                order(c, store, idempotency, PAYLOAD);
                assertThat(lockWaitTimeout(c)).as(store.toString()).isEqualTo("7");
                c.commit();
                order(c, store, idempotency, PAYLOAD);
                assertThat(lockWaitTimeout(c)).isEqualTo("7");
                c.commit();
                // a claim whose wait runs out (error 1205) restores it too
                IdempotencyKey held = IdempotencyKey.of("t", "held");
                idempotency.execute(store.on(holder), held, PAYLOAD, ResultCodec.utf8(), () -> "holder");
                assertThatThrownBy(() -> idempotency.execute(store.on(c), held, PAYLOAD, ResultCodec.utf8(), () -> "x"))
                        .isInstanceOf(IdempotencyInProgressException.class);
                assertThat(lockWaitTimeout(c)).isEqualTo("7");
                c.rollback();
                holder.rollback();
                c.setAutoCommit(true);
                idempotency.execute(
                        store.on(c), IdempotencyKey.of("t", "auto"), PAYLOAD, ResultCodec.utf8(), () -> "a");
                assertThat(lockWaitTimeout(c)).isEqualTo("7");
            }
        }
    }

    @Test
    void waitingCallerReplaysWhenTheHolderCommits() throws Exception {
        Idempotency waiting =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(30)).build();
        try (Connection holder = transaction();
                Connection other = transaction()) {
            order(holder, idempotency, PAYLOAD);
            long otherId = connectionId(other);
            Future<IdempotentOutcome<String>> waiter = pool.submit(() -> order(other, waiting, PAYLOAD));
            awaitLockWaits(otherId, 1);

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
            long otherId = connectionId(other);
            Future<IdempotentOutcome<String>> waiter = pool.submit(() -> order(other, waiting, PAYLOAD));
            awaitLockWaits(otherId, 1);

            holder.rollback();

            assertThat(waiter.get(30, TimeUnit.SECONDS).replayed()).isFalse();
            other.commit();
        }
        assertThat(runs).hasValue(2);
        assertThat(orders()).isEqualTo(1);
    }

    /** InnoDB's lock wait counts whole seconds: a 400 ms wait is rounded up to 1 s, never down. */
    @Test
    void boundedWaitGivesUpAfterTheWaitRoundedUpToAWholeSecond() throws SQLException {
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
    void underReadCommittedAWaitingCallerPollsAClaimCommittedOnItsOwnAndReplaysItsResult() throws Exception {
        Idempotency waiting =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(30)).build();
        AtomicInteger reads = new AtomicInteger();
        try (Connection holderConnection = primary().connect();
                Connection other = countingReads(primary().connect(), reads)) {
            other.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            other.setAutoCommit(false);
            IdempotencyStore holder = records.on(holderConnection);
            Instant now = Instant.now();
            holder.claim(new ClaimRequest(
                    KEY, PAYLOAD, "holder", now, now.plusSeconds(600), now.plusSeconds(3600), Duration.ZERO));
            Future<IdempotentOutcome<String>> waiter = pool.submit(() -> order(other, waiting, PAYLOAD));
            await().atMost(Duration.ofSeconds(20)).until(() -> reads.get() >= 2);
            assertThat(waiter).isNotDone();

            boolean completed = assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> holder.complete(
                            KEY, "holder", "from the holder".getBytes(StandardCharsets.UTF_8), now.plusSeconds(3600)));

            assertThat(completed)
                    .as("the polling waiter holds no lock on the record")
                    .isTrue();
            assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(new IdempotentOutcome<>("from the holder", true));
            other.commit();
        }
        assertThat(runs).hasValue(0);
    }

    /**
     * The documented limit of {@code REPEATABLE READ}: the waiting transaction's snapshot predates the
     * holder's completion, so the waiter reports "in progress" when its wait ends; it never runs the
     * action, and it never blocks the holder.
     */
    @Test
    void underRepeatableReadAWaitingCallerCannotSeeTheCompletionAndReportsInProgress() throws Exception {
        Idempotency waiting =
                Idempotency.builder().inProgressWait(Duration.ofSeconds(2)).build();
        AtomicInteger reads = new AtomicInteger();
        try (Connection holderConnection = primary().connect();
                Connection other = countingReads(primary().connect(), reads)) {
            assertThat(other.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
            other.setAutoCommit(false);
            IdempotencyStore holder = records.on(holderConnection);
            Instant now = Instant.now();
            holder.claim(new ClaimRequest(
                    KEY, PAYLOAD, "holder", now, now.plusSeconds(600), now.plusSeconds(3600), Duration.ZERO));
            Future<IdempotentOutcome<String>> waiter = pool.submit(() -> order(other, waiting, PAYLOAD));
            await().atMost(Duration.ofSeconds(20)).until(() -> reads.get() >= 2);

            boolean completed = assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> holder.complete(KEY, "holder", new byte[] {1}, now.plusSeconds(3600)));

            assertThat(completed).isTrue();
            assertThat(catchThrowableOfType(
                            java.util.concurrent.ExecutionException.class, () -> waiter.get(30, TimeUnit.SECONDS)))
                    .cause()
                    .isInstanceOf(IdempotencyInProgressException.class);
            other.rollback();
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
            assertThat(c.getAutoCommit()).as("handed back in auto-commit mode").isTrue();
            assertThat(Orders.queryString(
                            c, "SELECT GROUP_CONCAT(idem_key ORDER BY idem_key SEPARATOR ',') FROM drkit_idempotency"))
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
            for (String key : List.of("a", "b", "c")) {
                timed.execute(records.on(c), IdempotencyKey.of("t", key), PAYLOAD, ResultCodec.utf8(), () -> "r");
            }
            clock.advance(Duration.ofDays(2));
            locker.createStatement()
                    .executeQuery("SELECT 1 FROM drkit_idempotency WHERE scope = 't' AND idem_key = 'a' FOR UPDATE");

            long purged = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> timed.purgeExpired(records.on(c)));

            assertThat(purged).isEqualTo(2);
            c.setAutoCommit(false);
            assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> timed.purgeExpired(records.on(c))))
                    .as("inside the caller's transaction too")
                    .isZero();
            c.commit();
            locker.rollback();
            assertThat(timed.purgeExpired(records.on(c))).isEqualTo(1);
            c.commit();
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
            assertThat(store.release(KEY, "MINE")).as("tokens compare exactly").isFalse();
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
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessage("claiming idempotency key tenant-1/order-42 in no_such_table failed")
                    .cause()
                    .isInstanceOf(SQLException.class)
                    .hasFieldOrPropertyWithValue("errorCode", 1146)
                    .hasFieldOrPropertyWithValue("SQLState", "42S02");
        }
    }

    /**
     * A claim that reaches a read-only server (a replica, a demoted writer) is a store failure with
     * the driver's error as the cause — never "in progress", never claimed.
     */
    @Test
    void aClaimOnAReadOnlyServerIsAStoreFailureNotInProgress() throws SQLException {
        primary().executeAsRoot("SET GLOBAL read_only = 1");
        try (Connection c = transaction()) {
            IdempotencyStoreException failure =
                    catchThrowableOfType(IdempotencyStoreException.class, () -> order(c, idempotency, PAYLOAD));
            assertThat(failure).hasMessage("claiming idempotency key tenant-1/order-42 in drkit_idempotency failed");
            SQLException cause = (SQLException) failure.getCause();
            assertThat(cause.getErrorCode()).isEqualTo(SqlStates.ER_OPTION_PREVENTS_STATEMENT);
            assertThat(SqlStates.isMySqlReadOnly(cause)).isTrue();
            c.rollback();
        } finally {
            primary().executeAsRoot("SET GLOBAL read_only = 0");
        }
        assertThat(runs).hasValue(0);
    }

    /**
     * Two transactions that both hold a shared lock on an expired record and both take it over
     * deadlock; InnoDB rolls one back (error 1213) at once and its claim is reported busy, while the
     * other claims the key. (Both claims may wait 20 s: the case ends in well under that only
     * because the deadlock is detected, not waited out.)
     */
    @Test
    void aDeadlockVictimsClaimIsReportedBusyAndTheOtherClaimWins() throws Exception {
        MutableClock clock = MutableClock.startingAt("2025-03-01T09:00:00Z");
        try (Connection c = primary().connect()) {
            Idempotency.builder()
                    .clock(clock)
                    .build()
                    .execute(records.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "r");
        }
        clock.advance(Duration.ofDays(2));
        Instant now = clock.instant();
        try (Connection first = transaction();
                Connection second = transaction()) {
            // the shared locks that duplicate-key checks leave, taken by hand in both transactions
            for (Connection c : List.of(first, second)) {
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT 1 FROM drkit_idempotency WHERE scope = ? AND idem_key = ? LOCK IN SHARE MODE")) {
                    s.setString(1, KEY.scope());
                    s.setString(2, KEY.key());
                    s.executeQuery().close();
                }
            }
            long firstId = connectionId(first);
            Future<ClaimResult> firstClaim = pool.submit(() -> records.on(first)
                    .claim(new ClaimRequest(
                            KEY,
                            PAYLOAD,
                            "first",
                            now,
                            now.plusSeconds(60),
                            now.plusSeconds(3600),
                            Duration.ofSeconds(20))));
            awaitLockWaits(firstId, 1);

            ClaimResult secondClaim = assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> records.on(second)
                            .claim(new ClaimRequest(
                                    KEY,
                                    PAYLOAD,
                                    "second",
                                    now,
                                    now.plusSeconds(60),
                                    now.plusSeconds(3600),
                                    Duration.ofSeconds(20))));
            ClaimResult firstResult = firstClaim.get(10, TimeUnit.SECONDS);

            assertThat(innoDbStatus()).contains("LATEST DETECTED DEADLOCK");
            List<ClaimResult> results = List.of(firstResult, secondClaim);
            assertThat(results)
                    .filteredOn(ClaimResult.Claimed.class::isInstance)
                    .hasSize(1);
            assertThat(results)
                    .filteredOn(r -> r.equals(new ClaimResult.Busy(KEY)))
                    .hasSize(1);
            String winner = firstResult instanceof ClaimResult.Claimed ? "first" : "second";
            first.commit();
            second.commit();
            try (Connection c = primary().connect()) {
                assertThat(records.on(c).find(KEY).orElseThrow().claimToken()).isEqualTo(winner);
            }
        }
    }

    @Test
    void ofManyTransactionsRacingForOneKeyOneRunsAndTheOthersAreToldInProgress() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        List<Future<String>> futures = race(
                Idempotency.builder().build(),
                answered,
                () -> await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() == RACERS - 1));

        List<String> results = results(futures);

        assertThat(runs).hasValue(1);
        assertThat(results).filteredOn(r -> r.startsWith("executed:")).hasSize(1);
        assertThat(results).filteredOn("in-progress"::equals).hasSize(RACERS - 1);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void ofManyTransactionsRacingForOneKeyWithAWaitTheOthersReplayTheCommittedResult() throws Exception {
        List<Future<String>> futures = race(
                Idempotency.builder().inProgressWait(Duration.ofSeconds(30)).build(),
                new AtomicInteger(),
                // commit only when all the others wait on the holder's row lock
                () -> awaitLockWaits(-1, RACERS - 1));

        List<String> results = results(futures);

        assertThat(runs).hasValue(1);
        String executed = results.stream()
                .filter(r -> r.startsWith("executed:"))
                .findFirst()
                .orElseThrow();
        String receipt = executed.substring("executed:".length());
        assertThat(results).filteredOn(("replayed:" + receipt)::equals).hasSize(RACERS - 1);
        assertThat(orders()).isEqualTo(1);
    }

    @Test
    void theKeyedRetryReplaysAWriteWhoseCommitAnswerWasLost() throws SQLException {
        MariaDbDataSource mariadb = new MariaDbDataSource();
        mariadb.setUrl(primary().jdbcUrl());
        mariadb.setUser(primary().username());
        mariadb.setPassword(primary().password());
        FaultInjectingDataSource dataSource = new FaultInjectingDataSource(mariadb);
        IdempotentTransactionRunner runner = IdempotentTransactionRunner.builder()
                .dataSource(dataSource)
                .retryConfig(RetryConfig.custom()
                        .maxAttempts(4)
                        .waitDuration(Duration.ofMillis(1))
                        .build())
                .build();
        dataSource.onNextCommit(FaultInjectingDataSource.CommitFault.COMMITTED_THEN_ANSWER_LOST);
        IdempotentOutcome<String> committed = runner.run(KEY, PAYLOAD, ResultCodec.utf8(), c -> {
            runs.incrementAndGet();
            return Orders.insert(c, KEY.key(), 100);
        });

        dataSource.onNextCommit(FaultInjectingDataSource.CommitFault.NOT_COMMITTED_ANSWER_LOST);
        IdempotentOutcome<String> notCommitted =
                runner.run(IdempotencyKey.of("tenant-1", "order-43"), PAYLOAD, ResultCodec.utf8(), c -> {
                    runs.incrementAndGet();
                    return Orders.insert(c, "order-43", 100);
                });

        assertThat(committed.replayed())
                .as("the lost commit had happened: the retry replays it")
                .isTrue();
        assertThat(notCommitted.replayed())
                .as("the lost commit had not happened: the retry runs")
                .isFalse();
        assertThat(runs).hasValue(3);
        assertThat(orders()).isEqualTo(1);
        try (Connection c = primary().connect()) {
            assertThat(Orders.count(c, "order-43")).isEqualTo(1);
        }
    }

    private IdempotentTransactionRunner runner(IdempotentTransactionRunner.Mode mode, JdbcIdempotencyStore store) {
        MariaDbDataSource mariadb = new MariaDbDataSource();
        try {
            mariadb.setUrl(primary().jdbcUrl());
            mariadb.setUser(primary().username());
            mariadb.setPassword(primary().password());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return IdempotentTransactionRunner.builder()
                .dataSource(mariadb)
                .store(store)
                .mode(mode)
                .build();
    }

    /**
     * Both runner modes on MariaDB, where the record and the COMMIT are two round trips: the write
     * commits once with its record, a retry replays it (the optimistic one after running the work
     * and rolling it back), another payload is "key reused", and a result over the bound commits
     * as not replayable and is refused afterwards.
     */
    @Test
    void bothRunnerModesCommitOnceReplayAndRefuseLikeTheStore() throws SQLException {
        JdbcIdempotencyStore small =
                JdbcIdempotencyStore.builder().maxResultBytes(64).build();
        for (IdempotentTransactionRunner.Mode mode : IdempotentTransactionRunner.Mode.values()) {
            primary().execute("DELETE FROM drkit_idempotency");
            primary().execute("DELETE FROM orders");
            runs.set(0);
            IdempotentTransactionRunner runner = runner(mode, small);
            TransactionalWork<String> work = c -> {
                runs.incrementAndGet();
                return Orders.insert(c, KEY.key(), 100);
            };
            IdempotentOutcome<String> first = runner.run(KEY, PAYLOAD, ResultCodec.utf8(), work);
            IdempotentOutcome<String> retry = runner.run(KEY, PAYLOAD, ResultCodec.utf8(), work);
            assertThat(first.replayed()).as(mode.name()).isFalse();
            assertThat(retry).as(mode.name()).isEqualTo(new IdempotentOutcome<>(first.value(), true));
            assertThatThrownBy(() -> runner.run(KEY, OTHER_PAYLOAD, ResultCodec.utf8(), work))
                    .as(mode.name())
                    .isInstanceOf(IdempotencyKeyReusedException.class);
            assertThat(orders()).as(mode.name()).isEqualTo(1);
            assertThat(runs).as(mode.name()).hasValue(mode == IdempotentTransactionRunner.Mode.OPTIMISTIC ? 3 : 1);

            IdempotencyKey big = IdempotencyKey.of("tenant-1", "big-" + mode);
            IdempotentOutcome<String> large =
                    runner.run(big, PAYLOAD, ResultCodec.utf8(), c -> "x".repeat(65) + Orders.insert(c, "big", 1));
            assertThat(large.replayed()).isFalse();
            assertThatThrownBy(() -> runner.run(big, PAYLOAD, ResultCodec.utf8(), c -> Orders.insert(c, "big", 1)))
                    .as(mode.name())
                    .isInstanceOf(IdempotencyResultNotReplayableException.class);
            try (Connection c = primary().connect()) {
                assertThat(Orders.count(c, "big")).as(mode.name()).isEqualTo(1);
                assertThat(small.on(c).find(big).orElseThrow().state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
            }
        }
    }

    /** The DDL's statements without its comment lines (which quote the ALTER statement). */
    private static String withoutComments(String ddl) {
        return ddl.lines().filter(l -> !l.strip().startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The README's statement upgrades a table created before state 'N' existed, on MariaDB too. */
    @Test
    void theReadmesAlterStatementLetsAnOldTableKeepNotReplayableRecords() throws SQLException {
        JdbcIdempotencyStore old = JdbcIdempotencyStore.builder()
                .tableName("old_idem")
                .maxResultBytes(1)
                .build();
        primary().execute("DROP TABLE IF EXISTS old_idem");
        primary()
                .execute(withoutComments(old.ddl(Engine.MARIADB))
                        .replace("('P', 'C', 'N')", "('P', 'C')")
                        .split(";")[0]);
        try (Connection c = transaction()) {
            assertThatThrownBy(() -> idempotency.execute(old.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "big"))
                    .as("the old constraint refuses 'N'")
                    .isInstanceOf(io.github.drkit.core.idempotency.IdempotencyResultNotStoredException.class);
            c.rollback();
        }
        primary()
                .execute("ALTER TABLE old_idem DROP CONSTRAINT old_idem_state_ck,"
                        + " ADD CONSTRAINT old_idem_state_ck CHECK (state IN ('P', 'C', 'N'))");
        try (Connection c = transaction()) {
            idempotency.execute(old.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> "big");
            c.commit();
            assertThat(old.on(c).find(KEY).orElseThrow().state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
        }
    }

    /**
     * Eight optimistic duplicates of each key run the work, meet, then race their record inserts
     * at commit: InnoDB lets one commit, the others fail on the primary key (error 1062), roll back
     * and replay the winner's receipt. Checked against the rows the server holds.
     */
    @Test
    void optimisticDuplicatesLoseOnThePrimaryKeyAndReplayTheWinner() throws Exception {
        int racers = 8;
        IdempotentTransactionRunner runner = runner(IdempotentTransactionRunner.Mode.OPTIMISTIC, records);
        for (int k = 0; k < 5; k++) {
            IdempotencyKey key = IdempotencyKey.of("race", "key-" + k);
            java.util.concurrent.CyclicBarrier meet = new java.util.concurrent.CyclicBarrier(racers);
            AtomicInteger keyRuns = new AtomicInteger();
            List<Future<IdempotentOutcome<String>>> futures = new ArrayList<>();
            for (int t = 0; t < racers; t++) {
                futures.add(pool.submit(() -> runner.run(key, PAYLOAD, ResultCodec.utf8(), c -> {
                    int run = keyRuns.incrementAndGet();
                    String receipt = Orders.insert(c, key.key(), 1);
                    if (run <= racers) {
                        try {
                            meet.await(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException("the racers did not meet", e);
                        }
                    }
                    return receipt;
                })));
            }
            List<IdempotentOutcome<String>> outcomes = new ArrayList<>();
            for (Future<IdempotentOutcome<String>> f : futures) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            String receipt;
            try (Connection c = primary().connect()) {
                assertThat(Orders.count(c, key.key())).isEqualTo(1);
                receipt = "order-" + Orders.queryString(c, "SELECT id FROM orders WHERE request = '" + key.key() + "'");
                assertThat(new String(records.on(c).find(key).orElseThrow().result(), StandardCharsets.UTF_8))
                        .isEqualTo(receipt);
            }
            assertThat(keyRuns).hasValue(racers);
            assertThat(outcomes).filteredOn(o -> !o.replayed()).hasSize(1);
            assertThat(outcomes).allMatch(o -> o.value().equals(receipt));
        }
    }

    /** Each racer: its own connection and transaction; answers "executed:", "replayed:" or "in-progress". */
    private List<Future<String>> race(Idempotency settings, AtomicInteger answered, Waiter holderWaitsFor)
            throws Exception {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
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
                                settings.execute(records.on(c), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
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

    @FunctionalInterface
    private interface Waiter {
        void await() throws Exception;
    }

    private static String innoDbStatus() throws SQLException {
        try (Connection root = primary().connectAsRoot();
                ResultSet rs = root.createStatement().executeQuery("SHOW ENGINE INNODB STATUS")) {
            rs.next();
            return rs.getString("Status");
        }
    }

    private static String lockWaitTimeout(Connection c) throws SQLException {
        return Orders.queryString(c, "SELECT @@SESSION.innodb_lock_wait_timeout");
    }

    private static long connectionId(Connection c) throws SQLException {
        return Long.parseLong(Orders.queryString(c, "SELECT CONNECTION_ID()"));
    }

    /** Waits until {@code count} transactions (of one connection, or any if {@code id < 0}) wait for a row lock. */
    private static void awaitLockWaits(long id, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Connection root = primary().connectAsRoot();
                    PreparedStatement ps = root.prepareStatement("SELECT count(*) FROM information_schema.innodb_trx"
                            + " WHERE trx_state = 'LOCK WAIT' AND (? < 0 OR trx_mysql_thread_id = ?)")) {
                ps.setLong(1, id);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) >= count;
                }
            }
        });
    }

    /** The connection, counting the store's reads of a record (each poll of a waiting claim is one). */
    private static Connection countingReads(Connection real, AtomicInteger reads) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")
                            && args[0] instanceof String sql
                            && sql.startsWith("SELECT state,")
                            && !sql.endsWith("LOCK IN SHARE MODE")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
