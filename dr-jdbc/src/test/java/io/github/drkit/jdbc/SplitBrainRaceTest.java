package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.testkit.PostgresCluster;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.ReplicationMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The race a user found: 16 writers keep writing while the primary is killed, the standby promoted
 * and the old primary restarted at once (writable again on its old timeline). Writes that chose the
 * old primary before the monitor saw it die wait in its pool; the pool reconnects to the restarted
 * process. Nothing may be acknowledged there after the promotion began: the acknowledging server and
 * its clock come back with every write ({@code RETURNING}), and its table is checked too.
 */
class SplitBrainRaceTest {

    private static final int WRITERS = 16;
    private static final int ROUNDS = 3;

    private record Ack(int port, long serverMillis, long writer, long seq) {}

    @Test
    void noWriteIsAcknowledgedByARestartedOldPrimaryWhileWritersWaitInItsPool() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            runRound(round);
        }
    }

    private void runRound(int round) throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder()
                        .standbys(1)
                        // asynchronous: the restarted old primary then commits at once (with a synchronous
                        // standby gone it would hang every commit and hide a wrong-node write)
                        .replication(ReplicationMode.ASYNCHRONOUS)
                        .start();
                RegionRoutingDataSource ds = Routers.over(pg)
                        .name("race" + round)
                        .poolMaximumSize(4) // fewer connections than writers: threads wait in the pool
                        .build()) {
            PostgresNode old = pg.primary();
            PostgresNode promoted = pg.standby(0);
            old.execute("CREATE TABLE race (writer bigint, seq bigint, at timestamptz DEFAULT clock_timestamp(),"
                    + " PRIMARY KEY (writer, seq))");
            pg.awaitReplayed(old, Duration.ofSeconds(10));

            ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
            Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                long writer = w;
                Thread t = new Thread(() -> write(ds, writer, acks, errors, stop), "race-writer-" + w);
                writers.add(t);
                t.start();
            }
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() >= 200);
                old.crash();
                long promotionStart = System.currentTimeMillis();
                promoted.promote();
                old.start(); // writable again on timeline 1, at once
                long restarted = System.currentTimeMillis();
                int before = acks.size();
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> acks.stream()
                                        .filter(a -> a.port() == promoted.port())
                                        .count()
                                >= 200);
                // keep writing while the old primary is up and writable
                await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() >= before + 600);
                stop.set(true);
                for (Thread t : writers) {
                    t.join(10_000);
                }

                List<Ack> wrong = acks.stream()
                        .filter(a -> a.port() == old.port() && a.serverMillis() >= promotionStart)
                        .toList();
                assertThat(wrong)
                        .as(
                                "round %d: writes acknowledged by the old primary after the promotion began at %d"
                                        + " (restarted at %d); errors %s",
                                round, promotionStart, restarted, errors)
                        .isEmpty();
                // Cross-check on the old primary: rows written after the promotion began, acknowledged or not.
                List<Long> lateRows = new ArrayList<>();
                try (Connection c = old.connect();
                        PreparedStatement s =
                                c.prepareStatement("SELECT writer * 1000000 + seq FROM race WHERE at >= ?")) {
                    s.setTimestamp(1, new Timestamp(promotionStart));
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            lateRows.add(rs.getLong(1));
                        }
                    }
                }
                List<Long> ackedIds =
                        acks.stream().map(a -> a.writer() * 1_000_000 + a.seq()).toList();
                assertThat(lateRows)
                        .as(
                                "round %d: rows on the old primary after the promotion that a client saw acknowledged",
                                round)
                        .doesNotContainAnyElementsOf(ackedIds);
                assertThat(acks).anyMatch(a -> a.port() == promoted.port());
                assertThat(errors.keySet())
                        .as("only drkit's typed failover errors")
                        .allMatch(k -> k.startsWith("NoWriterException")
                                || k.startsWith("FailoverInterruptedException")
                                || k.startsWith("CommitOutcomeUnknownException"));
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> ds.topology().node(old.name()).status() == NodeStatus.FENCED);
            } finally {
                stop.set(true);
                for (Thread t : writers) {
                    t.join(10_000);
                }
            }
        }
    }

    private static void write(
            RegionRoutingDataSource ds,
            long writer,
            ConcurrentLinkedQueue<Ack> acks,
            Map<String, AtomicLong> errors,
            AtomicBoolean stop) {
        for (long seq = 0; !stop.get(); seq++) {
            try (Connection c = ds.getConnection();
                    PreparedStatement s = c.prepareStatement(
                            "INSERT INTO race (writer, seq) VALUES (?, ?) RETURNING inet_server_port(), at")) {
                s.setLong(1, writer);
                s.setLong(2, seq);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    acks.add(new Ack(rs.getInt(1), rs.getTimestamp(2).getTime(), writer, seq));
                }
            } catch (SQLException e) {
                errors.computeIfAbsent(e.getClass().getSimpleName() + " " + e.getSQLState(), k -> new AtomicLong())
                        .incrementAndGet();
            }
        }
    }
}
