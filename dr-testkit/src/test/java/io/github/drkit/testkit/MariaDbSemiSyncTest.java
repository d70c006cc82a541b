package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbSemiSyncTest {

    @RegisterExtension
    static final MariaDbClusterExtension DB = MariaDbClusterExtension.builder()
            .replicas(1)
            .semiSync(true)
            .setting("rpl_semi_sync_master_timeout", "1000")
            .build();

    private static String status(MariaDbNode node, String name) {
        return node.queryAsRoot(
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '" + name + "'");
    }

    private static long yesTx(MariaDbNode node) {
        return Long.parseLong(status(node, "Rpl_semi_sync_master_yes_tx"));
    }

    @Test
    @Order(1)
    void commitsWaitForTheReplicasAcknowledgement() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode primary = db.primary();
        assertThat(db.semiSync()).isTrue();
        assertThat(status(primary, "Rpl_semi_sync_master_status")).isEqualTo("ON");
        assertThat(status(primary, "Rpl_semi_sync_master_clients")).isEqualTo("1");
        assertThat(status(db.replica(0), "Rpl_semi_sync_slave_status")).isEqualTo("ON");
        long before = yesTx(primary);

        primary.execute("CREATE TABLE acked (id INT PRIMARY KEY)");
        primary.execute("INSERT INTO acked VALUES (1)");

        assertThat(yesTx(primary)).isEqualTo(before + 2);
    }

    @Test
    @Order(2)
    void withTheReplicaFrozenThePrimaryFallsBackToAsynchronousAfterTheTimeout() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode primary = db.primary();
        long noTxBefore = Long.parseLong(status(primary, "Rpl_semi_sync_master_no_tx"));

        db.replica(0).pause();
        primary.execute("INSERT INTO acked VALUES (2)"); // returns after rpl_semi_sync_master_timeout

        assertThat(Long.parseLong(status(primary, "Rpl_semi_sync_master_no_tx")))
                .isEqualTo(noTxBefore + 1);
        assertThat(status(primary, "Rpl_semi_sync_master_status")).isEqualTo("OFF");

        db.replica(0).resume();
        db.awaitReplicated(primary, Duration.ofSeconds(20));
        primary.execute("INSERT INTO acked VALUES (3)");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(status(primary, "Rpl_semi_sync_master_status"))
                        .isEqualTo("ON"));
    }

    @Test
    @Order(3)
    void afterAFailoverThePromotedNodeIsTheSemiSyncPrimary() {
        MariaDbCluster db = DB.cluster();
        MariaDbNode oldPrimary = db.primary();
        MariaDbNode promoted = db.replica(0);
        db.awaitReplicated(oldPrimary, Duration.ofSeconds(20));
        oldPrimary.crash();

        promoted.promote();
        oldPrimary.rejoinAsReplicaOf(promoted);

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(status(promoted, "Rpl_semi_sync_master_clients"))
                        .isEqualTo("1"));
        long before = yesTx(promoted);
        promoted.execute("INSERT INTO acked VALUES (4)");
        assertThat(yesTx(promoted)).isEqualTo(before + 1);
        db.awaitReplicated(promoted, Duration.ofSeconds(20));
        assertThat(oldPrimary.queryLong("SELECT count(*) FROM acked")).isEqualTo(4);
    }
}
