package io.github.drkit.spring.endpoint;

import io.github.drkit.killswitch.WritableSwitchSource;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet-wide switch source that {@link KillSwitchesEndpoint} writes to for a change with {@code
 * "scope": "fleet"}: a {@link WritableSwitchSource} (the fleet's switch table, SSM Parameter Store),
 * or a source that is read-only by nature (AWS AppConfig, changed through a deployment), with the
 * sentence that tells an operator how it is changed instead. Immutable and thread-safe.
 */
public final class FleetSource {

    private final String name;
    private final WritableSwitchSource writer;
    private final String readOnlyReason;

    private FleetSource(String name, WritableSwitchSource writer, String readOnlyReason) {
        this.name = Objects.requireNonNull(name, "name");
        this.writer = writer;
        this.readOnlyReason = readOnlyReason;
    }

    /**
     * A fleet source that takes writes.
     *
     * @param name the name of the source as the registry reports it (its {@code sources} entry)
     * @param writer what writes go to; for a table read through readers, a twin of the registry's
     *     source that reaches the writer
     * @return the fleet source
     * @throws NullPointerException if an argument is {@code null}
     */
    public static FleetSource writable(String name, WritableSwitchSource writer) {
        return new FleetSource(name, Objects.requireNonNull(writer, "writer"), null);
    }

    /**
     * A fleet source that does not take writes from drkit.
     *
     * @param name the name of the source as the registry reports it
     * @param why how the source is changed instead, e.g. "AWS AppConfig is changed through a deployment"
     * @return the fleet source
     * @throws NullPointerException if an argument is {@code null}
     */
    public static FleetSource readOnly(String name, String why) {
        return new FleetSource(name, null, Objects.requireNonNull(why, "why"));
    }

    /**
     * The source's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Whether the source takes writes (it may still refuse one now, e.g. a table on a standby).
     *
     * @return {@code true} for a writable source
     */
    public boolean writable() {
        return writer != null;
    }

    /**
     * What writes go to.
     *
     * @return the writer, empty for a read-only source
     */
    public Optional<WritableSwitchSource> writer() {
        return Optional.ofNullable(writer);
    }

    /**
     * For a read-only source, how it is changed instead.
     *
     * @return the sentence, empty for a writable source
     */
    public Optional<String> readOnlyReason() {
        return Optional.ofNullable(readOnlyReason);
    }

    @Override
    public String toString() {
        return writable() ? name + " (writable)" : name + " (read-only: " + readOnlyReason + ")";
    }
}
