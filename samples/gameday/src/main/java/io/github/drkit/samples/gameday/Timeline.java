package io.github.drkit.samples.gameday;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What happened during the drill, in order: actions, health answers, DNS answers and milestones.
 * Each event is also printed as a progress line. Thread-safe.
 */
public final class Timeline {

    /** The kind of an event. */
    public enum Kind {
        /** Something the drill did: fault, promotion, switch flips, restarts. */
        ACTION,
        /** A region's Route 53 health path changed its answer. */
        HEALTH,
        /** The simulated Route 53 record changed its mind. */
        DNS,
        /** A measured milestone: first failed write, first write after the fault. */
        WRITE,
        /** Setup and teardown. */
        INFO
    }

    /**
     * One event.
     *
     * @param atMs milliseconds since the drill started
     * @param kind what kind
     * @param what what happened
     */
    public record Event(long atMs, Kind kind, String what) {}

    private final DrillTime time;
    private final PrintStream progress;
    private final List<Event> events = new ArrayList<>();

    /**
     * Creates a timeline.
     *
     * @param time the drill's time
     * @param progress where progress lines go (e.g. {@code System.out})
     */
    public Timeline(DrillTime time, PrintStream progress) {
        this.time = time;
        this.progress = progress;
    }

    /**
     * Records an event now.
     *
     * @param kind the kind
     * @param what what happened
     * @return the event
     */
    public Event add(Kind kind, String what) {
        return addAt(time.nowMs(), kind, what);
    }

    /**
     * Records an event that happened at {@code atMs}.
     *
     * @param atMs when, in milliseconds since the start
     * @param kind the kind
     * @param what what happened
     * @return the event
     */
    public Event addAt(long atMs, Kind kind, String what) {
        Event e = new Event(atMs, kind, what);
        synchronized (events) {
            events.add(e);
        }
        print(atMs, String.format(Locale.ROOT, "%-6s %s", kind.name().toLowerCase(Locale.ROOT), what));
        return e;
    }

    /**
     * Prints a progress line without recording it.
     *
     * @param line the line
     */
    public void progress(String line) {
        print(time.nowMs(), line);
    }

    private void print(long atMs, String line) {
        synchronized (progress) {
            progress.printf(Locale.ROOT, "[%6.1fs] %s%n", atMs / 1000.0, line);
            progress.flush();
        }
    }

    /**
     * All events so far, ordered by time.
     *
     * @return a copy
     */
    public List<Event> events() {
        List<Event> copy;
        synchronized (events) {
            copy = new ArrayList<>(events);
        }
        copy.sort((a, b) -> Long.compare(a.atMs(), b.atMs()));
        return copy;
    }
}
