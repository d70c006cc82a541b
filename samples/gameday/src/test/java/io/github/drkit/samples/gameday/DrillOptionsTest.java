package io.github.drkit.samples.gameday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.drkit.testkit.ReplicationMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillOptionsTest {

    @TempDir
    Path evidence;

    @Test
    void defaultsAreTheREADMEsDrill() {
        DrillOptions o = DrillOptions.parse();
        assertThat(o.scenario()).isEqualTo(Scenario.PRIMARY_CRASH);
        assertThat(o.replication()).isEqualTo(ReplicationMode.SYNCHRONOUS);
        assertThat(o.clients()).isEqualTo(8);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.faultAt()).isEqualTo(Duration.ofSeconds(6));
        assertThat(o.rpoOverride()).isEmpty();
        assertThat(o.applyDelay()).isEmpty();
        assertThat(o.external()).isFalse();
        assertThat(o.evidenceDir()).isEqualTo(Path.of("evidence/dr"));
    }

    @Test
    void theEngineIsPostgresqlUnlessMariadbIsAsked() {
        assertThat(DrillOptions.parse().engine()).isEqualTo(Engine.POSTGRESQL);
        DrillOptions m = DrillOptions.parse("--engine", "mariadb");
        assertThat(m.engine()).isEqualTo(Engine.MARIADB);
        assertThat(m.replication()).isEqualTo(ReplicationMode.SYNCHRONOUS);
        assertThat(Drill.replicationName(m)).isEqualTo("semi-synchronous");
        assertThat(Drill.replicationName(DrillOptions.parse("--engine", "MariaDB", "--replication", "async")))
                .isEqualTo("asynchronous");
        assertThat(DrillOptions.parse("--engine", "mariadb", "--replication", "semi-sync")
                        .replication())
                .isEqualTo(ReplicationMode.SYNCHRONOUS);
        assertThat(Drill.replicationName(DrillOptions.parse())).isEqualTo("synchronous");
        DrillOptions lag = DrillOptions.parse("--engine", "mariadb", "--scenario", "lag");
        assertThat(lag.replication()).isEqualTo(ReplicationMode.ASYNCHRONOUS);
        assertThat(lag.applyDelay()).contains(Duration.ofSeconds(3));
        assertThat(Scenario.SPLIT_BRAIN.description(Engine.MARIADB))
                .contains("fencing term")
                .doesNotContain("timeline");
        assertThat(Scenario.SPLIT_BRAIN.description(Engine.POSTGRESQL)).isEqualTo(Scenario.SPLIT_BRAIN.description());
    }

    @Test
    void mariadbOptionsThatCannotWorkAreNamed() {
        assertThatThrownBy(() -> DrillOptions.parse("--engine", "oracle"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--engine must be postgresql or mariadb (was 'oracle')");
        assertThatThrownBy(() -> DrillOptions.parse("--replication", "semi-sync"))
                .hasMessage("--replication semi-sync is MariaDB's; PostgreSQL replicates sync or async");
        assertThatThrownBy(
                        () -> DrillOptions.parse("--engine", "mariadb", "--scenario", "lag", "--apply-delay", "2500ms"))
                .hasMessage("--apply-delay must be whole seconds with --engine mariadb (MASTER_DELAY counts seconds)"
                        + " (was 2500ms)");
        assertThat(DrillOptions.parse("--scenario", "lag", "--apply-delay", "2500ms")
                        .applyDelay())
                .contains(Duration.ofMillis(2500));
        String seoul = "jdbc:postgresql://db-seoul:5432/orders";
        String tokyo = "jdbc:postgresql://db-tokyo:5432/orders";
        assertThatThrownBy(() -> DrillOptions.parse(
                        "--engine", "mariadb", "--seoul-url", seoul, "--tokyo-url", tokyo, "--scenario", "partition"))
                .hasMessage("--engine mariadb runs on the embedded pair only; external mode (--seoul-url/--tokyo-url)"
                        + " drills a PostgreSQL pair");
        assertThatThrownBy(() -> DrillOptions.parse(
                        "--seoul-url",
                        "jdbc:mariadb://db-seoul:3306/orders",
                        "--tokyo-url",
                        tokyo,
                        "--scenario",
                        "partition"))
                .isInstanceOf(UsageException.class)
                .hasMessage(
                        "--seoul-url is a MySQL-family URL, but external mode drills a PostgreSQL pair only; drill"
                                + " MariaDB on the embedded pair with --engine mariadb (was 'jdbc:mariadb://db-seoul:3306/orders')");

        Output o = new Output();
        int code = GameDay.run(
                new String[] {
                    "--seoul-url",
                    seoul,
                    "--tokyo-url",
                    "jdbc:mariadb://db-tokyo:3306/orders",
                    "--scenario",
                    "switchover"
                },
                o.out,
                o.err,
                Clock.systemUTC());
        assertThat(code).isEqualTo(GameDay.USAGE);
        assertThat(o.err()).contains("gameday: --tokyo-url is a MySQL-family URL");
    }

    @Test
    void lagDefaultsToAsyncWithAnApplyDelayAboveAOneSecondRpo() {
        DrillOptions o = DrillOptions.parse("--scenario", "lag");
        assertThat(o.replication()).isEqualTo(ReplicationMode.ASYNCHRONOUS);
        assertThat(o.applyDelay()).contains(Duration.ofSeconds(3));
        assertThat(o.rpoOverride()).contains(Duration.ofSeconds(1));
        assertThat(o.faultAt()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void bothOptionSpellingsAndBlankArgumentsAreAccepted() {
        DrillOptions o = DrillOptions.parse("", "--scenario=switchover", "--clients", "3", "--replication=async", " ");
        assertThat(o.scenario()).isEqualTo(Scenario.SWITCHOVER);
        assertThat(o.clients()).isEqualTo(3);
        assertThat(o.replication()).isEqualTo(ReplicationMode.ASYNCHRONOUS);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> DrillOptions.parse("--scenario", "meltdown"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith(
                        "unknown scenario 'meltdown': use one of primary-crash, partition, split-brain, switchover, lag")
                .hasMessageContaining("failback")
                .hasMessageContaining("pitr-restore")
                .hasMessageContaining("backup-restore")
                .hasMessageContaining("pilot-light")
                .hasMessageContaining("active-active");
        assertThatThrownBy(() -> DrillOptions.parse("--duration", "-5s"))
                .hasMessage("--duration must be > 0 (was -5s)");
        assertThatThrownBy(() -> DrillOptions.parse("--promote-after", "-1s"))
                .hasMessage("--promote-after must be >= 0 (was -1s)");
        assertThatThrownBy(() -> DrillOptions.parse("--duration", "soon"))
                .hasMessage("--duration must be a duration such as 500ms, 5s or PT5S (was 'soon')");
        assertThatThrownBy(() -> DrillOptions.parse("--clients", "0"))
                .hasMessage("--clients must be between 1 and 256 (was 0)");
        assertThatThrownBy(() -> DrillOptions.parse("--clients", "many"))
                .hasMessage("--clients must be a whole number (was 'many')");
        assertThatThrownBy(() -> DrillOptions.parse("--replication", "quorum"))
                .hasMessage("--replication must be sync or async (was 'quorum')");
        assertThatThrownBy(() -> DrillOptions.parse("--duration", "8s", "--fault-at", "6s"))
                .hasMessage("--duration (8s) must leave at least 3s of load after --fault-at (6s): raise --duration");
        assertThatThrownBy(() -> DrillOptions.parse("--apply-delay", "18s"))
                .isInstanceOf(UsageException.class)
                .hasMessage("--duration (20s) must leave at least 3s of load after --fault-at (21s): raise --duration");
        assertThatThrownBy(() -> DrillOptions.parse("--apply-delay", "5s", "--fault-at", "4s"))
                .hasMessage("--fault-at (4s) must be later than --apply-delay (5s), or no lag has built up when the"
                        + " fault hits");
        assertThatThrownBy(() -> DrillOptions.parse("--route53-interval", "10ms"))
                .hasMessage("--route53-interval must be >= 100ms (was 10ms)");
    }

    @Test
    void badShapesAreNamed() {
        assertThatThrownBy(() -> DrillOptions.parse("--speed", "fast"))
                .hasMessage("unknown option --speed, see --help");
        assertThatThrownBy(() -> DrillOptions.parse("--clients"))
                .hasMessage("option --clients needs a value, see --help");
        assertThatThrownBy(() -> DrillOptions.parse("crash"))
                .hasMessage("unexpected argument 'crash': options start with --, see --help");
        assertThatThrownBy(() -> DrillOptions.parse("--clients", "2", "--clients", "3"))
                .hasMessage("option --clients given twice");
        assertThatThrownBy(() -> DrillOptions.parse("--help")).isInstanceOf(DrillOptions.HelpRequested.class);
    }

    @Test
    void externalModeRefusesWhatOnlyTheEmbeddedClusterCanDo() {
        String seoul = "jdbc:postgresql://db-seoul:5432/orders";
        String tokyo = "jdbc:postgresql://db-tokyo:5432/orders";
        assertThatThrownBy(() -> DrillOptions.parse("--seoul-url", seoul))
                .hasMessage("--seoul-url and --tokyo-url go together (got only --seoul-url)");
        assertThatThrownBy(() -> DrillOptions.parse("--seoul-url", seoul, "--tokyo-url", tokyo))
                .hasMessageStartingWith("scenario primary-crash kills or restarts the primary's server process");
        assertThatThrownBy(() -> DrillOptions.parse(
                        "--seoul-url", seoul, "--tokyo-url", tokyo, "--scenario", "partition", "--replication", "sync"))
                .hasMessageStartingWith("--replication configures the embedded cluster");
        assertThatThrownBy(() ->
                        DrillOptions.parse("--seoul-url", "mysql://x", "--tokyo-url", tokyo, "--scenario", "partition"))
                .hasMessageStartingWith("--seoul-url must be a PostgreSQL JDBC URL");
        assertThatThrownBy(() -> DrillOptions.parse("--db-user", "app"))
                .hasMessage("--db-user/--db-password are for --seoul-url/--tokyo-url (external mode)");
        DrillOptions ok = DrillOptions.parse("--seoul-url", seoul, "--tokyo-url", tokyo, "--scenario", "switchover");
        assertThat(ok.external()).isTrue();
        assertThat(ok.dbUser()).isEqualTo("postgres");
    }

    @Test
    void theCommandLineExitsWithTwoAndSaysWhatIsWrong() {
        Output o = new Output();
        int code = GameDay.run(new String[] {"--scenario", "meltdown"}, o.out, o.err, Clock.systemUTC());
        assertThat(code).isEqualTo(GameDay.USAGE);
        assertThat(o.err()).contains("gameday: unknown scenario 'meltdown'").contains("--help");

        Output help = new Output();
        assertThat(GameDay.run(new String[] {"--help"}, help.out, help.err, Clock.systemUTC()))
                .isEqualTo(GameDay.PASSED);
        assertThat(help.out())
                .contains("--scenario NAME")
                .contains("--engine NAME")
                .contains("Exit code");
    }

    @Test
    void unreachableExternalEndpointsAreAUsageError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens there once the socket is closed
        }
        String seoul = "jdbc:postgresql://127.0.0.1:" + closed + "/orders";
        Output o = new Output();
        int code = GameDay.run(
                new String[] {
                    "--seoul-url",
                    seoul,
                    "--tokyo-url",
                    "jdbc:postgresql://127.0.0.1:" + closed + "/orders",
                    "--scenario",
                    "partition",
                    "--evidence-dir",
                    evidence.toString()
                },
                o.out,
                o.err,
                Clock.systemUTC());
        assertThat(code).isEqualTo(GameDay.USAGE);
        assertThat(o.err()).contains("gameday: cannot reach --seoul-url " + seoul + " within 5s");
        try (var files = Files.walk(evidence)) {
            assertThat(files.filter(p -> p.toString().endsWith(".json"))).isEmpty();
        }
    }

    /** Captured output. */
    static final class Output {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
