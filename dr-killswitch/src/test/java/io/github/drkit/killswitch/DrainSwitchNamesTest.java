package io.github.drkit.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DrainSwitchNamesTest {

    @Test
    void aRegionsDrainSwitchNamesTheRegionAndIsAValidSwitchName() {
        String seoul = DrainSwitchNames.forRegion("ap-northeast-2");
        assertThat(seoul).isEqualTo("region-traffic.ap-northeast-2");
        assertThat(DrainSwitchNames.forRegion("tokyo")).isEqualTo("region-traffic.tokyo");
        String longest = "a".repeat(DrainSwitchNames.MAX_REGION_LENGTH);
        try (KillSwitchRegistry registry = KillSwitchRegistry.builder()
                .declare(seoul)
                .declare(DrainSwitchNames.forRegion(longest))
                .build()) {
            assertThat(registry.killSwitch(seoul).isEnabled()).isTrue();
            assertThat(registry.status("region-traffic." + longest).name()).hasSize(64);
        }
    }

    @Test
    void badRegionNamesAreRefusedNamingThem() {
        for (String bad : new String[] {
            "",
            "Seoul",
            "ap_northeast_2",
            "ap--northeast",
            "-ap",
            "ap.northeast",
            "1st",
            "a".repeat(DrainSwitchNames.MAX_REGION_LENGTH + 1),
            "seoul\n"
        }) {
            assertThatThrownBy(() -> DrainSwitchNames.forRegion(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("region for a drain switch")
                    .hasMessageContaining("was '" + bad.replace("\n", "\\n") + "'");
        }
        assertThatThrownBy(() -> DrainSwitchNames.forRegion(null)).isInstanceOf(NullPointerException.class);
    }
}
