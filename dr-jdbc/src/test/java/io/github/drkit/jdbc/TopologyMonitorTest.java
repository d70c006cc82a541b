package io.github.drkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.drkit.jdbc.DatabaseDialect.Probe;
import io.github.drkit.jdbc.internal.NodeConnector;
import io.github.drkit.jdbc.internal.PhysicalConnections;
import io.github.drkit.jdbc.internal.RoutingMetrics;
import io.github.drkit.jdbc.internal.RoutingSettings;
import io.github.drkit.jdbc.internal.TopologyMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor's own rules, without a database: endpoints are data sources handing out inert
 * connections, and a scripted dialect answers (or hangs, or throws) per endpoint.
 */
class TopologyMonitorTest {

    private static final String CLUSTER = "42";

    /** What a scripted node answers to a probe. */
    @FunctionalInterface
    private interface Answer {
        Probe get() throws SQLException;
    }

    private final Map<String, Answer> script = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeAll() throws Exception {
        release.countDown();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("drkit-topology")));
    }

    /** An inert connection that knows its endpoint. */
    private static Connection connection(String endpoint) {
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(
                TopologyMonitorTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "close", "abort" -> closed[0] = true;
                        case "isClosed" -> {
                            return closed[0];
                        }
                        case "getNetworkTimeout" -> {
                            return 0;
                        }
                        case "toString" -> {
                            return endpoint;
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(p);
                        }
                        case "equals" -> {
                            return p == a[0];
                        }
                        default -> {}
                    }
                    return null;
                });
    }

    private static DataSource dataSource(String endpoint) {
        return (DataSource) Proxy.newProxyInstance(
                TopologyMonitorTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    if (m.getName().equals("getConnection")) {
                        return connection(endpoint);
                    }
                    if (m.getName().equals("toString")) {
                        return "ds-" + endpoint;
                    }
                    return m.getName().equals("hashCode") ? System.identityHashCode(p) : null;
                });
    }

    private final DatabaseDialect dialect = new DatabaseDialect() {
        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Probe probe(Connection connection) throws SQLException {
            String endpoint = connection.toString();
            probes.computeIfAbsent(endpoint, k -> new AtomicInteger()).incrementAndGet();
            return script.get(endpoint).get();
        }

        @Override
        public boolean isConnectionFailure(SQLException e) {
            return false;
        }

        @Override
        public boolean isWriteOnReadOnlyNode(SQLException e) {
            return false;
        }

        @Override
        public boolean isNodeGone(SQLException e) {
            return "57P01".equals(e.getSQLState());
        }
    };

    private static Probe writer(long timeline) {
        return new Probe(true, timeline, 100, Duration.ZERO, CLUSTER, "w", "");
    }

    private static Probe reader(long timeline) {
        return new Probe(false, timeline, 100, Duration.ZERO, CLUSTER, "r", "");
    }

    private Probe hang() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("released");
    }

    private TopologyMonitor monitor(
            Duration interval,
            Duration fast,
            Duration timeout,
            TopologyMonitor.EndpointLoss loss,
            RoutingMetrics metrics,
            TopologyListener... listeners) {
        List<Endpoint> endpoints = List.of(
                Endpoint.builder("w", "r1").dataSource(dataSource("w")).build(),
                Endpoint.builder("r", "r1").dataSource(dataSource("r")).build());
        RoutingSettings settings = new RoutingSettings(
                "r1",
                interval,
                fast,
                timeout,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                1 << 20,
                true,
                true,
                List.of(),
                3,
                Duration.ZERO);
        TopologyMonitor m =
                new TopologyMonitor(endpoints, settings, dialect, Clock.systemUTC(), loss, metrics, List.of(listeners));
        toClose.add(m);
        m.start(Duration.ofSeconds(5));
        return m;
    }

    private static RoutingMetrics noMetrics() {
        return RoutingMetrics.create(null, List.of(), "t");
    }

    @Test
    void lossReactionsAndListenersRunOutsideTheMonitorsLock() {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        List<Boolean> lockedDuringLoss = new CopyOnWriteArrayList<>();
        List<Boolean> lockedDuringListener = new CopyOnWriteArrayList<>();
        TopologyMonitor[] self = new TopologyMonitor[1];
        TopologyMonitor m = monitor(
                Duration.ofMillis(100),
                Duration.ofMillis(20),
                Duration.ofSeconds(1),
                (index, why) -> lockedDuringLoss.add(Thread.holdsLock(self[0])),
                noMetrics(),
                e -> lockedDuringListener.add(Thread.holdsLock(self[0])));
        self[0] = m;
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());

        script.put("w", () -> {
            throw new SQLException("terminating connection due to administrator command", "57P01");
        });
        script.put("r", () -> writer(2)); // promoted
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        m.topology().writer().map(NodeView::endpoint).orElse("").equals("r"));
        assertThat(lockedDuringLoss).isNotEmpty().containsOnly(false);
        assertThat(lockedDuringListener).isNotEmpty().containsOnly(false);
    }

    @Test
    void aHungProbeIsCountedOncePerProbeTimeoutUntilTheNodeIsDown() {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        List<TopologyEvent> events = new CopyOnWriteArrayList<>();
        TopologyMonitor m = monitor(
                Duration.ofMillis(100),
                Duration.ofMillis(20),
                Duration.ofMillis(300),
                (i, w) -> {},
                noMetrics(),
                events::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());

        script.put("w", this::hang); // the driver never returns and ignores every timeout
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().node("w").failedProbes() >= 1);
        assertThat(m.topology().node("w").status()).isEqualTo(NodeStatus.WRITER); // one slow probe is not a dead node
        assertThat(m.topology().node("w").reason()).contains("no answer within the probe timeout (300 ms)");

        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().node("w").status() == NodeStatus.DOWN);
        assertThat(m.topology().node("w").failedProbes()).isEqualTo(3);
        assertThat(events)
                .anyMatch(e ->
                        e.type() == TopologyEvent.Type.NODE_DOWN && e.endpoint().equals("w"));
    }

    @Test
    void aProberThatThrowsAnErrorSurvivesAndItsNodeBecomesUnknown() {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TopologyMonitor m = monitor(
                Duration.ofMillis(50),
                Duration.ofMillis(20),
                Duration.ofSeconds(1),
                (i, w) -> {},
                RoutingMetrics.create(
                        registry,
                        List.of(
                                Endpoint.builder("w", "r1")
                                        .dataSource(dataSource("w"))
                                        .build(),
                                Endpoint.builder("r", "r1")
                                        .dataSource(dataSource("r"))
                                        .build()),
                        "t"));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());

        script.put("w", () -> {
            throw new AssertionError("a bug in a dialect");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().node("w").status() == NodeStatus.UNKNOWN);
        assertThat(m.topology().writer()).isEmpty();
        assertThat(m.topology().node("w").reason()).contains("AssertionError");
        assertThat(registry.get("drkit.topology.probe.errors").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(Thread.getAllStackTraces().keySet())
                .anyMatch(t -> t.getName().equals("drkit-topology-probe-w") && t.isAlive());

        script.put("w", () -> writer(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());
    }

    @Test
    void whileWritesWaitForAWriterTheProbesRunBackToBack() {
        script.put("w", () -> reader(1)); // no writer anywhere
        script.put("r", () -> reader(1));
        Duration slow = Duration.ofSeconds(2); // interval and fast interval both slow: only back-to-back is quick
        TopologyMonitor m = monitor(slow, slow, Duration.ofSeconds(1), (i, w) -> {}, noMetrics());
        int before = probes.get("r").get();
        m.awaitWriter(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(probes.get("r").get() - before).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aWriterWhoseProbeHangsMakesTheOthersBeProbedBackToBack() {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        Duration slow = Duration.ofSeconds(2);
        TopologyMonitor m = monitor(slow, Duration.ofMillis(50), Duration.ofSeconds(5), (i, w) -> {}, noMetrics());
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());
        script.put("w", this::hang);
        m.requestProbe(); // the writer's next probe hangs from now on
        await().atMost(Duration.ofSeconds(5)).until(() -> probes.get("r").get() >= 10);
        script.put("r", () -> writer(2)); // a promotion is seen within a few probes, not at the 2 s interval
        await().atMost(Duration.ofSeconds(1))
                .until(() ->
                        m.topology().writer().map(NodeView::endpoint).orElse("").equals("r"));
        assertThat(m.topology().node("w").status()).isEqualTo(NodeStatus.FENCED);
    }

    @Test
    void aWriteFindingTheWritersPoolFullProbesTheWriterAtOnceAtMostEveryFastInterval() {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        Duration slow = Duration.ofSeconds(5);
        TopologyMonitor m = monitor(slow, Duration.ofSeconds(1), Duration.ofSeconds(1), (i, w) -> {}, noMetrics());
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());
        int before = probes.get("w").get();

        m.writerBusy(1); // not the writer: never a probe
        // the writer: probed as soon as its last probe is older than the fast interval (1 s)
        await().atMost(Duration.ofSeconds(4))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    m.writerBusy(0);
                    return probes.get("w").get() > before;
                });
        int after = probes.get("w").get();
        m.writerBusy(0); // within the fast interval of that probe: no new one
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(1))
                .until(() -> probes.get("w").get() == after);
    }

    @Test
    void onlyFailuresThatProveANodeGoneAreDefinitive() {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        List<TopologyEvent> events = new CopyOnWriteArrayList<>();
        TopologyMonitor m = monitor(
                Duration.ofMillis(100),
                Duration.ofMillis(20),
                Duration.ofSeconds(1),
                (i, w) -> {},
                noMetrics(),
                events::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());

        m.connectionFailed(0, new SQLException("timed out", "08001", new SocketTimeoutException("connect timed out")));
        m.connectionFailed(0, new SQLException("I/O error", "08006"));
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> events.stream().noneMatch(e -> e.type() == TopologyEvent.Type.NODE_DOWN));
        assertThat(events).noneMatch(e -> e.type() == TopologyEvent.Type.NODE_DOWN);
        m.connectionFailed(0, new SQLException("refused", "08001", new ConnectException("Connection refused")));
        // the node answers again right after (it is not really gone), so look for the event
        await().atMost(Duration.ofSeconds(2))
                .until(() -> events.stream()
                        .anyMatch(e -> e.type() == TopologyEvent.Type.NODE_DOWN
                                && e.endpoint().equals("w")));
    }

    /**
     * The application side of endpoint w: a data source whose connects can be held at a gate, counting
     * connects and keeping what it handed out.
     */
    private final class AppSide {
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger connects = new AtomicInteger();
        final List<Connection> handedOut = new CopyOnWriteArrayList<>();
        volatile boolean hold;

        PhysicalConnections connections(TopologyMonitor m) {
            DataSource ds = (DataSource) Proxy.newProxyInstance(
                    TopologyMonitorTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, method, a) -> {
                        if (method.getName().equals("getConnection")) {
                            connects.incrementAndGet();
                            if (hold) {
                                gate.await();
                            }
                            Connection c = connection("w");
                            handedOut.add(c);
                            return c;
                        }
                        return method.getName().equals("hashCode") ? System.identityHashCode(p) : null;
                    });
            PhysicalConnections pc = new PhysicalConnections(
                    0,
                    new NodeConnector(Endpoint.builder("w", "r1").dataSource(ds).build()),
                    dialect,
                    Duration.ofSeconds(1),
                    Duration.ZERO);
            pc.attach(m);
            return pc;
        }
    }

    @Test
    void aConnectionOpenedWhileItsNodeIsAbortedIsAbortedTooAndNeverHandedOut() throws Exception {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        TopologyMonitor m = monitor(
                Duration.ofMillis(100), Duration.ofMillis(20), Duration.ofSeconds(1), (i, w) -> {}, noMetrics());
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());
        AppSide app = new AppSide();
        PhysicalConnections pc = app.connections(m);
        try (Connection first = pc.getConnection()) {
            assertThat(first.isClosed()).isFalse();
        }

        app.hold = true;
        CompletableFuture<Object> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return pc.getConnection();
            } catch (SQLException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> app.connects.get() == 2);
        pc.abortAll(); // the node is lost while the connect is under way
        app.gate.countDown();

        assertThat(opening.get(5, TimeUnit.SECONDS))
                .isInstanceOf(SQLTransientConnectionException.class)
                .asString()
                .contains("aborted while this one was being opened");
        assertThat(app.handedOut).hasSize(2);
        assertThat(app.handedOut.get(1).isClosed()).isTrue();
    }

    @Test
    void noConnectionIsOpenedToANodeThatIsDownOrFenced() throws Exception {
        script.put("w", () -> writer(1));
        script.put("r", () -> reader(1));
        TopologyMonitor m = monitor(
                Duration.ofMillis(100), Duration.ofMillis(20), Duration.ofSeconds(1), (i, w) -> {}, noMetrics());
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().writer().isPresent());
        AppSide app = new AppSide();
        PhysicalConnections pc = app.connections(m);

        script.put("w", () -> {
            throw new SQLException("Connection refused", "08001", new ConnectException("Connection refused"));
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().node("w").status() == NodeStatus.DOWN);
        assertThatThrownBy(pc::getConnection)
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("endpoint w")
                .hasMessageContaining("DOWN");
        assertThat(app.connects).hasValue(0);

        script.put("w", () -> writer(1)); // back, but a promotion happened meanwhile: fenced
        script.put("r", () -> writer(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> m.topology().node("w").status() == NodeStatus.FENCED);
        assertThatThrownBy(pc::getConnection).hasMessageContaining("FENCED");
        assertThat(app.connects).hasValue(0);
    }
}
