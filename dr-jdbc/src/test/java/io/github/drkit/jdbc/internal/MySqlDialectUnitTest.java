package io.github.drkit.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.DatabaseDialect.Probe;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.Topology;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MySQL dialect's parsing, naming and fencing-term rule, without a server. */
class MySqlDialectUnitTest {

    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

    @Test
    void mariaDbPositionIsTheSumOfSequenceNumbersOverDomains() {
        assertThat(MySqlDialect.mariaPosition("")).isZero();
        assertThat(MySqlDialect.mariaPosition(null)).isZero();
        assertThat(MySqlDialect.mariaPosition("0-1-57")).isEqualTo(57);
        assertThat(MySqlDialect.mariaPosition("0-2-57,1-3-3")).isEqualTo(60);
        assertThatThrownBy(() -> MySqlDialect.mariaPosition("garbage")).hasMessageContaining("garbage");
    }

    @Test
    void mysqlPositionCountsTheTransactionsInAGtidSet() {
        assertThat(MySqlDialect.mysqlPosition("")).isZero();
        assertThat(MySqlDialect.mysqlPosition("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7"))
                .isEqualTo(6);
        assertThat(MySqlDialect.mysqlPosition(
                        "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7,\n" + "4E11FA47-71CA-11E1-9E33-C80AA9429562:1-2"))
                .isEqualTo(8);
        assertThat(MySqlDialect.mysqlPosition("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-3:tag:1-2"))
                .isEqualTo(5);
    }

    @Test
    void dialectFollowsTheUrlAndTheConfiguredName() {
        assertThat(DatabaseDialect.forUrl("jdbc:mariadb://h/db").name()).isEqualTo("mysql");
        assertThat(DatabaseDialect.forUrl("jdbc:mysql://h/db").name()).isEqualTo("mysql");
        assertThat(DatabaseDialect.forUrl("jdbc:postgresql://h/db").name()).isEqualTo("postgresql");
        assertThatThrownBy(() -> DatabaseDialect.forUrl("jdbc:oracle:thin:@h:1521/x?password=secret"))
                .hasMessageContaining("'oracle'")
                .hasMessageNotContaining("secret");
        assertThat(DatabaseDialect.named("MariaDB").name()).isEqualTo("mysql");
        assertThatThrownBy(() -> DatabaseDialect.named("db2")).hasMessageContaining("'db2'");
        assertThatThrownBy(() -> DatabaseDialect.mysql("drop table x;")).hasMessageContaining("drop table x;");
        assertThatThrownBy(() -> DatabaseDialect.mysql("a.b.c")).hasMessageContaining("a.b.c");
        assertThat(((MySqlDialect) DatabaseDialect.mysql("ops.terms")).table()).isEqualTo("ops.terms");
        assertThat(DatabaseDialect.mysqlFencingTableDdl("my_terms")).startsWith("CREATE TABLE IF NOT EXISTS my_terms");
    }

    @Test
    void errorsAreClassifiedByCode() {
        DatabaseDialect d = DatabaseDialect.mysql();
        assertThat(d.isWriteOnReadOnlyNode(new SQLException(
                        "The MariaDB server is running with the --read-only option so it cannot execute this"
                                + " statement",
                        "HY000",
                        1290)))
                .isTrue();
        assertThat(d.isWriteOnReadOnlyNode(new SQLException("Duplicate entry", "23000", 1062)))
                .isFalse();
        assertThat(d.isConnectionFailure(new SQLException("link failure", "08S01", 0)))
                .isTrue();
        assertThat(d.isNodeGone(new SQLException("Server shutdown in progress", "08S01", 1053)))
                .isTrue();
        assertThat(d.isNodeGone(new SQLException("link failure", "08S01", 0))).isFalse();
    }

    @Test
    void aPromotedNodeIsRecordedBeforeItTakesWritesAndThenFencesTheOldWriter() {
        DatabaseDialect d = DatabaseDialect.mysql();
        List<Endpoint> endpoints = List.of(
                Endpoint.builder("a", "r1").jdbcUrl("jdbc:mariadb://a/db").build(),
                Endpoint.builder("b", "r1").jdbcUrl("jdbc:mariadb://b/db").build());
        RoutingSettings s = new RoutingSettings(
                "r1",
                Duration.ofMillis(500),
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                1000,
                true,
                true,
                List.of(),
                3,
                Duration.ofSeconds(60));
        TopologyCalculator calc = new TopologyCalculator(endpoints, s, d::needsWriterRecord);
        Topology empty = new Topology(0, NOW, 0, List.of(), -1, new int[0], new int[0]);
        // a is the recorded writer of term 3 (timeline 6), b its replica
        Topology t = calc.compute(
                empty,
                new Observation[] {
                    Observation.answered(probe(true, 6, 10, "1"), 1, NOW),
                    Observation.answered(probe(false, 6, 10, "1"), 2, NOW)
                },
                NOW);
        assertThat(t.writerIndex()).isZero();
        assertThat(calc.recordRequest()).isEqualTo(-1);
        // a is gone; b was promoted: writable, and its newest term names a (timeline 2 * 3 + 1)
        Observation downA = Observation.NONE.failed("refused", true, false, 3);
        t = calc.compute(t, new Observation[] {downA, Observation.answered(probe(true, 7, 11, "1"), 5, NOW)}, NOW);
        assertThat(t.nodes().get(1).status()).isEqualTo(NodeStatus.CONFIRMING);
        assertThat(t.nodes().get(1).reason()).contains("recording a fencing term above timeline 7");
        assertThat(calc.recordRequest()).isEqualTo(1);
        assertThat(calc.recordAbove()).isEqualTo(7);
        assertThat(t.writerIndex()).isEqualTo(-1);
        // recorded: term 4 (timeline 8), same incarnation: it takes writes
        t = calc.compute(t, new Observation[] {downA, Observation.answered(probe(true, 8, 12, "1"), 6, NOW)}, NOW);
        assertThat(t.writerIndex()).isEqualTo(1);
        assertThat(calc.recordRequest()).isEqualTo(-1);
        // a returns writable, still holding term 3 (timeline 6): fenced
        t = calc.compute(
                t,
                new Observation[] {
                    Observation.answered(probe(true, 6, 10, "2"), 7, NOW),
                    Observation.answered(probe(true, 8, 12, "1"), 7, NOW)
                },
                NOW);
        assertThat(t.nodes().get(0).status()).isEqualTo(NodeStatus.FENCED);
        assertThat(t.writerIndex()).isEqualTo(1);
    }

    @Test
    void onlyAWritableNodeWithoutItsOwnTermNeedsARecord() {
        DatabaseDialect d = DatabaseDialect.mysql();
        assertThat(d.needsWriterRecord(probe(true, 7, 1, "x"))).isTrue();
        assertThat(d.needsWriterRecord(probe(true, 6, 1, "x"))).isFalse();
        assertThat(d.needsWriterRecord(probe(false, 7, 1, "x"))).isFalse();
        assertThat(d.needsWriterRecord(probe(true, 1, 1, "x"))).isTrue(); // no term recorded anywhere yet
        assertThat(DatabaseDialect.postgresql().needsWriterRecord(probe(true, 7, 1, "x")))
                .isFalse();
    }

    private static Probe probe(boolean writable, long timeline, long position, String incarnation) {
        return new Probe(writable, timeline, position, Duration.ZERO, "", incarnation, "");
    }
}
