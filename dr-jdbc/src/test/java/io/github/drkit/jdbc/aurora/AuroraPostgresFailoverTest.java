package io.github.drkit.jdbc.aurora;

import static io.github.drkit.jdbc.aurora.AuroraPostgresStandIn.APP_USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.jdbc.AuroraTopology;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.PostgresClusterExtension;
import io.github.drkit.testkit.PostgresNode;
import io.github.drkit.testkit.ReplicationMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A simulated Aurora failover under a steady write load: the writer (instance 11) crashes, the
 * reader (12) is promoted with {@code pg_promote()} and the cluster's status is flipped to name it,
 * the cluster endpoint moves to it. Then the old writer comes back writable as far as PostgreSQL is
 * concerned (a trap Aurora's storage would never set: a write routed there would be acknowledged
 * and lost), first with its stale status naming itself, then with the cluster's status naming 12;
 * finally it rejoins as a reader of the new writer, as Aurora restarts an old writer. Synchronous
 * replication stands for Aurora's shared storage: an acknowledged commit is on the reader. Counted
 * the Jepsen way from what the application saw.
 */
class AuroraPostgresFailoverTest {

    private static final String SEOUL = "ap-northeast-2";

    @RegisterExtension
    static final PostgresClusterExtension PG = PostgresClusterExtension.builder()
            .standbys(1)
            .replication(ReplicationMode.SYNCHRONOUS)
            .build();

    private record Ack(long id, String instance, long atNanos) {}

    @Test
    void writesMoveToThePromotedInstanceAndTheOldWriterAcknowledgesNoneAfterTheFailover() throws Exception {
        PostgresNode oldWriter = PG.cluster().primary();
        PostgresNode newWriter = PG.cluster().standby(0);
        Map<String, Integer> instances = new LinkedHashMap<>();
        instances.put("11", oldWriter.port());
        instances.put("12", newWriter.port());
        AuroraPostgresStandIn.install(oldWriter, "postgres", instances);
        oldWriter.execute("CREATE TABLE orders (id bigint PRIMARY KEY, instance text)");
        oldWriter.execute("GRANT SELECT, INSERT ON orders TO " + APP_USER);
        PG.cluster().awaitReplayed(oldWriter, Duration.ofSeconds(10));

        try (LoopbackHosts hosts = new LoopbackHosts(List.of("11", "12"))) {
            hosts.route("1", oldWriter.port());
            hosts.route("11", oldWriter.port());
            hosts.route("12", newWriter.port());
            AuroraTopology aurora = AuroraTopology.builder("jdbc:postgresql://127.0.0.1:" + hosts.port() + "/postgres")
                    .instanceHostPattern("127.0.0.?")
                    .region(SEOUL)
                    .credentials(APP_USER, null)
                    .build();
            RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                    .name("aurora-failover")
                    .localRegion(SEOUL)
                    .dialect(aurora.dialect())
                    .probeInterval(Duration.ofMillis(100))
                    .poolMaximumSize(4);
            List<Endpoint> endpoints = aurora.discover();
            assertThat(endpoints).extracting(Endpoint::name).containsExactly("11", "12");
            endpoints.forEach(b::endpoint);

            ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
            AtomicLong failures = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            try (RegionRoutingDataSource ds = b.build()) {
                Thread writer = new Thread(
                        () -> {
                            long id = 0;
                            while (!stop.get()) {
                                id++;
                                try {
                                    String instance = AuroraPostgresDialectTest.write(ds, id);
                                    acks.add(new Ack(id, instance, System.nanoTime()));
                                } catch (SQLException e) {
                                    failures.incrementAndGet(); // not acknowledged: in doubt at most
                                }
                            }
                        },
                        "aurora-failover-workload");
                writer.start();
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> count(acks, "11") >= 50);

                    oldWriter.crash();
                    newWriter.promote();
                    AuroraPostgresStandIn.nameWriter(newWriter, "12");
                    hosts.route("1", newWriter.port());
                    // From here on 12 is the writer in Aurora's eyes; an acknowledgement from 11 after this
                    // point, from its last moments or after its return, would be a write the cluster lost.
                    long failoverAt = System.nanoTime();

                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> acks.stream()
                                            .filter(a -> a.atNanos() > failoverAt
                                                    && a.instance().equals("12"))
                                            .count()
                                    >= 50);
                    assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("12");
                    assertThat(ds.topology().node("11").status()).isEqualTo(NodeStatus.DOWN);

                    // The trap: the old writer comes back writable as far as PostgreSQL is concerned, with
                    // its own stale status naming itself. Two instances claim the role: writes fail fast
                    // rather than guess. Then its status shows what Aurora's cluster-wide status shows
                    // (12 is the writer): it is not writable, however willing PostgreSQL is.
                    oldWriter.start();
                    oldWriter.execute("ALTER SYSTEM SET synchronous_standby_names = ''");
                    oldWriter.execute("SELECT pg_reload_conf()"); // a write sent to it would be acknowledged
                    AuroraPostgresStandIn.nameWriter(oldWriter, "12");
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        NodeView eleven = ds.topology().node("11");
                        assertThat(eleven.status()).isEqualTo(NodeStatus.READER);
                        assertThat(eleven.fresh()).isFalse();
                        assertThat(eleven.reason()).contains("not named writer");
                        assertThat(ds.topology().writer())
                                .map(NodeView::endpoint)
                                .contains("12");
                    });
                    long returnedAt = System.nanoTime();
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> acks.stream()
                                            .filter(a -> a.atNanos() > returnedAt)
                                            .count()
                                    >= 50);
                    assertThat(oldWriter.queryLong("SELECT pg_is_in_recovery()::int"))
                            .isZero();

                    // Aurora restarts the old writer as a reader of the same volume
                    oldWriter.rejoinAsStandbyOf(newWriter);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(ds.topology().node("11").status()).isEqualTo(NodeStatus.READER);
                        assertThat(ds.topology().node("11").fresh()).isTrue();
                    });
                    long rejoinedAt = System.nanoTime();
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> acks.stream()
                                            .filter(a -> a.atNanos() > rejoinedAt)
                                            .count()
                                    >= 50);
                    assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("12");

                    stop.set(true);
                    writer.join(10_000);
                    assertThat(writer.isAlive()).isFalse();

                    List<Ack> all = List.copyOf(acks);
                    long byOldAfterFailover = all.stream()
                            .filter(a -> a.instance().equals("11") && a.atNanos() > failoverAt)
                            .count();
                    System.out.printf(
                            "acknowledged %d writes (%d by 11 before the failover, %d by 12), %d failed%n",
                            all.size(), count(acks, "11"), count(acks, "12"), failures.get());
                    assertThat(byOldAfterFailover)
                            .as("writes acknowledged by the old writer after the failover")
                            .isZero();
                    assertThat(all).extracting(Ack::instance).containsOnly("11", "12");
                    // every acknowledged write is on the new writer, recorded by the instance that acked it
                    Map<Long, String> stored = new HashMap<>();
                    try (Connection c = AuroraPostgresStandIn.connect(newWriter, "postgres");
                            Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT id, instance FROM orders")) {
                        while (rs.next()) {
                            stored.put(rs.getLong(1), rs.getString(2));
                        }
                    }
                    for (Ack a : all) {
                        assertThat(stored.get(a.id()))
                                .as("acknowledged write %d", a.id())
                                .isEqualTo(a.instance());
                    }
                    assertThat(aurora.discover()).extracting(Endpoint::name).containsExactly("12", "11");
                } finally {
                    stop.set(true);
                    writer.join(10_000);
                }
            }
        }
    }

    private static long count(ConcurrentLinkedQueue<Ack> acks, String instance) {
        return acks.stream().filter(a -> a.instance().equals(instance)).count();
    }
}
