package io.github.drkit.killswitch;

/**
 * The layers a switch's effective state is decided from, lowest precedence first: a declared {@link
 * #DEFAULT}, then the {@link #SOURCE} layer (static maps, files, the fleet's JDBC table, later AWS
 * sources), then a local {@link #OVERRIDE} set by an operator through the runtime API. The highest
 * layer that holds an unexpired setting for a switch decides it.
 *
 * <p>Thread-safe (an enum).
 */
public enum SwitchLayer {
    /** The state declared with the switch, in code or configuration. */
    DEFAULT,
    /** A configured source: static map, file, fleet table; among sources, the one added last wins. */
    SOURCE,
    /** A local operator override made through {@link KillSwitchRegistry#override}. */
    OVERRIDE
}
