package io.github.drkit.killswitch;

import io.github.drkit.killswitch.internal.ChangeText;
import io.github.drkit.killswitch.internal.SwitchNames;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names of the switches that drain a region's traffic. A drain switch that is written to a fleet
 * source is seen by every instance reading that source; when the source lives in a replicated
 * database (the switch table), that is every region. A drain must therefore name the region it
 * drains: {@code region-traffic.<region>}, such as {@code region-traffic.ap-northeast-2}. Killing it
 * drains that region only.
 *
 * <p>Thread-safe (stateless).
 */
public final class DrainSwitchNames {

    /** The prefix of every per-region drain switch. */
    public static final String PREFIX = "region-traffic";

    /** The longest region name, so that the switch name stays within the naming rule's 64 characters. */
    public static final int MAX_REGION_LENGTH = SwitchNames.MAX_LENGTH - PREFIX.length() - 1;

    private static final Pattern REGION = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]+)*");

    private DrainSwitchNames() {}

    /**
     * The drain switch of a region: {@code region-traffic.<region>}.
     *
     * @param region a region name such as {@code ap-northeast-2} or {@code seoul}: lowercase letters
     *     and digits, starting with a letter, parts separated by single dashes, at most {@value
     *     #MAX_REGION_LENGTH} characters
     * @return the switch name
     * @throws IllegalArgumentException if the region name breaks that rule, naming it
     * @throws NullPointerException if {@code region} is {@code null}
     */
    public static String forRegion(String region) {
        Objects.requireNonNull(region, "region");
        if (region.length() > MAX_REGION_LENGTH || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region for a drain switch must be lowercase letters and digits,"
                    + " start with a letter, use single '-' as separators and be at most " + MAX_REGION_LENGTH
                    + " characters, such as 'ap-northeast-2' (was '" + ChangeText.escape(region) + "')");
        }
        return PREFIX + "." + region;
    }
}
