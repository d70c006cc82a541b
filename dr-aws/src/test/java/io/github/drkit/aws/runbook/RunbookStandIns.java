package io.github.drkit.aws.runbook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The Seoul → Tokyo stand-ins of the runbook tests as a process, to try the command line without an
 * AWS account: {@code ./mvnw -B -q -pl dr-aws -am package -DskipTests -Prunbook-stand-ins} writes
 * {@code dr-aws/target/runbook-stand-ins.properties} (endpoints on loopback) and serves until {@code
 * dr-aws/target/runbook-stand-ins.stop} exists (at most 30 minutes). The command line then needs
 * any credentials, for example {@code AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=x}.
 */
final class RunbookStandIns {

    private RunbookStandIns() {}

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args.length > 0 ? args[0] : "dr-aws/target/runbook-stand-ins.properties");
        Path stop = Path.of(args.length > 1 ? args[1] : "dr-aws/target/runbook-stand-ins.stop");
        Files.deleteIfExists(stop);
        try (RunbookFixture stands = new RunbookFixture()) {
            stands.writeCliConfig(config);
            System.out.println("stand-ins of Seoul and Tokyo are up; configuration: " + config.toAbsolutePath()
                    + "; create " + stop.toAbsolutePath() + " to stop");
            Instant until = Instant.now().plus(Duration.ofMinutes(30));
            while (!Files.exists(stop) && Instant.now().isBefore(until)) {
                Thread.sleep(200); // a process that waits to be told to stop, not a test
            }
        }
        System.out.println("stand-ins stopped");
    }
}
