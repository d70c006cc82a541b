package io.github.drkit.aws.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Bad input is refused at the boundary with a message naming it. */
class RunbookInputsTest {

    @Test
    void aDataLossConfirmationNamesTheClusterAndTheLag() {
        assertThat(DataLossConfirmation.parse("orders-global:lag=4s"))
                .isEqualTo(new DataLossConfirmation("orders-global", Optional.of(Duration.ofSeconds(4))));
        assertThat(DataLossConfirmation.parse("orders-global:lag=1500ms").acceptedLag())
                .contains(Duration.ofMillis(1500));
        assertThat(DataLossConfirmation.parse("orders-global:lag=PT2M").acceptedLag())
                .contains(Duration.ofMinutes(2));
        assertThat(DataLossConfirmation.parse("orders-global:lag=unknown").acceptedLag())
                .isEmpty();
        assertThatThrownBy(() -> DataLossConfirmation.parse("yes"))
                .hasMessageContaining("--confirm-data-loss must be <global-cluster>:lag=<measured lag>")
                .hasMessageContaining("was \"yes\"");
        assertThatThrownBy(() -> DataLossConfirmation.parse("orders-global:lag=soon"))
                .hasMessageContaining("--confirm-data-loss lag must be a duration")
                .hasMessageContaining("(was \"soon\")");
        assertThatThrownBy(() -> DataLossConfirmation.parse("orders-global:lag=-4s"))
                .hasMessageContaining("must not be negative");
    }

    @Test
    void aRunNeedsSomeoneAndAReason() {
        assertThatThrownBy(() -> new RunbookRequest(" ", "x", false, Optional.empty()))
                .hasMessageContaining("operator must not be blank");
        assertThatThrownBy(() -> new RunbookRequest("me", "", false, Optional.empty()))
                .hasMessageContaining("reason must not be blank");
    }

    @Test
    void aDrainRefusesAnActorOrReasonTheSwitchReadersWouldNotTakeBeforeSendingAnything() {
        try (SsmClient ssm = SsmClient.builder()
                .region(Region.AP_NORTHEAST_2)
                .endpointOverride(URI.create("http://127.0.0.1:1"))
                .credentialsProvider(RunbookFixture.CREDENTIALS)
                .build()) {
            SsmRegionDrain drain = SsmRegionDrain.builder("/drkit/orders/prod/switches")
                    .region("ap-northeast-2", ssm)
                    .build();
            assertThatThrownBy(() -> drain.drain("ap-northeast-2", "me", "x".repeat(1025)))
                    .hasMessage("reason must be at most 1024 characters (was 1025)");
            assertThatThrownBy(() -> drain.drain("ap-northeast-2", "m".repeat(129), "why"))
                    .hasMessage("actor must be at most 128 characters (was 129)");
            assertThatThrownBy(() -> drain.drain("ap-northeast-1", "me", "why"))
                    .hasMessageContaining("no SsmClient is configured for region ap-northeast-1");
            assertThatThrownBy(() -> SsmRegionDrain.builder("drkit/switches/")
                            .region("ap-northeast-2", ssm)
                            .build())
                    .hasMessageContaining("path must start with / and not end with / (was drkit/switches/)");
        }
    }

    @Test
    void aPlanHasStepsWithDistinctNames() {
        RunbookStep step = new RunbookStep() {
            @Override
            public String name() {
                return "same";
            }

            @Override
            public StepObservation observe(RunbookContext context) {
                return StepObservation.holding("ok");
            }

            @Override
            public String act(RunbookContext context) {
                return "nothing";
            }
        };
        assertThatThrownBy(() -> new Runbook("p", List.of(step, step))).hasMessageContaining("two steps named same");
        assertThatThrownBy(() -> new Runbook("p", List.of())).hasMessageContaining("has no step");
    }

    @Test
    void thePlansRefuseAnIncompleteDeployment() {
        HttpReadinessProbe seoulOnly = HttpReadinessProbe.builder()
                .region("ap-northeast-2", URI.create("http://127.0.0.1:1/dr/route53"))
                .build();
        RegionDrain drain = new RegionDrain() {
            @Override
            public boolean drained(String region) {
                return false;
            }

            @Override
            public void drain(String region, String actor, String reason) {}

            @Override
            public void undrain(String region, String actor, String reason) {}

            @Override
            public String describe(String region) {
                return region;
            }
        };
        assertThatThrownBy(() -> RegionalFailover.builder("ap-northeast-2", "ap-northeast-2")
                        .build())
                .hasMessageContaining("homeRegion and standbyRegion must differ");
        assertThatThrownBy(() -> RegionalFailover.builder("ap-northeast-2", "ap-northeast-1")
                        .readiness(seoulOnly, Duration.ofMinutes(1), Duration.ofSeconds(1))
                        .build())
                .hasMessageContaining("drain is required");
        assertThatThrownBy(() -> RegionalFailover.builder("ap-northeast-2", "ap-northeast-1")
                        .drain(drain)
                        .readiness(seoulOnly, Duration.ofMinutes(1), Duration.ofSeconds(1))
                        .build())
                .hasMessageContaining("readiness has no URL for ap-northeast-1");
        assertThatThrownBy(() -> HttpReadinessProbe.builder().region("ap-northeast-1", URI.create("ftp://x/")))
                .hasMessageContaining("readiness URL of ap-northeast-1 must be http or https (was ftp://x/)");
    }
}
