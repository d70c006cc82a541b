package io.github.drkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MariaDbGtidPositionTest {

    @Test
    void aPositionContainsTheSameOrALaterGtidOfEveryDomain() {
        assertThat(MariaDbNode.gtidPositionContains("0-2-5", "0-2-5")).isTrue();
        assertThat(MariaDbNode.gtidPositionContains("0-2-7", "0-2-5")).isTrue();
        assertThat(MariaDbNode.gtidPositionContains("0-2-4", "0-2-5")).isFalse();
        assertThat(MariaDbNode.gtidPositionContains("0-2-9,1-3-2", "0-2-5,1-3-2"))
                .isTrue();
        assertThat(MariaDbNode.gtidPositionContains("0-2-9", "0-2-5,1-3-2"))
                .as("a missing domain")
                .isFalse();
        assertThat(MariaDbNode.gtidPositionContains("", "")).isTrue();
        assertThat(MariaDbNode.gtidPositionContains("0-2-1", "")).isTrue();
    }

    @Test
    void anotherServersGtidWithTheSameSequenceNumberIsADivergedHistory() {
        assertThat(MariaDbNode.gtidPositionContains("0-1-2", "0-2-2")).isFalse();
        assertThat(MariaDbNode.gtidPositionContains("0-1-3", "0-2-2"))
                .as("a later sequence number of the domain has applied it")
                .isTrue();
    }
}
