package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultProxyTest {

    @RegisterExtension
    static final PostgresClusterExtension PG =
            PostgresClusterExtension.builder().build();

    private static Connection connect(FaultProxy proxy, int socketTimeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        p.setProperty("loginTimeout", "2");
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        return DriverManager.getConnection(proxy.jdbcUrl(), p);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void passForwardsAndCounts() throws Exception {
        FaultProxy proxy = PG.proxy(PG.cluster().primary());
        try (Connection c = connect(proxy, 5)) {
            assertThat(selectOne(c)).isEqualTo(1);
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.PASS);
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
        assertThat(proxy.bytesToTarget()).isPositive();
        assertThat(proxy.bytesFromTarget()).isPositive();
    }

    @Test
    void blackHoleMakesAQueryFailAtItsSocketTimeoutNotHang() throws Exception {
        FaultProxy proxy = PG.proxy(PG.cluster().primary());
        try (Connection c = connect(proxy, 1)) {
            assertThat(selectOne(c)).isEqualTo(1);
            proxy.blackHole();
            // Correctness bound: the driver's 1 s socket timeout must fire; 10 s would mean a hang.
            assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> assertThatThrownBy(() -> selectOne(c))
                            .isInstanceOf(SQLException.class)
                            .hasMessageContaining("I/O error"));
            assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> assertThatThrownBy(() -> connect(proxy, 1)).isInstanceOf(SQLException.class));
        }
        proxy.pass();
        try (Connection c = connect(proxy, 5)) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
    }

    @Test
    void latencyDelaysEveryRoundTrip() throws Exception {
        FaultProxy proxy = PG.proxy(PG.cluster().primary());
        try (Connection c = connect(proxy, 10)) {
            proxy.latency(Duration.ofMillis(150), Duration.ofMillis(50));
            long t0 = System.nanoTime();
            assertThat(selectOne(c)).isEqualTo(1);
            // A round trip crosses the proxy twice: at least twice the base delay.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.LATENCY);
        }
        assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1), Duration.ZERO))
                .hasMessage("latency base must be >= 0 (was PT-0.001S)");
    }

    @Test
    void resetBreaksExistingAndNewConnections() throws Exception {
        FaultProxy proxy = PG.proxy(PG.cluster().primary());
        try (Connection c = connect(proxy, 5)) {
            assertThat(selectOne(c)).isEqualTo(1);
            proxy.reset();
            assertThatThrownBy(() -> selectOne(c))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08006");
        }
        assertThatThrownBy(() -> connect(proxy, 5)).isInstanceOf(SQLException.class);
        assertThat(proxy.openConnections()).isZero();
        proxy.pass();
        try (Connection c = connect(proxy, 5)) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
    }

    @Test
    void refuseClosesTheListenerUntilPass() throws Exception {
        FaultProxy proxy = PG.proxy(PG.cluster().primary());
        int port = proxy.port();
        proxy.refuse();
        assertThatThrownBy(() -> connect(proxy, 5))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("refused");
        proxy.pass();
        assertThat(proxy.port()).isEqualTo(port);
        try (Connection c = connect(proxy, 5)) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
    }

    @Test
    void closeStopsEveryProxyThreadAndSocket() throws Exception {
        FaultProxy proxy = FaultProxy.forNode(PG.cluster().primary());
        String prefix = "drkit-faultproxy-" + proxy.port() + "-";
        Connection held = connect(proxy, 5);
        assertThat(selectOne(held)).isEqualTo(1);
        proxy.blackHole();
        assertThat(threadsNamed(prefix)).isPositive();

        proxy.close();

        assertThat(threadsNamed(prefix)).isZero();
        assertThatThrownBy(() -> selectOne(held)).isInstanceOf(SQLException.class);
        held.close();
        assertThatThrownBy(proxy::pass).hasMessageContaining("is closed");
        proxy.close(); // idempotent
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .count();
    }
}
