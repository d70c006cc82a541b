package io.github.drkit.samples.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.testkit.PostgresCluster;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Jepsen-style check finds what it must find: it can fail. */
class ConsistencyCheckTest {

    private static PostgresCluster pg;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.builder().start();
        pg.primary()
                .execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer text, item text, quantity int,"
                        + " reference text, created_at timestamptz DEFAULT now())");
        // r1 stored once (id 1), r2 twice (ids 2, 3), r5 by nobody, r4 in doubt and stored (id 5)
        pg.primary()
                .execute("INSERT INTO orders (reference) VALUES ('run1-c1-1'), ('run1-c1-2'), ('run1-c1-2'),"
                        + " ('run1-c9-9'), ('run1-c1-4'), ('other-c1-1')");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void lostDuplicatedUnexpectedAndInDoubtWritesAreCounted() throws Exception {
        WriteRecord stored = acknowledged("run1-c1-1", 100, 1);
        WriteRecord duplicated = acknowledged("run1-c1-2", 200, 2);
        WriteRecord lost = acknowledged("run1-c1-3", 700, 9); // acknowledged 300 ms before the fault at 1000
        WriteRecord inDoubt = new WriteRecord("run1-c1-4", "k4", 800);
        inDoubt.attempted();
        inDoubt.ended(WriteRecord.Outcome.ABANDONED);
        WriteRecord wrongId = acknowledged("run1-c9-9", 900, 42);
        try (Connection c = pg.primary().connect()) {
            ConsistencyCheck.Result r = ConsistencyCheck.check(
                    c, "node0", "run1", List.of(stored, duplicated, lost, inDoubt, wrongId), 1000);
            assertThat(r.attempted()).isEqualTo(5);
            assertThat(r.acknowledged()).isEqualTo(4);
            assertThat(r.lost()).isEqualTo(1);
            assertThat(r.lostSample()).singleElement().asString().startsWith("run1-c1-3");
            assertThat(r.dataLossWindowMs()).isEqualTo(300);
            assertThat(r.duplicated()).isEqualTo(1);
            assertThat(r.duplicatedSample()).containsExactly("run1-c1-2 stored as orders [2, 3]");
            assertThat(r.unexpected()).isZero(); // 'other-c1-1' belongs to another drill
            assertThat(r.idMismatches()).isEqualTo(1);
            assertThat(r.inDoubt()).isEqualTo(1);
            assertThat(r.inDoubtApplied()).isEqualTo(1);
        }
    }

    @Test
    void aStoredReferenceNoClientSentIsUnexpected() throws Exception {
        try (Connection c = pg.primary().connect()) {
            ConsistencyCheck.Result r =
                    ConsistencyCheck.check(c, "node0", "run1", List.of(acknowledged("run1-c1-1", 10, 1)), 1000);
            assertThat(r.unexpected()).isEqualTo(3); // c1-2 (stored twice, counted once), c9-9, c1-4
            assertThat(r.unexpectedSample()).contains("run1-c9-9", "run1-c1-4");
            assertThat(r.lost()).isZero();
        }
    }

    private static WriteRecord acknowledged(String reference, long ackMs, long id) {
        WriteRecord w = new WriteRecord(reference, "k-" + reference, ackMs - 5);
        w.attempted();
        w.acknowledged(ackMs, ackMs - 5, id, false);
        return w;
    }
}
