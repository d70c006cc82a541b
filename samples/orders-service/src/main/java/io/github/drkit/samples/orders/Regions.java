package io.github.drkit.samples.orders;

/**
 * The two regions of the sample, as in the Seoul → Tokyo project of source 003 (which ran them as a
 * pilot light; the sample runs them as a warm standby unless the game day says otherwise).
 */
public final class Regions {

    /** The primary region, Seoul. */
    public static final String SEOUL = "ap-northeast-2";

    /** The disaster-recovery region, Tokyo. */
    public static final String TOKYO = "ap-northeast-1";

    /** The endpoint name of the Seoul node. */
    public static final String SEOUL_NODE = "seoul-1";

    /** The endpoint name of the Tokyo node. */
    public static final String TOKYO_NODE = "tokyo-1";

    private Regions() {}
}
