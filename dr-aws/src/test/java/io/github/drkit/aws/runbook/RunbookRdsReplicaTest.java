package io.github.drkit.aws.runbook;

import static io.github.drkit.aws.runbook.AwsStandIn.SEOUL;
import static io.github.drkit.aws.runbook.AwsStandIn.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.aws.runbook.RegionalFailover.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The non-Aurora path: promoting an RDS cross-region read replica in Tokyo. */
class RunbookRdsReplicaTest {

    @TempDir
    Path evidence;

    private final RunbookFixture f;
    private final List<String> lines = new ArrayList<>();

    RunbookRdsReplicaTest() throws Exception {
        f = new RunbookFixture();
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private RegionalFailover plans() {
        return RegionalFailover.builder(SEOUL, TOKYO)
                .drain(f.drain())
                .readiness(f.probe(), Duration.ofMinutes(5), Duration.ofSeconds(5))
                .rdsReadReplica(f.rds.get(TOKYO), AwsStandIn.REPLICA, Duration.ofMinutes(30))
                .arc(f.arc, Map.of(SEOUL, AwsStandIn.SEOUL_CELL, TOKYO, AwsStandIn.TOKYO_CELL))
                .build();
    }

    @Test
    void theReplicaIsPromotedOnceAndWaitedForUntilAvailable() {
        RunbookRequest request = new RunbookRequest("oncall:jkim", "INC-4411 Seoul outage", false, Optional.empty());
        f.readiness.databaseDown(SEOUL, true);

        RunbookReport report = f.runner(evidence, lines).run(plans().failover(Mode.UNPLANNED), request);

        assertThat(report.outcome()).isEqualTo(RunbookReport.Outcome.SUCCEEDED);
        StepRecord promote = report.step("promote RDS replica orders-tokyo in ap-northeast-1");
        assertThat(promote.outcome()).isEqualTo(StepOutcome.DONE);
        assertThat(promote.seenBefore())
                .isEqualTo(
                        "orders-tokyo available, read replica of arn:aws:rds:ap-northeast-2:123456789012:db:orders-seoul");
        assertThat(promote.progress()).anyMatch(p -> p.contains("waiting, sees orders-tokyo modifying, standalone"));
        assertThat(promote.result()).contains("verified: orders-tokyo available, standalone");
        assertThat(promote.awsCalls()).extracting(AwsCall::operation).contains("PromoteReadReplica");
        assertThat(f.aws.calls("PromoteReadReplica")).isEqualTo(1);
        assertThat(f.aws.replicaStatus()).isEqualTo("available");
        assertThat(f.aws.arcState(AwsStandIn.TOKYO_CELL)).isEqualTo("On");

        RunbookReport again = f.runner(evidence, lines).run(plans().failover(Mode.UNPLANNED), request);
        assertThat(again.step(promote.name()).outcome()).isEqualTo(StepOutcome.ALREADY_HELD);
        assertThat(f.aws.calls("PromoteReadReplica")).isEqualTo(1);
    }

    @Test
    void aPromotedReplicaCannotBeFailedBackAutomatically() {
        assertThatThrownBy(() -> plans().failback())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the promoted instance in ap-northeast-1 cannot be demoted")
                .hasMessageContaining("CreateDBInstanceReadReplica");
    }
}
