package io.github.drkit.jdbc.aurora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.drkit.jdbc.AuroraTopology;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.testkit.MariaDbClusterExtension;
import io.github.drkit.testkit.MariaDbNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A simulated Aurora MySQL failover on the MariaDB stand-in under a steady write load: the writer (11)
 * crashes, the replica (12) is promoted and the status flipped to name it, the cluster endpoint moves.
 * Then the old writer comes back writable as far as MariaDB is concerned, first with its stale status
 * naming itself, then with the cluster's status naming 12. Semi-synchronous replication stands for
 * Aurora's shared storage (an acknowledged commit reached the replica). The old writer is not rejoined
 * as a reader here: a MariaDB primary killed under load keeps commits its replica never received, and
 * GTID strict mode then refuses the rejoin (Aurora has no such divergence).
 */
class AuroraMySqlFailoverTest {

    private static final String SEOUL = "ap-northeast-2";

    @RegisterExtension
    static final MariaDbClusterExtension DB =
            MariaDbClusterExtension.builder().replicas(1).semiSync(true).build();

    private record Ack(long id, String instance, long atNanos) {}

    @Test
    void writesMoveToThePromotedInstanceAndTheOldWriterAcknowledgesNoneAfterTheFailover() throws Exception {
        MariaDbNode oldWriter = DB.cluster().primary();
        MariaDbNode newWriter = DB.cluster().replica(0);
        AuroraMySqlStandIn.install(oldWriter, List.of("11", "12"));
        oldWriter.execute("CREATE TABLE orders (id bigint PRIMARY KEY, instance varchar(100))");
        DB.cluster().awaitReplicated(oldWriter, Duration.ofSeconds(10));

        try (LoopbackHosts hosts = new LoopbackHosts(List.of("11", "12"))) {
            hosts.route("1", oldWriter.port());
            hosts.route("11", oldWriter.port());
            hosts.route("12", newWriter.port());
            AuroraTopology aurora = AuroraTopology.builder("jdbc:mariadb://127.0.0.1:" + hosts.port() + "/drkit")
                    .instanceHostPattern("127.0.0.?")
                    .region(SEOUL)
                    .dialect(AuroraMySqlStandIn.DIALECT)
                    .credentials(MariaDbNode.APP_USER, MariaDbNode.APP_PASSWORD)
                    .build();
            RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                    .name("aurora-mysql-failover")
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
                                    acks.add(new Ack(id, AuroraMySqlDialectTest.write(ds, id), System.nanoTime()));
                                } catch (SQLException e) {
                                    failures.incrementAndGet();
                                }
                            }
                        },
                        "aurora-mysql-failover-workload");
                writer.start();
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> count(acks, "11") >= 50);

                    oldWriter.crash();
                    newWriter.promote();
                    // no replica is left to acknowledge: do not let the first commits wait out the timeout
                    newWriter.executeAsRoot("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
                    AuroraMySqlStandIn.nameWriter(newWriter, "12");
                    hosts.route("1", newWriter.port());
                    long failoverAt = System.nanoTime();

                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> acks.stream()
                                            .filter(a -> a.atNanos() > failoverAt
                                                    && a.instance().equals("12"))
                                            .count()
                                    >= 50);
                    assertThat(ds.topology().writer()).map(NodeView::endpoint).contains("12");

                    // the old writer returns writable (read_only=0), its own status naming itself, then
                    // showing what the cluster's status shows
                    oldWriter.start();
                    // commits there are acknowledged at once: a write routed to it would show
                    oldWriter.executeAsRoot("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
                    AuroraMySqlStandIn.nameWriter(oldWriter, "12");
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        NodeView eleven = ds.topology().node("11");
                        assertThat(eleven.status()).isEqualTo(NodeStatus.READER);
                        assertThat(eleven.fresh()).isFalse();
                        assertThat(eleven.reason()).contains("not named writer");
                        assertThat(ds.topology().writer())
                                .map(NodeView::endpoint)
                                .contains("12");
                    });
                    assertThat(oldWriter.queryLong("SELECT @@read_only")).isZero();
                    long returnedAt = System.nanoTime();
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> acks.stream()
                                            .filter(a -> a.atNanos() > returnedAt)
                                            .count()
                                    >= 50);

                    stop.set(true);
                    writer.join(10_000);
                    assertThat(writer.isAlive()).isFalse();

                    List<Ack> all = List.copyOf(acks);
                    System.out.printf(
                            "acknowledged %d writes (%d by 11 before the failover, %d by 12), %d failed%n",
                            all.size(), count(acks, "11"), count(acks, "12"), failures.get());
                    assertThat(all.stream()
                                    .filter(a -> a.instance().equals("11") && a.atNanos() > failoverAt)
                                    .count())
                            .as("writes acknowledged by the old writer after the failover")
                            .isZero();
                    assertThat(all).extracting(Ack::instance).containsOnly("11", "12");
                    Map<Long, String> stored = new HashMap<>();
                    try (Connection c = newWriter.connect();
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
