package io.github.drkit.aws.runbook;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.github.drkit.aws.runbook.AwsStandIn.SEOUL;
import static io.github.drkit.aws.runbook.AwsStandIn.SEOUL_CELL;
import static io.github.drkit.aws.runbook.AwsStandIn.TOKYO;
import static io.github.drkit.aws.runbook.AwsStandIn.TOKYO_CELL;
import static io.github.drkit.aws.runbook.RunbookFixture.SEOUL_ALB;
import static io.github.drkit.aws.runbook.RunbookFixture.TOKYO_ALB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.drkit.aws.GlobalReplicationLagSource;
import io.github.drkit.aws.runbook.RegionalFailover.Mode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Seoul → Tokyo runbook end to end: real SDK clients against stand-ins that speak RDS, SSM,
 * Route 53 and ARC wire formats and keep state, drkit's readiness path per region, a controlled clock.
 */
class RunbookRegionalFailoverTest {

    private static final RunbookRequest PLANNED =
            new RunbookRequest("oncall:jkim", "GameDay-7 planned move to Tokyo", false, Optional.empty());

    @TempDir
    Path evidence;

    private final RunbookFixture f;
    private final List<String> lines = new ArrayList<>();

    RunbookRegionalFailoverTest() throws Exception {
        f = new RunbookFixture();
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private static List<StepOutcome> outcomes(RunbookReport report) {
        return report.steps().stream().map(StepRecord::outcome).toList();
    }

    @Test
    void aPlannedFailoverMovesWriterTrafficAndDrainAndAFailbackMovesThemHome() throws Exception {
        RegionalFailover plans = f.plans(null).build();
        RunbookRunner runner = f.runner(evidence, lines);

        RunbookReport failover = runner.run(plans.failover(Mode.PLANNED), PLANNED);

        assertThat(failover.outcome()).isEqualTo(RunbookReport.Outcome.SUCCEEDED);
        assertThat(failover.steps())
                .extracting(StepRecord::name)
                .containsExactly(
                        "Aurora orders-global writer -> ap-northeast-1 (switchover)",
                        "undrain ap-northeast-1",
                        "wait for ap-northeast-1 DR_READY",
                        "ARC routing controls: ap-northeast-1 On, ap-northeast-2 Off",
                        "Route 53 records -> ap-northeast-1",
                        "drain ap-northeast-2");
        assertThat(outcomes(failover))
                .containsExactly(
                        StepOutcome.DONE,
                        StepOutcome.DONE,
                        StepOutcome.ALREADY_HELD, // Tokyo answers DR_READY as soon as it is undrained
                        StepOutcome.DONE,
                        StepOutcome.DONE,
                        StepOutcome.DONE);
        assertThat(f.aws.writerRegion()).isEqualTo(TOKYO);
        assertThat(f.aws.arcState(TOKYO_CELL)).isEqualTo("On");
        assertThat(f.aws.arcState(SEOUL_CELL)).isEqualTo("Off");
        assertThat(f.aws.recordTarget("service-be.example.com.")).isEqualTo(TOKYO_ALB);
        assertThat(f.drainParameter(SEOUL)).contains("\"state\":\"killed\"", "oncall:jkim");
        assertThat(f.drainParameter(TOKYO)).isNull();
        assertThat(f.probe().probe(TOKYO).body()).isEqualTo("DR_READY region=ap-northeast-1 role=writer");
        assertThat(f.probe().probe(SEOUL).body())
                .isEqualTo("UNAVAILABLE region=ap-northeast-2 role=writer reasons=drained,writer-in-other-region");
        assertThat(f.aws.calls("SwitchoverGlobalCluster")).isEqualTo(1);
        assertThat(f.aws.calls("FailoverGlobalCluster")).isZero();
        assertThat(failover.step("wait for ap-northeast-1 DR_READY").readiness())
                .extracting(ReadinessAnswer::body)
                .containsExactly("DR_READY region=ap-northeast-1 role=writer");

        RunbookReport failback = runner.run(plans.failback(), PLANNED);

        assertThat(failback.runbook()).isEqualTo("failback ap-northeast-1 -> ap-northeast-2 (planned)");
        assertThat(failback.steps())
                .extracting(StepRecord::name)
                .containsExactly(
                        "Aurora orders-global writer -> ap-northeast-2 (switchover)",
                        "undrain ap-northeast-2",
                        "wait for ap-northeast-2 DR_READY",
                        "ARC routing controls: ap-northeast-2 On, ap-northeast-1 Off",
                        "Route 53 records -> ap-northeast-2",
                        "drain ap-northeast-1");
        assertThat(outcomes(failback)).doesNotContain(StepOutcome.FAILED, StepOutcome.REFUSED);
        assertThat(f.aws.writerRegion()).isEqualTo(SEOUL);
        assertThat(f.aws.arcState(SEOUL_CELL)).isEqualTo("On");
        assertThat(f.aws.arcState(TOKYO_CELL)).isEqualTo("Off");
        assertThat(f.aws.recordTarget("service-be.example.com.")).isEqualTo(SEOUL_ALB);
        assertThat(f.drainParameter(SEOUL)).isNull();
        assertThat(f.drainParameter(TOKYO)).contains("\"state\":\"killed\"");
        assertThat(f.aws.calls("SwitchoverGlobalCluster")).isEqualTo(2);
        assertThat(failover.evidenceDirectory()).isNotEqualTo(failback.evidenceDirectory());
    }

    @Test
    void aFinishedRunbookRunAgainChangesNothing() {
        RegionalFailover plans = f.plans(null).build();
        RunbookRunner runner = f.runner(evidence, lines);
        runner.run(plans.failover(Mode.PLANNED), PLANNED);
        int mutating = f.aws.mutatingCalls();

        RunbookReport again = runner.run(plans.failover(Mode.PLANNED), PLANNED);

        assertThat(again.outcome()).isEqualTo(RunbookReport.Outcome.SUCCEEDED);
        assertThat(outcomes(again)).containsOnly(StepOutcome.ALREADY_HELD);
        assertThat(f.aws.mutatingCalls()).isEqualTo(mutating);
    }

    @Test
    void aFailureInTheMiddleStopsTheRunAndARunAgainResumesThere() {
        RegionalFailover plans = f.plans(null).build();
        RunbookRunner runner = f.runner(evidence, lines);
        f.aws.fail("ChangeResourceRecordSets", 1); // Route 53's control plane fails once

        RunbookFailedException failed = catchThrowableOfType(
                RunbookFailedException.class, () -> runner.run(plans.failover(Mode.PLANNED), PLANNED));

        assertThat(failed.report().outcome()).isEqualTo(RunbookReport.Outcome.FAILED);
        assertThat(outcomes(failed.report()))
                .containsExactly(
                        StepOutcome.DONE,
                        StepOutcome.DONE,
                        StepOutcome.ALREADY_HELD,
                        StepOutcome.DONE,
                        StepOutcome.FAILED,
                        StepOutcome.NOT_REACHED);
        assertThat(failed.getMessage())
                .contains("at step \"Route 53 records -> ap-northeast-1\"", "InternalFailure (HTTP 500");
        assertThat(failed.report().evidenceDirectory()).isPresent();
        assertThat(f.aws.writerRegion()).isEqualTo(TOKYO);
        assertThat(f.aws.recordTarget("service-be.example.com.")).isEqualTo(SEOUL_ALB);
        assertThat(f.drainParameter(SEOUL)).isNull();

        RunbookReport resumed = runner.run(plans.failover(Mode.PLANNED), PLANNED);

        assertThat(outcomes(resumed))
                .containsExactly(
                        StepOutcome.ALREADY_HELD,
                        StepOutcome.ALREADY_HELD,
                        StepOutcome.ALREADY_HELD,
                        StepOutcome.ALREADY_HELD,
                        StepOutcome.DONE,
                        StepOutcome.DONE);
        assertThat(f.aws.recordTarget("service-be.example.com.")).isEqualTo(TOKYO_ALB);
        assertThat(f.drainParameter(SEOUL)).contains("killed");
        assertThat(f.aws.calls("SwitchoverGlobalCluster")).isEqualTo(1);
        assertThat(f.aws.calls("UpdateRoutingControlStates")).isEqualTo(1);
        assertThat(f.aws.calls("ChangeResourceRecordSets")).isEqualTo(2);
    }

    @Test
    void aTransientFailureWhileVerifyingIsWaitedOutNotReportedAsAFailure() {
        RegionalFailover plans = f.plans(null).build();
        // the ARC step reads both controls, sets them, then its first read-back fails (500, no endpoint answers)
        f.aws.failLater("GetRoutingControlState", 2, 1);

        RunbookReport report = f.runner(evidence, lines).run(plans.failover(Mode.PLANNED), PLANNED);

        StepRecord arc = report.step("ARC routing controls: ap-northeast-1 On, ap-northeast-2 Off");
        assertThat(arc.outcome()).isEqualTo(StepOutcome.DONE);
        assertThat(arc.progress())
                .anyMatch(p -> p.contains("waiting, cannot read") && p.contains("InternalServerException (HTTP 500"));
        assertThat(arc.result()).contains("verified: ap-northeast-1 On, ap-northeast-2 Off");
        assertThat(f.aws.calls("UpdateRoutingControlStates")).isEqualTo(1);
    }

    @Test
    void aDryRunPrintsWhatEachStepSeesAndWouldChangeAndSendsNothingThatChanges() {
        RegionalFailover plans = f.plans(null).build();

        RunbookReport dry = f.runner(evidence, lines)
                .run(
                        plans.failover(Mode.PLANNED),
                        new RunbookRequest("oncall:jkim", "rehearsal", true, Optional.empty()));

        assertThat(dry.outcome()).isEqualTo(RunbookReport.Outcome.DRY_RUN);
        assertThat(outcomes(dry))
                .containsExactly(
                        StepOutcome.WOULD_CHANGE,
                        StepOutcome.WOULD_CHANGE,
                        StepOutcome.WOULD_CHANGE,
                        StepOutcome.WOULD_CHANGE,
                        StepOutcome.WOULD_CHANGE,
                        StepOutcome.WOULD_REFUSE);
        assertThat(dry.step("Aurora orders-global writer -> ap-northeast-1 (switchover)")
                        .result())
                .contains("SwitchoverGlobalCluster: writer ap-northeast-2 -> ap-northeast-1");
        assertThat(dry.step("wait for ap-northeast-1 DR_READY").seenBefore())
                .contains("503 UNAVAILABLE region=ap-northeast-1 role=writer reasons=drained,writer-in-other-region");
        assertThat(dry.step("ARC routing controls: ap-northeast-1 On, ap-northeast-2 Off")
                        .result())
                .contains("ap-northeast-1 Off -> On", "ap-northeast-2 On -> Off");
        assertThat(dry.step("Route 53 records -> ap-northeast-1").seenBefore()).contains(SEOUL_ALB);
        assertThat(dry.step("drain ap-northeast-2").result())
                .contains("would refuse if run now", "last region answering DR_READY");
        assertThat(lines).anyMatch(l -> l.contains("DRY RUN (nothing is changed)"));
        // nothing that changes anything reached any stand-in
        assertThat(f.aws.mutatingCalls()).isZero();
        assertThat(f.global.findAll(postRequestedFor(urlPathMatching("/2013-04-01/hostedzone/.*"))))
                .isEmpty();
        assertThat(f.global.findAll(
                        anyRequestedFor(anyUrl()).withHeader("X-Amz-Target", containing("UpdateRoutingControlState"))))
                .isEmpty();
        for (var server : List.of(f.seoul, f.tokyo)) {
            assertThat(server.findAll(anyRequestedFor(anyUrl()).withRequestBody(containing("Action=Switchover"))))
                    .isEmpty();
            assertThat(
                            server
                                    .findAll(anyRequestedFor(anyUrl())
                                            .withHeader("X-Amz-Target", containing("Parameter")))
                                    .stream()
                                    .filter(r -> !r.getHeader("X-Amz-Target").contains("GetParameter"))
                                    .toList())
                    .isEmpty();
        }
        assertThat(f.aws.writerRegion()).isEqualTo(SEOUL);
    }

    @Test
    void anUnplannedFailoverWithDataLossIsRefusedUntilTheOperatorStatesTheMeasuredLag() {
        f.readiness.databaseDown(SEOUL, true); // Seoul's database is gone: its path answers no-writer
        GlobalReplicationLagSource lag = state -> Map.of(TOKYO, Duration.ofSeconds(4));
        RegionalFailover plans = f.plans(lag).build();
        RunbookRunner runner = f.runner(evidence, lines);

        RunbookFailedException unconfirmed = catchThrowableOfType(
                RunbookFailedException.class,
                () -> runner.run(
                        plans.failover(Mode.UNPLANNED),
                        new RunbookRequest("oncall:jkim", "INC-4411 Seoul outage", false, Optional.empty())));

        assertThat(unconfirmed.report().outcome()).isEqualTo(RunbookReport.Outcome.REFUSED);
        assertThat(unconfirmed.getMessage())
                .contains("refusing an unplanned failover of orders-global with data loss")
                .contains("measured global replication lag: PT4S")
                .contains("--confirm-data-loss orders-global:lag=4000ms");
        assertThat(f.aws.calls("FailoverGlobalCluster")).isZero();
        assertThat(f.aws.writerRegion()).isEqualTo(SEOUL);

        RunbookFailedException understated = catchThrowableOfType(
                RunbookFailedException.class,
                () -> runner.run(
                        plans.failover(Mode.UNPLANNED),
                        new RunbookRequest(
                                "oncall:jkim",
                                "INC-4411 Seoul outage",
                                false,
                                Optional.of(DataLossConfirmation.parse("orders-global:lag=1s")))));
        assertThat(understated.getMessage())
                .contains("states lag PT1S but the measured global replication lag is PT4S");
        assertThatThrownBy(() -> runner.run(
                        plans.failover(Mode.UNPLANNED),
                        new RunbookRequest(
                                "oncall:jkim",
                                "INC-4411 Seoul outage",
                                false,
                                Optional.of(DataLossConfirmation.parse("orders-billing:lag=4s")))))
                .hasMessageContaining("the data-loss confirmation names orders-billing, not orders-global");
        assertThat(f.aws.calls("FailoverGlobalCluster")).isZero();

        RunbookReport confirmed = runner.run(
                plans.failover(Mode.UNPLANNED),
                new RunbookRequest(
                        "oncall:jkim",
                        "INC-4411 Seoul outage",
                        false,
                        Optional.of(DataLossConfirmation.parse("orders-global:lag=4s"))));

        assertThat(confirmed.outcome()).isEqualTo(RunbookReport.Outcome.SUCCEEDED);
        assertThat(confirmed.steps()).extracting(StepRecord::name).first().isEqualTo("drain ap-northeast-2");
        assertThat(confirmed.step("drain ap-northeast-2").outcome()).isEqualTo(StepOutcome.ALREADY_HELD);
        assertThat(f.aws.calls("FailoverGlobalCluster")).isEqualTo(1);
        assertThat(f.aws.calls("SwitchoverGlobalCluster")).isZero();
        assertThat(f.aws.writerRegion()).isEqualTo(TOKYO);
        assertThat(f.aws.recordTarget("service-be.example.com.")).isEqualTo(TOKYO_ALB);
        assertThat(confirmed
                        .step("Aurora orders-global writer -> ap-northeast-1 (failover, data loss allowed)")
                        .progress())
                .anyMatch(p -> p.contains("data loss confirmed by oncall:jkim: orders-global:lag=PT4S"));
    }

    @Test
    void anUnmeasurableLagMustBeConfirmedAsUnknown() {
        f.readiness.databaseDown(SEOUL, true);
        RegionalFailover plans = f.plans(null).build();
        RunbookRunner runner = f.runner(evidence, lines);

        assertThatThrownBy(() -> runner.run(
                        plans.failover(Mode.UNPLANNED),
                        new RunbookRequest(
                                "oncall:jkim",
                                "INC-4411",
                                false,
                                Optional.of(DataLossConfirmation.parse("orders-global:lag=2s")))))
                .hasMessageContaining("the lag cannot be measured now; confirm with --confirm-data-loss"
                        + " orders-global:lag=unknown");
        assertThat(f.aws.calls("FailoverGlobalCluster")).isZero();

        RunbookReport report = runner.run(
                plans.failover(Mode.UNPLANNED),
                new RunbookRequest(
                        "oncall:jkim",
                        "INC-4411",
                        false,
                        Optional.of(DataLossConfirmation.parse("orders-global:lag=unknown"))));
        assertThat(report.outcome()).isEqualTo(RunbookReport.Outcome.SUCCEEDED);
    }

    @Test
    void drainingTheLastReadyRegionIsRefusedAndNothingIsChanged() {
        // Seoul is healthy and Tokyo is not ready: this is no regional outage
        RegionalFailover plans = f.plans(state -> Map.of(TOKYO, Duration.ZERO)).build();

        RunbookFailedException refused = catchThrowableOfType(
                RunbookFailedException.class,
                () -> f.runner(evidence, lines)
                        .run(
                                plans.failover(Mode.UNPLANNED),
                                new RunbookRequest(
                                        "oncall:jkim",
                                        "alarm",
                                        false,
                                        Optional.of(DataLossConfirmation.parse("orders-global:lag=0s")))));

        assertThat(refused.report().outcome()).isEqualTo(RunbookReport.Outcome.REFUSED);
        assertThat(refused.getMessage())
                .contains("refusing to drain ap-northeast-2: it is the last region answering DR_READY")
                .contains("ap-northeast-2 200 DR_READY region=ap-northeast-2 role=writer")
                .contains("ap-northeast-1 503 UNAVAILABLE");
        assertThat(outcomes(refused.report())
                        .subList(1, refused.report().steps().size()))
                .containsOnly(StepOutcome.NOT_REACHED);
        assertThat(refused.report().step("drain ap-northeast-2").readiness()).hasSize(2);
        assertThat(f.aws.mutatingCalls()).isZero();
    }

    @Test
    void anUnreachableHomeRegionIsNotDrainedButTheFailoverGoesOn() {
        f.readiness.databaseDown(SEOUL, true);
        f.seoul.stop(); // Seoul's RDS and SSM endpoints are gone
        RegionalFailover plans = f.plans(null).build();

        RunbookReport report = f.runner(evidence, lines)
                .run(
                        plans.failover(Mode.UNPLANNED),
                        new RunbookRequest(
                                "oncall:jkim",
                                "INC-4411",
                                false,
                                Optional.of(DataLossConfirmation.parse("orders-global:lag=unknown"))));

        assertThat(report.outcome()).isEqualTo(RunbookReport.Outcome.SUCCEEDED);
        assertThat(report.step("drain ap-northeast-2").outcome()).isEqualTo(StepOutcome.SKIPPED);
        assertThat(report.step("drain ap-northeast-2").result())
                .contains("cannot reach ssm ap-northeast-2", "is NOT drained", "Run this plan again");
        assertThat(report.summary()).contains("(skipped, run again later: drain ap-northeast-2)");
        assertThat(f.aws.writerRegion()).isEqualTo(TOKYO);
        assertThat(f.aws.calls("FailoverGlobalCluster")).isEqualTo(1);
    }

    @Test
    void theEvidenceHasTheTimelineRequestIdsWhoAndWhyAndAVerifiableManifest() throws Exception {
        RegionalFailover plans = f.plans(null).build();

        RunbookReport report = f.runner(evidence, lines).run(plans.failover(Mode.PLANNED), PLANNED);

        Path dir = report.evidenceDirectory().orElseThrow();
        assertThat(dir.getParent()).isEqualTo(evidence);
        assertThat(dir.getFileName().toString()).isEqualTo("20300301T090000Z-runbook");
        assertThat(dir.resolve("runbook.md")).exists();
        assertThat(dir.resolve("runbook.html")).exists();
        List<String> sums = Files.readAllLines(dir.resolve("SHA256SUMS"));
        assertThat(sums).hasSize(3);
        for (String line : sums) {
            String[] parts = line.split("  ");
            byte[] bytes = Files.readAllBytes(dir.resolve(parts[1]));
            assertThat(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                    .as(parts[1])
                    .isEqualTo(parts[0]);
        }
        JsonNode json = new ObjectMapper().readTree(dir.resolve("runbook.json").toFile());
        assertThat(json.path("operator").asText()).isEqualTo("oncall:jkim");
        assertThat(json.path("reason").asText()).isEqualTo("GameDay-7 planned move to Tokyo");
        assertThat(json.path("host").asText()).isEqualTo("ops-laptop");
        assertThat(json.path("steps")).hasSize(6);
        String switchoverId = f.aws.requestIds("SwitchoverGlobalCluster").get(0);
        String arcId = f.aws.requestIds("UpdateRoutingControlStates").get(0);
        String route53Id = f.aws.requestIds("ChangeResourceRecordSets").get(0);
        String text = json.toString();
        assertThat(text).contains(switchoverId, arcId, route53Id);
        JsonNode aurora = json.path("steps").get(0);
        assertThat(aurora.path("awsRequests").toString()).contains("\"operation\":\"SwitchoverGlobalCluster\"");
        assertThat(aurora.path("tookMillis").asLong()).isPositive(); // the switchover was polled on the clock
        assertThat(json.path("steps").get(2).path("readiness").toString())
                .contains("DR_READY region=ap-northeast-1 role=writer");
        assertThat(Files.readString(dir.resolve("runbook.md"), StandardCharsets.UTF_8))
                .contains("| operator | oncall:jkim |", switchoverId);
        assertThat(Files.readString(dir.resolve("runbook.html"), StandardCharsets.UTF_8))
                .contains(arcId);
    }

    @Test
    void theReadinessStepWaitsWithProgressUntilTheTargetAnswersDrReady() {
        RegionalFailover plans = f.plans(null).build();
        f.readiness.databaseDown(TOKYO, true); // Tokyo's app has not yet seen its new writer
        RunbookRunner runner = f.runner(evidence, lines);
        f.after(Duration.ofSeconds(45), () -> f.readiness.databaseDown(TOKYO, false));

        RunbookReport report = runner.run(plans.failover(Mode.PLANNED), PLANNED);

        StepRecord wait = report.step("wait for ap-northeast-1 DR_READY");
        assertThat(wait.outcome()).isEqualTo(StepOutcome.DONE);
        assertThat(wait.seenBefore()).contains("503 UNAVAILABLE region=ap-northeast-1 role=writer reasons=no-writer");
        assertThat(wait.result()).contains("verified: ap-northeast-1 200 DR_READY region=ap-northeast-1 role=writer");
        assertThat(wait.progress()).anyMatch(p -> p.contains("waiting, sees ap-northeast-1 503"));
        assertThat(wait.readiness())
                .extracting(ReadinessAnswer::ready)
                .startsWith(false)
                .endsWith(true);
        assertThat(lines).anyMatch(l -> l.contains("[3/6] wait for ap-northeast-1 DR_READY: waiting, sees"));
        assertThat(f.aws.arcState(TOKYO_CELL)).isEqualTo("On");
    }

    @Test
    void weightedRecordsHoldOnlyWithTheirWeights() {
        String name = "api.example.com.";
        f.aws.putWeighted(name, "seoul", 100, SEOUL_ALB);
        f.aws.putWeighted(name, "tokyo", 0, TOKYO_ALB);
        var alias = new io.github.drkit.aws.AliasTarget("Z14GRHDCWA56QT", TOKYO_ALB, true);
        List<io.github.drkit.aws.Route53Record> tokyoTakesAll = List.of(
                io.github.drkit.aws.Route53Record.builder(name, "A")
                        .aliasTarget(new io.github.drkit.aws.AliasTarget("Z14GRHDCWA56QT", SEOUL_ALB, true))
                        .weighted("seoul", 0)
                        .build(),
                io.github.drkit.aws.Route53Record.builder(name, "A")
                        .aliasTarget(alias)
                        .weighted("tokyo", 100)
                        .build());
        Runbook shift = new Runbook(
                "shift api to Tokyo",
                List.of(RunbookSteps.route53Records(
                        f.route53,
                        io.github.drkit.aws.Route53Failover.builder(f.route53)
                                .clock(f.clock)
                                .sleeper(f::advance)
                                .pollInterval(Duration.ofMillis(100))
                                .build(),
                        AwsStandIn.ZONE,
                        tokyoTakesAll,
                        TOKYO)));
        RunbookRunner runner = f.runner(evidence, lines);

        RunbookReport moved = runner.run(shift, PLANNED);

        assertThat(moved.steps().get(0).outcome())
                .as(moved.steps().get(0).toString())
                .isEqualTo(StepOutcome.DONE);
        assertThat(moved.steps().get(0).seenBefore()).contains("[seoul] = alias " + SEOUL_ALB + " weight 100");
        assertThat(f.aws.weight(name, "seoul")).isEqualTo("0");
        assertThat(f.aws.weight(name, "tokyo")).isEqualTo("100");
        assertThat(runner.run(shift, PLANNED).steps().get(0).outcome()).isEqualTo(StepOutcome.ALREADY_HELD);
        assertThat(f.aws.calls("ChangeResourceRecordSets")).isEqualTo(1);
    }

    @Test
    void aReadinessWaitIsBoundedAndSaysWhatItLastSaw() {
        RegionalFailover plans = f.plans(null).build();
        f.readiness.databaseDown(TOKYO, true); // Tokyo's app never gets its writer

        RunbookFailedException failed = catchThrowableOfType(
                RunbookFailedException.class,
                () -> f.runner(evidence, lines).run(plans.failover(Mode.PLANNED), PLANNED));

        StepRecord wait = failed.report().step("wait for ap-northeast-1 DR_READY");
        assertThat(wait.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(wait.result())
                .contains("did not hold within PT5M", "reasons=no-writer", "run again to resume from this step");
        assertThat(wait.took()).isEqualTo(Duration.ofMinutes(5));
        assertThat(f.aws.arcState(SEOUL_CELL)).isEqualTo("On"); // traffic was not moved
    }
}
