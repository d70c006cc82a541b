package io.github.drkit.jdbc.aurora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.jdbc.AuroraTopology;
import io.github.drkit.jdbc.DatabaseDialect;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Instance URLs from a cluster URL and a host pattern, and the builder's validation: no database. */
class AuroraTopologyTest {

    private static final String CLUSTER = "jdbc:postgresql://orders.cluster-abc123xyz.ap-northeast-2.rds.amazonaws.com"
            + ":5432/orders?ssl=true&sslmode=verify-full";
    private static final String PATTERN = "?.abc123xyz.ap-northeast-2.rds.amazonaws.com";

    @Test
    void theHostIsReplacedAndEverythingElseKept() {
        assertThat(AuroraTopology.instanceUrl(CLUSTER, PATTERN, "orders-2"))
                .isEqualTo("jdbc:postgresql://orders-2.abc123xyz.ap-northeast-2.rds.amazonaws.com:5432/orders"
                        + "?ssl=true&sslmode=verify-full");
        assertThat(AuroraTopology.instanceUrl(
                        "jdbc:mysql://shop.cluster-q1w2e3.eu-west-1.rds.amazonaws.com/shop",
                        "?.q1w2e3.eu-west-1.rds.amazonaws.com",
                        "shop-a"))
                .isEqualTo("jdbc:mysql://shop-a.q1w2e3.eu-west-1.rds.amazonaws.com/shop");
        assertThat(AuroraTopology.instanceUrl(
                        "jdbc:mysql://app:secret@shop.cluster-q1w2e3.eu-west-1.rds.amazonaws.com:3306",
                        "?.q1w2e3.eu-west-1.rds.amazonaws.com",
                        "shop-a"))
                .isEqualTo("jdbc:mysql://app:secret@shop-a.q1w2e3.eu-west-1.rds.amazonaws.com:3306");
        // a port in the pattern replaces the cluster's (a tunnel, a proxy)
        assertThat(AuroraTopology.instanceUrl(CLUSTER, "?.tunnel.internal:15432", "orders-2"))
                .isEqualTo("jdbc:postgresql://orders-2.tunnel.internal:15432/orders?ssl=true&sslmode=verify-full");
        assertThat(AuroraTopology.instanceUrl("jdbc:postgresql://127.0.0.1:5432/db", "127.0.0.?", "11"))
                .isEqualTo("jdbc:postgresql://127.0.0.11:5432/db");
    }

    @Test
    void badPatternsAndUrlsAreNamed() {
        assertThatThrownBy(() -> AuroraTopology.instanceUrl(CLUSTER, "abc123xyz.rds.amazonaws.com", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one '?'")
                .hasMessageContaining("abc123xyz.rds.amazonaws.com");
        assertThatThrownBy(() -> AuroraTopology.instanceUrl(CLUSTER, "?.?.example", "x"))
                .hasMessageContaining("exactly one '?'");
        assertThatThrownBy(() -> AuroraTopology.instanceUrl(CLUSTER, "jdbc:postgresql://?.example/db", "x"))
                .hasMessageContaining("without scheme, path or parameters");
        assertThatThrownBy(() -> AuroraTopology.instanceUrl(CLUSTER, "?.example:99999", "x"))
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> AuroraTopology.instanceUrl("orders.cluster-x.rds.amazonaws.com", PATTERN, "x"))
                .hasMessageContaining("cluster JDBC URL must look like");
        assertThatThrownBy(() -> AuroraTopology.instanceUrl("jdbc:postgresql://a:1,b:2/db", PATTERN, "x"))
                .hasMessageContaining("exactly one host");
    }

    @Test
    void theBuilderValidatesAndPicksTheDialectFromTheUrl() {
        AuroraTopology pg = AuroraTopology.builder(CLUSTER)
                .instanceHostPattern(PATTERN)
                .region("ap-northeast-2")
                .build();
        assertThat(pg.dialect()).isSameAs(DatabaseDialect.auroraPostgresql());
        assertThat(pg.toString()).doesNotContain("sslmode");
        assertThat(AuroraTopology.builder("jdbc:mariadb://c.cluster-x.rds.amazonaws.com:3306/db")
                        .instanceHostPattern("?.x.rds.amazonaws.com")
                        .region("ap-northeast-2")
                        .build()
                        .dialect())
                .isSameAs(DatabaseDialect.auroraMysql());

        assertThatThrownBy(() ->
                        AuroraTopology.builder(CLUSTER).region("ap-northeast-2").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instanceHostPattern")
                .hasMessageContaining("was null");
        assertThatThrownBy(() -> AuroraTopology.builder(CLUSTER)
                        .instanceHostPattern(PATTERN)
                        .build())
                .hasMessageContaining("region must not be blank");
        assertThatThrownBy(() -> AuroraTopology.builder(CLUSTER)
                        .instanceHostPattern(PATTERN)
                        .region("ap-northeast-2")
                        .connectTimeout(Duration.ZERO)
                        .build())
                .hasMessageContaining("connectTimeout must be > 0 (was PT0S)");
        assertThatThrownBy(() -> AuroraTopology.builder("jdbc:sqlserver://h:1433;databaseName=x")
                        .instanceHostPattern(PATTERN)
                        .region("ap-northeast-2")
                        .build())
                .hasMessageContaining("cannot tell the Aurora engine");
        assertThatThrownBy(() -> AuroraTopology.builder(CLUSTER)
                        .instanceHostPattern(PATTERN)
                        .region("ap-northeast-2")
                        .dialect(DatabaseDialect.mysql())
                        .build())
                .hasMessageContaining("auroraPostgresql() or DatabaseDialect.auroraMysql()")
                .hasMessageContaining("was mysql");
    }
}
