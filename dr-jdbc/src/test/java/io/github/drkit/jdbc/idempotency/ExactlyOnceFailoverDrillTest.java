package io.github.drkit.jdbc.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.FailoverInterruptedException;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.ReplicationMode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once drill: 8 writers send unique keyed writes through {@link RegionRoutingDataSource}
 * and {@link IdempotentTransactionRunner}; the primary is crashed (SIGKILL) mid-load and the standby
 * promoted. Afterwards the new writer is counted the Jepsen way: acknowledged writes lost, duplicated,
 * unexpected. Each test builds its own cluster (the failover changes it for good).
 */
class ExactlyOnceFailoverDrillTest {

    private static final int WRITERS = 8;
    private static final int ACKS_BEFORE_CRASH = 200;
    private static final int ACKS_AFTER_PROMOTION = 200;
    private static final String SCOPE = "drill";

    @Test
    void synchronousReplicationNoDuplicateAndNoAcknowledgedWriteLost() throws Exception {
        DrillReport report = drill(ReplicationMode.SYNCHRONOUS, false);

        assertThat(report.duplicates()).isZero();
        assertThat(report.lostAcknowledged()).isZero();
        assertThat(report.unexpected()).isZero();
        assertThat(report.acknowledgedWithWrongResult()).isZero();
        assertThat(report.rowsWithoutRecord()).isZero();
        assertThat(report.recordsWithoutRow()).isZero();
        assertThat(report.retries()).as("the crash hit the load").isPositive();
    }

    @Test
    void asynchronousReplicationNoDuplicateAndLostAcknowledgedWritesCounted() throws Exception {
        DrillReport report = drill(ReplicationMode.ASYNCHRONOUS, false);

        assertThat(report.duplicates()).isZero();
        assertThat(report.unexpected()).isZero();
        assertThat(report.acknowledgedWithWrongResult()).isZero();
        assertThat(report.rowsWithoutRecord()).isZero();
        assertThat(report.recordsWithoutRow()).isZero();
        assertThat(report.retries()).as("the crash hit the load").isPositive();
        // Asynchronous replication may lose acknowledged commits, but only commits the old primary
        // acknowledged before it was killed: a request first sent after the crash could only be
        // acknowledged by the promoted standby, which keeps everything it acknowledged.
        assertThat(report.lostAcknowledgedSentAfterCrash())
                .as("acknowledged writes first sent after the crash and lost")
                .isZero();
        assertThat(report.acknowledgedSentAfterCrash())
                .as("writes first sent after the crash and acknowledged")
                .isPositive();
    }

    @Test
    void synchronousReplicationCommitsCutWhileAwaitingTheStandbyAreReplayedNotRepeated() throws Exception {
        DrillReport report = drill(ReplicationMode.SYNCHRONOUS, true);

        assertThat(report.duplicates()).isZero();
        assertThat(report.lostAcknowledged()).isZero();
        assertThat(report.unexpected()).isZero();
        assertThat(report.acknowledgedWithWrongResult()).isZero();
        assertThat(report.rowsWithoutRecord()).isZero();
        assertThat(report.recordsWithoutRow()).isZero();
        assertThat(report.retriedFailures()).containsKey("CommitOutcomeUnknownException");
        assertThat(report.replayed())
                .as("commits that reached the standby but whose answer was lost are replayed by the retry")
                .isPositive();
    }

    /**
     * The same in-doubt drill with the runner in its optimistic mode: the finished record and the
     * COMMIT travel in one round trip, the crash cuts writers inside it, and the retry on the promoted
     * standby runs the work again, loses on the record's primary key when the cut commit had happened,
     * rolls back and replays it.
     */
    @Test
    void optimisticModeCommitsCutWhileAwaitingTheStandbyAreReplayedNotRepeated() throws Exception {
        DrillReport report = drill(ReplicationMode.SYNCHRONOUS, true, IdempotentTransactionRunner.Mode.OPTIMISTIC);

        assertThat(report.duplicates()).isZero();
        assertThat(report.lostAcknowledged()).isZero();
        assertThat(report.unexpected()).isZero();
        assertThat(report.acknowledgedWithWrongResult()).isZero();
        assertThat(report.rowsWithoutRecord()).isZero();
        assertThat(report.recordsWithoutRow()).isZero();
        assertThat(report.retriedFailures()).containsKey("CommitOutcomeUnknownException");
        assertThat(report.replayed())
                .as("commits that reached the standby but whose answer was lost are replayed by the retry")
                .isPositive();
    }

    record DrillReport(
            ReplicationMode mode,
            boolean inDoubtCommits,
            long attempted,
            long acknowledged,
            long replayed,
            long notAcknowledged,
            long notAcknowledgedButPresent,
            long rows,
            long duplicates,
            long lostAcknowledged,
            long acknowledgedSentAfterCrash,
            long lostAcknowledgedSentAfterCrash,
            long unexpected,
            long acknowledgedWithWrongResult,
            long rowsWithoutRecord,
            long recordsWithoutRow,
            long retries,
            Map<String, Long> retriedFailures,
            Map<String, Long> finalFailures) {

        @Override
        public String toString() {
            return String.format(
                    "exactly-once drill (%s replication, %d writers, primary crashed and standby promoted mid-load%s):%n"
                            + "  attempted=%d acknowledged=%d (replayed after an in-doubt commit: %d)"
                            + " not-acknowledged=%d (of which present: %d)%n"
                            + "  rows on new writer=%d duplicates=%d lost-acknowledged=%d (acknowledged/lost of those"
                            + " first sent after the crash: %d/%d) unexpected=%d"
                            + " acknowledged-with-wrong-result=%d%n"
                            + "  rows-without-record=%d records-without-row=%d%n"
                            + "  retried attempts=%d by failure %s; final failures %s",
                    mode,
                    WRITERS,
                    inDoubtCommits ? ", every writer cut inside COMMIT while awaiting the paused standby" : "",
                    attempted,
                    acknowledged,
                    replayed,
                    notAcknowledged,
                    notAcknowledgedButPresent,
                    rows,
                    duplicates,
                    lostAcknowledged,
                    acknowledgedSentAfterCrash,
                    lostAcknowledgedSentAfterCrash,
                    unexpected,
                    acknowledgedWithWrongResult,
                    rowsWithoutRecord,
                    recordsWithoutRow,
                    retries,
                    retriedFailures,
                    finalFailures);
        }
    }

    /**
     * Runs the load, crashes the primary and promotes the standby.
     *
     * @param inDoubtCommits with synchronous replication: pause the standby first so that every writer
     *     is cut inside COMMIT while waiting for it (its WAL already sent), then resume it before the
     *     promotion; those commits survive although no client saw them acknowledged
     */
    private DrillReport drill(ReplicationMode mode, boolean inDoubtCommits) throws Exception {
        return drill(mode, inDoubtCommits, IdempotentTransactionRunner.Mode.CLAIM_FIRST);
    }

    private DrillReport drill(ReplicationMode mode, boolean inDoubtCommits, IdempotentTransactionRunner.Mode runnerMode)
            throws Exception {
        try (PostgresCluster pg =
                        PostgresCluster.builder().standbys(1).replication(mode).start();
                RegionRoutingDataSource routing = router(pg)) {
            try (Connection c = pg.primary().connect();
                    Statement s = c.createStatement()) {
                JdbcIdempotencyStore.builder().build().createTableIfNotExists(c);
                s.execute("CREATE TABLE drill_writes (id BIGSERIAL PRIMARY KEY, request TEXT NOT NULL, writer INT"
                        + " NOT NULL)");
            }
            pg.awaitReplayed(pg.primary(), Duration.ofSeconds(30));

            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            IdempotentTransactionRunner runner = IdempotentTransactionRunner.builder()
                    .dataSource(routing)
                    .mode(runnerMode)
                    .idempotency(Idempotency.builder().meterRegistry(meters).build())
                    .retryConfig(RetryConfig.custom()
                            .maxAttempts(60)
                            .intervalFunction(IntervalFunction.ofExponentialBackoff(
                                    Duration.ofMillis(20), 2.0, Duration.ofMillis(500)))
                            .build())
                    .build();
            Map<String, AtomicLong> retriedFailures = new ConcurrentHashMap<>();
            runner.retry()
                    .getEventPublisher()
                    .onRetry(e -> retriedFailures
                            .computeIfAbsent(typedFailure(e.getLastThrowable()), k -> new AtomicLong())
                            .incrementAndGet());

            Load load = new Load(runner);
            load.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= ACKS_BEFORE_CRASH);
                if (inDoubtCommits) {
                    pg.standby(0).pause();
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> pg.primary()
                                            .queryLong(
                                                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")
                                    == WRITERS);
                }
                pg.primary().crash();
                load.crashedAt = System.nanoTime();
                if (inDoubtCommits) {
                    pg.standby(0).resume();
                }
                pg.standby(0).promote();
                int atPromotion = load.acknowledged.size();
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> load.acknowledged.size() >= atPromotion + ACKS_AFTER_PROMOTION);
            } finally {
                load.stop();
            }

            DrillReport report = count(mode, inDoubtCommits, pg.standby(0), load, meters, retriedFailures);
            System.out.println(report);
            return report;
        }
    }

    private static RegionRoutingDataSource router(PostgresCluster pg) {
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("drill")
                .localRegion("ap-northeast-2")
                .probeInterval(Duration.ofMillis(200))
                .poolMaximumSize(WRITERS + 2);
        for (PostgresNode n : pg.nodes()) {
            b.endpoint(Endpoint.builder(n.name(), "ap-northeast-2")
                    .jdbcUrl(n.jdbcUrl())
                    .credentials(n.username(), null)
                    .build());
        }
        return b.build();
    }

    /** The name of the drkit failure a retry reacted to, wherever it sits in the cause chain. */
    private static String typedFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NoWriterException
                    || t instanceof FailoverInterruptedException
                    || t instanceof CommitOutcomeUnknownException) {
                return t.getClass().getSimpleName();
            }
        }
        return failure.getClass().getSimpleName();
    }

    /** Eight writers, each sending its own sequence of unique keys until stopped. */
    private static final class Load {
        private final IdempotentTransactionRunner runner;
        private final ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Set<String> attempted = ConcurrentHashMap.newKeySet();
        private final ConcurrentMap<String, String> acknowledged = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, String> failed = new ConcurrentHashMap<>();
        private final AtomicInteger replayed = new AtomicInteger();
        private final Future<?>[] running = new Future<?>[WRITERS];
        /** nanoTime at which each acknowledged request was first sent. */
        private final ConcurrentMap<String, Long> firstSent = new ConcurrentHashMap<>();
        /** nanoTime at which the crash of the primary had taken effect. */
        private volatile long crashedAt = Long.MAX_VALUE;

        Load(IdempotentTransactionRunner runner) {
            this.runner = runner;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                running[w] = writers.submit(() -> write(writer));
            }
        }

        private void write(int writer) {
            for (int seq = 0; !stopping.get(); seq++) {
                String request = "w" + writer + "-" + seq;
                attempted.add(request);
                long sent = System.nanoTime();
                try {
                    IdempotentOutcome<String> outcome = runner.run(
                            IdempotencyKey.of(SCOPE, request),
                            Fingerprint.sha256(request),
                            ResultCodec.utf8(),
                            c -> insert(c, request, writer));
                    acknowledged.put(request, outcome.value());
                    firstSent.put(request, sent);
                    if (outcome.replayed()) {
                        replayed.incrementAndGet();
                    }
                } catch (SQLException | RuntimeException e) {
                    failed.put(request, typedFailure(e));
                }
            }
        }

        void stop() throws Exception {
            stopping.set(true);
            writers.shutdown();
            assertThat(writers.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : running) {
                f.get();
            }
        }
    }

    private static String insert(Connection c, String request, int writer) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO drill_writes (request, writer) VALUES (?, ?) RETURNING id")) {
            ps.setString(1, request);
            ps.setInt(2, writer);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return "row-" + rs.getLong(1);
            }
        }
    }

    private static DrillReport count(
            ReplicationMode mode,
            boolean inDoubtCommits,
            PostgresNode newWriter,
            Load load,
            SimpleMeterRegistry meters,
            Map<String, AtomicLong> retriedFailures)
            throws SQLException {
        Map<String, Long> rowsPerRequest = new HashMap<>();
        Map<String, String> resultPerRequest = new HashMap<>();
        long rows = 0;
        long rowsWithoutRecord;
        long recordsWithoutRow;
        try (Connection c = newWriter.connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT request, id FROM drill_writes")) {
                while (rs.next()) {
                    rows++;
                    rowsPerRequest.merge(rs.getString(1), 1L, Long::sum);
                    resultPerRequest.put(rs.getString(1), "row-" + rs.getLong(2));
                }
            }
            rowsWithoutRecord = longOf(
                    s,
                    "SELECT count(*) FROM drill_writes w WHERE NOT EXISTS (SELECT 1 FROM drkit_idempotency r"
                            + " WHERE r.scope = '" + SCOPE + "' AND r.idem_key = w.request AND r.state = 'C')");
            recordsWithoutRow = longOf(
                    s,
                    "SELECT count(*) FROM drkit_idempotency r WHERE r.scope = '" + SCOPE + "' AND NOT EXISTS"
                            + " (SELECT 1 FROM drill_writes w WHERE w.request = r.idem_key)");
        }
        long duplicates = rowsPerRequest.values().stream().mapToLong(n -> n - 1).sum();
        long lost = load.acknowledged.keySet().stream()
                .filter(r -> !rowsPerRequest.containsKey(r))
                .count();
        long acknowledgedSentAfterCrash = load.acknowledged.keySet().stream()
                .filter(r -> load.firstSent.get(r) > load.crashedAt)
                .count();
        long lostSentAfterCrash = load.acknowledged.keySet().stream()
                .filter(r -> !rowsPerRequest.containsKey(r))
                .filter(r -> load.firstSent.get(r) > load.crashedAt)
                .count();
        long unexpected = rowsPerRequest.keySet().stream()
                .filter(r -> !load.attempted.contains(r))
                .count();
        long wrongResult = load.acknowledged.entrySet().stream()
                .filter(e -> rowsPerRequest.containsKey(e.getKey()))
                .filter(e -> !e.getValue().equals(resultPerRequest.get(e.getKey())))
                .count();
        long notAcknowledgedButPresent = load.failed.keySet().stream()
                .filter(rowsPerRequest::containsKey)
                .count();
        Map<String, Long> finalFailures = load.failed.values().stream()
                .collect(Collectors.groupingBy(f -> f, TreeMap::new, Collectors.counting()));
        Map<String, Long> retried = new TreeMap<>();
        retriedFailures.forEach((k, v) -> retried.put(k, v.get()));
        long retries = retried.values().stream().mapToLong(Long::longValue).sum();
        double replayedMetric = meters.get("drkit.idempotency.outcomes")
                .tag("outcome", "replayed")
                .counter()
                .count();
        assertThat((long) replayedMetric)
                .as("every replay the writers saw was counted by the metric")
                .isEqualTo(load.replayed.get());
        return new DrillReport(
                mode,
                inDoubtCommits,
                load.attempted.size(),
                load.acknowledged.size(),
                load.replayed.get(),
                load.failed.size(),
                notAcknowledgedButPresent,
                rows,
                duplicates,
                lost,
                acknowledgedSentAfterCrash,
                lostSentAfterCrash,
                unexpected,
                wrongResult,
                rowsWithoutRecord,
                recordsWithoutRow,
                retries,
                retried,
                finalFailures);
    }

    private static long longOf(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
