package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.SwitchNames;
import java.util.Objects;

/**
 * A switch as declared: its name, its default state and what it guards.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the switch name: lowercase letters and digits, starting with a letter, parts separated
 *     by {@code .} or {@code -}, at most 64 characters
 * @param defaultState the state when no source and no override says otherwise
 * @param description what the switch guards, for humans (may be empty)
 */
public record SwitchDeclaration(String name, SwitchState defaultState, String description) {

    /**
     * Validates the components.
     *
     * @param name see the record component
     * @param defaultState see the record component
     * @param description see the record component
     * @throws IllegalArgumentException if the name is invalid, quoting it
     * @throws NullPointerException if {@code defaultState} or {@code description} is {@code null}
     */
    public SwitchDeclaration {
        SwitchNames.requireValid("switch name", name);
        Objects.requireNonNull(defaultState, "defaultState of switch '" + name + "'");
        Objects.requireNonNull(description, "description of switch '" + name + "'");
    }
}
