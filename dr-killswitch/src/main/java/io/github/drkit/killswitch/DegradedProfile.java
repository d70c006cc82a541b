package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.SwitchNames;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A named group of switches flipped together in one atomic snapshot swap, for example {@code
 * degraded} = recommendations, search and exports. A profile name can be used wherever a switch name
 * can be changed: {@link KillSwitchRegistry#override}, {@link KillSwitchRegistry#clearOverride} and
 * in source payloads.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the profile name (same rule as switch names; must not equal a switch name)
 * @param switches the member switch names, in declaration order, at least one
 */
public record DegradedProfile(String name, Set<String> switches) {

    /**
     * Validates the name and copies the members.
     *
     * @param name see the record component
     * @param switches see the record component
     * @throws IllegalArgumentException if the name or a member name is invalid, or there are no members
     * @throws NullPointerException if {@code switches} is {@code null}
     */
    public DegradedProfile {
        SwitchNames.requireValid("profile name", name);
        Objects.requireNonNull(switches, "switches");
        if (switches.isEmpty()) {
            throw new IllegalArgumentException("profile '" + name + "' must name at least one switch (was [])");
        }
        Set<String> copy = new LinkedHashSet<>();
        for (String member : switches) {
            SwitchNames.requireValid("switch name in profile '" + name + "'", member);
            copy.add(member);
        }
        switches = Collections.unmodifiableSet(copy);
    }
}
