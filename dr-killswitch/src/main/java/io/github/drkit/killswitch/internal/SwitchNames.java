package io.github.drkit.killswitch.internal;

import java.util.regex.Pattern;

/**
 * The rule for switch and profile names: lowercase letters and digits, starting with a letter, in
 * parts separated by single dots or dashes, at most 64 characters. Not API.
 */
public final class SwitchNames {

    /** The longest allowed name. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*");

    private SwitchNames() {}

    /**
     * Whether {@code name} follows the rule.
     *
     * @param name the name, may be {@code null}
     * @return {@code true} if valid
     */
    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }

    /**
     * Returns {@code name} if valid.
     *
     * @param what what the name names, for the message ("switch name", "profile name")
     * @param name the name
     * @return {@code name}
     * @throws IllegalArgumentException naming the bad value and the rule
     */
    public static String requireValid(String what, String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(describeInvalid(what, name));
        }
        return name;
    }

    /**
     * The message for an invalid name.
     *
     * @param what what the name names
     * @param name the bad name
     * @return the message
     */
    public static String describeInvalid(String what, String name) {
        return what + " must be lowercase letters and digits, start with a letter, use '.' or '-' as"
                + " separators and be at most " + MAX_LENGTH + " characters (was "
                + (name == null ? "null" : "'" + name + "'") + ")";
    }
}
