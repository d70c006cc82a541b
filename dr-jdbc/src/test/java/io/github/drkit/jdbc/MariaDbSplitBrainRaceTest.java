package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.MariaDbCluster;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link SplitBrainRaceTest} on MariaDB: 16 writers keep writing through one router while the
 * primary is killed (kill -9), the replica promoted and the old primary restarted at once, writable
 * again and holding the older fencing term. Writes that chose the old primary before the monitor saw
 * it die wait in its pool; the pool reconnects to the restarted server. Nothing may be acknowledged
 * there after the promotion began: every insert returns the executing server's {@code @@port} and
 * clock ({@code SYSDATE(6)}, the moment the insert ran; {@code NOW(6)} would be the statement's
 * start, earlier), and the old primary's own table is read too.
 *
 * <p>Replication is asynchronous, as in the PostgreSQL test: the restarted old primary then commits
 * at once (with semi-sync and its only replica promoted away, every commit there would wait and hide
 * a wrong-node write). So this test claims nothing about lost writes, only about where writes are
 * acknowledged.
 */
class MariaDbSplitBrainRaceTest {

    private static final int WRITERS = 16;
    private static final int ROUNDS = 3;

    private static final String INSERT = "INSERT INTO race (writer, seq, port, at_micros)"
            + " VALUES (?, ?, @@port, CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED)) RETURNING port, at_micros";

    private static final Set<String> TYPED = Set.of(
            NoWriterException.class.getSimpleName(),
            FailoverInterruptedException.class.getSimpleName(),
            CommitOutcomeUnknownException.class.getSimpleName());

    private record Ack(int port, long serverMicros, long writer, long seq) {}

    @Test
    void noWriteIsAcknowledgedByARestartedOldPrimaryWhileWritersWaitInItsPool() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            runRound(round);
        }
    }

    private void runRound(int round) throws Exception {
        try (MariaDbCluster db = MariaDbCluster.builder().replicas(1).start()) {
            MariaDbNode old = db.primary();
            MariaDbNode promoted = db.replica(0);
            old.execute("CREATE TABLE race (writer BIGINT NOT NULL, seq BIGINT NOT NULL, port INT NOT NULL,"
                    + " at_micros BIGINT NOT NULL, PRIMARY KEY (writer, seq)) ENGINE=InnoDB");
            db.awaitReplicated(old, Duration.ofSeconds(10));
            try (RegionRoutingDataSource ds = router(db, round)) {
                ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
                Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    long writer = w;
                    Thread t = new Thread(() -> write(ds, writer, acks, errors, stop), "race-writer-" + w);
                    t.setDaemon(true);
                    writers.add(t);
                    t.start();
                }
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> acks.size() >= 200);
                    old.crash();
                    long promotionStartMicros = nowMicros();
                    promoted.promote();
                    old.start(); // writable again, holding the older fencing term, at once
                    long restartedMicros = nowMicros();
                    assertThat(old.queryLong("SELECT @@read_only"))
                            .as("the restarted old primary is writable")
                            .isZero();
                    int before = acks.size();
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> acks.stream()
                                            .filter(a -> a.port() == promoted.port())
                                            .count()
                                    >= 200);
                    // keep writing while the old primary is up and writable
                    await().atMost(Duration.ofSeconds(20)).until(() -> acks.size() >= before + 600);
                    stop.set(true);
                    for (Thread t : writers) {
                        t.join(10_000);
                    }

                    List<Ack> wrong = acks.stream()
                            .filter(a -> a.port() == old.port() && a.serverMicros() >= promotionStartMicros)
                            .toList();
                    assertThat(wrong)
                            .as(
                                    "round %d: writes acknowledged by the old primary (port %d) after the promotion"
                                            + " began at %d µs (restarted by %d µs); errors %s",
                                    round, old.port(), promotionStartMicros, restartedMicros, errors)
                            .isEmpty();
                    // Cross-check on the old primary: rows it wrote after the promotion began, acknowledged or not.
                    List<Long> lateRows = new ArrayList<>();
                    try (Connection c = old.connect();
                            PreparedStatement s = c.prepareStatement(
                                    "SELECT writer * 1000000 + seq FROM race" + " WHERE port = ? AND at_micros >= ?")) {
                        s.setInt(1, old.port());
                        s.setLong(2, promotionStartMicros);
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) {
                                lateRows.add(rs.getLong(1));
                            }
                        }
                    }
                    List<Long> ackedIds = acks.stream()
                            .map(a -> a.writer() * 1_000_000 + a.seq())
                            .toList();
                    assertThat(lateRows)
                            .as(
                                    "round %d: rows on the old primary after the promotion that a client saw"
                                            + " acknowledged",
                                    round)
                            .doesNotContainAnyElementsOf(ackedIds);
                    assertThat(acks).anyMatch(a -> a.port() == promoted.port());
                    assertThat(errors.keySet())
                            .as("round %d: only drkit's typed failover errors", round)
                            .allMatch(k -> TYPED.contains(k.substring(0, k.indexOf(' '))));
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> ds.topology().node(old.name()).status() == NodeStatus.FENCED);
                    System.out.printf(
                            "race round %d: %d acknowledged (%d by the promoted node), %d late rows on the old"
                                    + " primary (none acknowledged), errors %s%n",
                            round,
                            acks.size(),
                            acks.stream()
                                    .filter(a -> a.port() == promoted.port())
                                    .count(),
                            lateRows.size(),
                            errors);
                } finally {
                    stop.set(true);
                    for (Thread t : writers) {
                        t.join(10_000);
                    }
                }
            }
        }
    }

    private static RegionRoutingDataSource router(MariaDbCluster db, int round) {
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name("mariadb-race" + round)
                .localRegion(Routers.SEOUL)
                .probeInterval(Duration.ofMillis(200))
                .poolMaximumSize(4); // fewer connections than writers: threads wait in the pool
        for (MariaDbNode n : db.nodes()) {
            b.endpoint(Endpoint.builder(n.name(), Routers.SEOUL)
                    .jdbcUrl(n.jdbcUrl())
                    .credentials(n.username(), n.password())
                    .build());
        }
        return b.build();
    }

    private static void write(
            RegionRoutingDataSource ds,
            long writer,
            ConcurrentLinkedQueue<Ack> acks,
            Map<String, AtomicLong> errors,
            AtomicBoolean stop) {
        for (long seq = 0; !stop.get(); seq++) {
            try (Connection c = ds.getConnection();
                    PreparedStatement s = c.prepareStatement(INSERT)) {
                s.setLong(1, writer);
                s.setLong(2, seq);
                s.execute();
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                    acks.add(new Ack(rs.getInt(1), rs.getLong(2), writer, seq));
                }
            } catch (SQLException e) {
                errors.computeIfAbsent(e.getClass().getSimpleName() + " " + e.getSQLState(), k -> new AtomicLong())
                        .incrementAndGet();
            }
        }
    }

    private static long nowMicros() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }
}
