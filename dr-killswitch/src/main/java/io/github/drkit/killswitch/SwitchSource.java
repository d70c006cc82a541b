package io.github.drkit.killswitch;

import java.time.Duration;
import java.util.Optional;

/**
 * A place switch settings come from, between the declared defaults and local operator overrides:
 * a static map ({@link StaticSwitchSource}), a watched file ({@link FileSwitchSource}), the fleet's
 * database table ({@link JdbcSwitchSource}), AWS SSM Parameter Store or AppConfig (in {@code dr-aws}).
 * A source that can also take fleet-wide writes implements {@link WritableSwitchSource}.
 *
 * <p>The registry reads a source once at start, then every {@link #pollInterval()}, each read on the
 * source's own poller thread (reads of one source never overlap), and additionally whenever the
 * source signals a change through the callback given to {@link #watch(Runnable)}. A read returns the
 * complete current reading or throws: any exception counts as a failed read, the last known good
 * reading stays in force, and after the configured number of consecutive failures the source is
 * reported stale. A payload that cannot be understood must be rejected whole by throwing {@link
 * MalformedSwitchPayloadException}. A source whose backend can answer "unchanged" (AppConfig) keeps
 * its last reading and returns it again.
 *
 * <p>A registry owns the sources given to it and closes them when it is closed. Implementations need
 * not be thread-safe for concurrent {@link #read()} calls, but {@link #close()} may be called from
 * another thread while a read is in progress.
 */
public interface SwitchSource extends AutoCloseable {

    /**
     * A short, stable, unique name used in status, audit events, logs, metrics tags and the local
     * snapshot file, such as {@code "jdbc:drkit_kill_switch"} or {@code "file:switches.json"}.
     *
     * @return the name, never {@code null} or blank
     */
    String name();

    /**
     * How often to read this source; empty to read it only at start and when {@link #watch(Runnable)}
     * signals a change.
     *
     * @return the poll interval, positive when present
     */
    Optional<Duration> pollInterval();

    /**
     * The longest time this source may go between two successful reads while its backend answers at
     * all, not counting the registry's poll jitter: its poll interval, plus the longest window in
     * which it refuses to read (a source that backs off after throttling). A staleness bound shorter
     * than this is crossed by normal operation. The default is {@link #pollInterval()}.
     *
     * @return the gap, or empty for a source without a poll interval
     */
    default Optional<Duration> maxReadGap() {
        return pollInterval();
    }

    /**
     * Reads the complete current state of this source. May block for I/O, bounded by the source's own
     * timeouts.
     *
     * @return the reading, never {@code null}
     * @throws MalformedSwitchPayloadException if the payload cannot be understood (rejected whole)
     * @throws Exception if the source cannot be reached or read
     */
    SourceReading read() throws Exception;

    /**
     * Starts watching the source for changes, if it can, calling {@code changed} (from any thread,
     * quickly) whenever it may have changed; the registry then reads it soon. Called at most once,
     * after the first read. The default does nothing: the source is only polled.
     *
     * @param changed the callback to run on a possible change
     */
    default void watch(Runnable changed) {}

    /**
     * Releases the source's resources and stops any thread it started. Must not throw; the default does
     * nothing.
     */
    @Override
    default void close() {}
}
