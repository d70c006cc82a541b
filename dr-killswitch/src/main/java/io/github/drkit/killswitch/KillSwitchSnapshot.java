package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.SwitchNames;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of every switch of a registry at one instant. A registry publishes a new snapshot with
 * one volatile write for every change, so a snapshot is always whole: every switch of a profile
 * flipped together shows the same state in it.
 *
 * <p>Immutable and thread-safe.
 */
public final class KillSwitchSnapshot {

    final KillSwitchRegistry owner;
    final long version;
    final Instant appliedAt;
    final boolean[] killed;
    final SwitchStatus[] statuses;
    final Decision[] sourceDecisions;
    final Decision[] overrideDecisions;
    final Map<String, Integer> indexByName;
    final Instant nextExpiry;

    KillSwitchSnapshot(
            KillSwitchRegistry owner,
            long version,
            Instant appliedAt,
            SwitchStatus[] statuses,
            Decision[] sourceDecisions,
            Decision[] overrideDecisions,
            Map<String, Integer> indexByName,
            Instant nextExpiry) {
        this.owner = owner;
        this.version = version;
        this.appliedAt = appliedAt;
        this.statuses = statuses;
        this.sourceDecisions = sourceDecisions;
        this.overrideDecisions = overrideDecisions;
        this.indexByName = indexByName;
        this.nextExpiry = nextExpiry;
        this.killed = new boolean[statuses.length];
        for (int i = 0; i < statuses.length; i++) {
            killed[i] = statuses[i].isKilled();
        }
    }

    /**
     * A number that grows by one with every published snapshot of the registry.
     *
     * @return the version, 0 for the registry's first snapshot
     */
    public long version() {
        return version;
    }

    /**
     * When this snapshot was computed, by the registry's clock.
     *
     * @return the instant
     */
    public Instant appliedAt() {
        return appliedAt;
    }

    /**
     * Whether a switch is killed in this snapshot. No allocation.
     *
     * @param killSwitch a handle from the same registry
     * @return {@code true} if killed
     * @throws NullPointerException if {@code killSwitch} is {@code null}
     * @throws IllegalArgumentException if the handle belongs to another registry
     */
    public boolean isKilled(KillSwitch killSwitch) {
        Objects.requireNonNull(killSwitch, "killSwitch");
        if (killSwitch.registry != owner) {
            throw new IllegalArgumentException(
                    "kill switch '" + killSwitch.name() + "' belongs to another registry than this snapshot");
        }
        return killed[killSwitch.index];
    }

    /**
     * Whether a switch is killed in this snapshot.
     *
     * @param name a declared switch name
     * @return {@code true} if killed
     * @throws IllegalArgumentException if the name is invalid
     * @throws UnknownKillSwitchException if no such switch is declared
     */
    public boolean isKilled(String name) {
        return killed[indexOf(name)];
    }

    /**
     * A switch's status in this snapshot.
     *
     * @param name a declared switch name
     * @return its status
     * @throws IllegalArgumentException if the name is invalid
     * @throws UnknownKillSwitchException if no such switch is declared
     */
    public SwitchStatus status(String name) {
        return statuses[indexOf(name)];
    }

    /**
     * Every switch's status, in declaration order (the built-in {@code drkit.writes} first).
     *
     * @return an immutable list
     */
    public List<SwitchStatus> statuses() {
        return List.of(statuses);
    }

    /**
     * The earliest instant at which a setting in force at any layer expires.
     *
     * @return the instant, or empty if nothing expires
     */
    public Optional<Instant> nextExpiry() {
        return Optional.ofNullable(nextExpiry);
    }

    int indexOf(String name) {
        Integer index = indexByName.get(name);
        if (index == null) {
            SwitchNames.requireValid("switch name", name);
            throw new UnknownKillSwitchException(
                    "no kill switch named '" + name + "' is declared (declared: " + indexByName.keySet() + ")");
        }
        return index;
    }

    boolean sameContentAs(KillSwitchSnapshot other) {
        return Arrays.equals(statuses, other.statuses)
                && Arrays.equals(sourceDecisions, other.sourceDecisions)
                && Arrays.equals(overrideDecisions, other.overrideDecisions);
    }

    /**
     * Returns a short description: version and the killed switches.
     *
     * @return the description
     */
    @Override
    public String toString() {
        StringBuilder text =
                new StringBuilder("KillSwitchSnapshot[version=").append(version).append(", killed=[");
        boolean first = true;
        for (SwitchStatus status : statuses) {
            if (status.isKilled()) {
                text.append(first ? "" : ", ").append(status.name());
                first = false;
            }
        }
        return text.append("]]").toString();
    }
}
