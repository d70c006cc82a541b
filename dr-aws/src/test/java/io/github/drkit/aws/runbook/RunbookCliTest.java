package io.github.drkit.aws.runbook;

import static io.github.drkit.aws.runbook.AwsStandIn.SEOUL;
import static io.github.drkit.aws.runbook.AwsStandIn.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against the stand-ins: the configuration file of the Seoul → Tokyo deployment with
 * endpoint overrides pointing at them. The dry run's output is kept in {@code
 * target/runbook-cli-dry-run.txt} (the README shows it).
 */
class RunbookCliTest {

    @TempDir
    Path dir;

    private final RunbookFixture f;

    RunbookCliTest() throws Exception {
        f = new RunbookFixture();
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private Path config(String... extra) throws Exception {
        return f.writeCliConfig(dir.resolve("orders-seoul-tokyo.properties"), extra);
    }

    private record Result(int status, String out) {}

    private Result cli(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = RunbookCli.run(args, out, RunbookFixture.CREDENTIALS, f.clock, f::advance);
        return new Result(status, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        Path config = config();

        Result dry = cli(
                "failover",
                "--config",
                config.toString(),
                "--operator",
                "oncall:jkim",
                "--reason",
                "GameDay-7 rehearsal",
                "--dry-run",
                "--evidence-dir",
                dir.resolve("evidence/dr").toString());

        assertThat(dry.status()).as(dry.out()).isZero();
        assertThat(dry.out())
                .contains("DRY RUN (nothing is changed) of failover ap-northeast-2 -> ap-northeast-1 (planned)")
                .contains("WOULD_CHANGE  Aurora orders-global writer -> ap-northeast-1 (switchover)")
                .contains("WOULD_REFUSE  drain ap-northeast-2")
                .contains("evidence: " + dir.resolve("evidence/dr"));
        assertThat(f.aws.mutatingCalls()).isZero();
        // the README shows this output, with the loopback URLs and the temporary directory replaced
        String shown = dry.out()
                .replace(f.readiness.url(SEOUL).toString(), "https://seoul.orders.example.com/dr/route53")
                .replace(f.readiness.url(TOKYO).toString(), "https://tokyo.orders.example.com/dr/route53")
                .replace(dir.toString() + "/", "");
        Path target = Path.of("target", "runbook-cli-dry-run.txt");
        Files.createDirectories(target.getParent());
        Files.writeString(target, shown);
        String readme = Files.readString(Path.of("../README.md"));
        int block = readme.indexOf("```text\n[09:00:00Z] DRY RUN (nothing is changed) of failover");
        assertThat(block)
                .as("the README's dry-run block (expected: target/runbook-cli-dry-run.txt)")
                .isPositive();
        String readmeBlock = readme.substring(block + "```text\n".length(), readme.indexOf("```", block + 7));
        assertThat(readmeBlock)
                .as("the README's dry-run block (expected: target/runbook-cli-dry-run.txt)")
                .isEqualTo(shown);
    }

    private static java.util.Set<Thread> drkitAndSdkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive()
                        && (t.getName().startsWith("drkit-") || t.getName().startsWith("sdk-")))
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void failoverAndFailbackRunFromTheCommandLineAndLeaveNoThreadBehind() throws Exception {
        Path config = config();
        String evidence = dir.resolve("evidence").toString();
        java.util.Set<Thread> before = drkitAndSdkThreads();

        Result failover = cli(
                "failover",
                "--config",
                config.toString(),
                "--operator",
                "oncall:jkim",
                "--reason",
                "GameDay-7",
                "--evidence-dir",
                evidence);
        assertThat(failover.status()).as(failover.out()).isZero();
        assertThat(f.aws.writerRegion()).isEqualTo(TOKYO);
        assertThat(f.aws.recordTarget("service-be.example.com.")).isEqualTo(RunbookFixture.TOKYO_ALB);

        Result failback = cli(
                "failback",
                "--config",
                config.toString(),
                "--operator",
                "oncall:jkim",
                "--reason",
                "GameDay-7 back home",
                "--evidence-dir",
                evidence);
        assertThat(failback.status()).as(failback.out()).isZero();
        assertThat(f.aws.writerRegion()).isEqualTo(SEOUL);
        assertThat(f.aws.recordTarget("service-be.example.com.")).isEqualTo(RunbookFixture.SEOUL_ALB);
        // the ARC timer thread and the SDK's threads of the clients (and waiters) the command line built
        // end: they are shut down on close, an executor's idle threads a moment later
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    java.util.Set<Thread> left = drkitAndSdkThreads();
                    left.removeAll(before);
                    assertThat(left).extracting(Thread::getName).isEmpty();
                });
        try (var dirs = Files.list(Path.of(evidence))) {
            assertThat(dirs.filter(d -> d.getFileName().toString().endsWith("-runbook")
                                    || d.getFileName().toString().contains("-runbook-"))
                            .count())
                    .isEqualTo(2);
        }
    }

    @Test
    void anUnconfirmedUnplannedFailoverExitsWithTwoAndSaysWhatToType() throws Exception {
        f.readiness.databaseDown(SEOUL, true);

        Result refused = cli(
                "failover",
                "--unplanned",
                "--config",
                config().toString(),
                "--operator",
                "oncall:jkim",
                "--reason",
                "INC-4411",
                "--evidence-dir",
                dir.resolve("evidence").toString());

        assertThat(refused.status()).as(refused.out()).isEqualTo(2);
        assertThat(refused.out()).contains("REFUSED", "--confirm-data-loss orders-global:lag=unknown");
        assertThat(f.aws.calls("FailoverGlobalCluster")).isZero();
    }

    @Test
    void badUsageAndBadConfigurationAreNamed() throws Exception {
        Result noOperator = cli("failover", "--config", config().toString(), "--reason", "x");
        assertThat(noOperator.status()).isEqualTo(64);
        assertThat(noOperator.out()).contains("--operator is required", "usage: runbook");

        Result unknownKey = cli(
                "failover",
                "--config",
                config("aurora.globl-cluster=orders").toString(),
                "--operator",
                "me",
                "--reason",
                "x");
        assertThat(unknownKey.status()).isEqualTo(64);
        assertThat(unknownKey.out()).contains("unknown key(s) [aurora.globl-cluster]");

        Result badDuration = cli(
                "failover",
                "--config",
                config("readiness.timeout=ten minutes").toString(),
                "--operator",
                "me",
                "--reason",
                "x");
        assertThat(badDuration.status()).isEqualTo(64);
        assertThat(badDuration.out()).contains("readiness.timeout must be a duration", "(was \"ten minutes\")");

        Result badConfirmation = cli(
                "failover",
                "--unplanned",
                "--config",
                config().toString(),
                "--operator",
                "me",
                "--reason",
                "x",
                "--confirm-data-loss",
                "yes");
        assertThat(badConfirmation.status()).isEqualTo(64);
        assertThat(badConfirmation.out()).contains("--confirm-data-loss must be <global-cluster>:lag=");

        Result unplannedFailback =
                cli("failback", "--unplanned", "--config", config().toString(), "--operator", "me", "--reason", "x");
        assertThat(unplannedFailback.status()).isEqualTo(64);
        assertThat(unplannedFailback.out()).contains("--unplanned applies to failover only");
        assertThat(f.aws.mutatingCalls()).isZero();
    }
}
