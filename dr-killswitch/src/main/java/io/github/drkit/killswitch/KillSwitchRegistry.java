package io.github.drkit.killswitch;

import io.github.drkit.core.WriteGate;
import io.github.drkit.killswitch.internal.ChangeHistory;
import io.github.drkit.killswitch.internal.ChangeText;
import io.github.drkit.killswitch.internal.DaemonThreadFactory;
import io.github.drkit.killswitch.internal.LocalSnapshotFile;
import io.github.drkit.killswitch.internal.SourcePoller;
import io.github.drkit.killswitch.internal.SwitchNames;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named kill switches of one application, their sources, overrides, expiry and audit.
 *
 * <p>Switches are declared up front with a default state; looking up or changing an undeclared name
 * fails with {@link UnknownKillSwitchException}. The effective state of each switch is decided by
 * layers (see {@link SwitchLayer}): declared default &lt; sources (in the order added; the last one
 * added wins) &lt; local operator overrides. Each setting may carry an expiry after which it stops
 * counting and the switch falls back to the layer below — checked every {@link
 * Builder#expiryCheckInterval(Duration) expiry check interval} on the {@code drkit-killswitch-expiry}
 * thread. Every change computes a new immutable {@link KillSwitchSnapshot} and publishes it with one
 * volatile write; a {@link KillSwitch} check is one volatile read of it.
 *
 * <p>The built-in switch {@value #WRITES} (default enabled) drives read-only mode: {@link
 * #writeGate()} gives the {@link WriteGate} that {@code dr-jdbc}'s routing data source consults.
 * Names starting with {@code drkit.} are reserved for built-in switches.
 *
 * <p>Every change from any layer is recorded: it goes into the list of {@link #recentChanges() recent
 * changes} at once, and to the {@link AuditSink} (logging by default) and the listeners added with
 * {@link #addListener(Consumer)} right after the registry has released its update lock, one event at a
 * time and in the order the changes were made. A slow sink therefore never delays switch checks,
 * statuses or other changes (only the delivery of later events), and a sink or listener may read or
 * change switches itself without deadlocking.
 *
 * <p>Operator input is checked before anything changes: actor and reason are required, at most
 * {@value #MAX_ACTOR_LENGTH} and {@value #MAX_REASON_LENGTH} characters, and free of control
 * characters, line separators and bidirectional controls (which could forge or hide audit lines); a
 * time to live is positive and at most {@link Builder#maxTtl(Duration) maxTtl} ({@link
 * #DEFAULT_MAX_TTL} by default). Bad input throws {@link IllegalArgumentException} naming the value
 * and the rule, and changes nothing.
 *
 * <p>Sources with a poll interval are read at that interval give or take {@value #POLL_JITTER_PERCENT}
 * % (random, independently per read), so that a fleet started at once does not poll its shared
 * backend in lockstep; {@link #maxReadGap(String)} gives the resulting worst case.
 *
 * <pre>{@code
 * KillSwitchRegistry registry = KillSwitchRegistry.builder()
 *         .declare("recommendations")
 *         .declare("search")
 *         .declare("exports")
 *         .profile("degraded", "recommendations", "search", "exports")
 *         .source(JdbcSwitchSource.builder(dataSource).build())
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe. Reads are lock-free; changes are serialized by an internal lock. The registry owns
 * the threads it starts (one poller per source, one expiry timer) and the sources given to it: {@link
 * #close()} stops and closes them all.
 */
public final class KillSwitchRegistry implements AutoCloseable {

    /** The name of the built-in write switch: killed means read-only mode. */
    public static final String WRITES = "drkit.writes";

    /** The source name of the default layer in statuses and events. */
    public static final String DEFAULT_SOURCE = "default";

    /** The source name of the override layer in statuses and events. */
    public static final String OPERATOR_SOURCE = "operator";

    /** The source name of audit events that record an expired setting. */
    public static final String EXPIRY_SOURCE = "expiry";

    /** The longest reason of an operator change, in characters after trimming. */
    public static final int MAX_REASON_LENGTH = ChangeText.MAX_REASON_LENGTH;

    /** The longest actor of an operator change, in characters after trimming. */
    public static final int MAX_ACTOR_LENGTH = ChangeText.MAX_ACTOR_LENGTH;

    /**
     * The default longest time to live of an operator override: 7 days. Long enough that a setting
     * made at the start of a long incident (or on a Friday night) does not revert by itself in the
     * middle of it; short enough that an expiry still means "temporary". A setting meant to last
     * longer should be made without a ttl, where it shows as never expiring, not hidden behind a
     * far-away date.
     */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(7);

    /** The largest value {@link Builder#maxTtl(Duration)} accepts: 366 days. */
    public static final Duration MAX_TTL_CEILING = Duration.ofDays(366);

    /** The random spread of poll intervals, in percent either way. */
    public static final int POLL_JITTER_PERCENT = 10;

    private static final Logger LOG = LoggerFactory.getLogger(KillSwitchRegistry.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** The current snapshot; the only field the hot path reads. */
    volatile KillSwitchSnapshot current;

    private final Object lock = new Object();
    private final Object snapshotFileLock = new Object();
    private final Clock clock;
    private final List<SwitchDeclaration> declarations;
    private final Map<String, Integer> indexByName;
    private final KillSwitch[] handles;
    private final Map<String, DegradedProfile> profiles;
    private final Decision[] defaults;
    private final List<SourceSlot> slots;
    private final Map<String, SourceSlot> slotsByName;
    private final AuditSink auditSink;
    private final ChangeHistory<SwitchAuditEvent> history;
    private final List<Consumer<SwitchAuditEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong changeCount = new AtomicLong();
    private final int staleAfterFailures;
    private final Duration startupTimeout;
    private final LocalSnapshotFile localSnapshot;
    private final ScheduledThreadPoolExecutor expiryTimer;
    private final KillSwitchWriteGate writeGate;
    private final Duration maxTtl;
    private final RandomGenerator jitterRandom;

    /** Events published but not yet given to the sink and listeners; added to under {@link #lock}. */
    private final ConcurrentLinkedQueue<SwitchAuditEvent> undelivered = new ConcurrentLinkedQueue<>();

    /** Held by the one thread delivering events; never held together with {@link #lock}. */
    private final ReentrantLock deliveryLock = new ReentrantLock();

    /** Guarded by {@link #lock}. */
    private final Map<String, SwitchSetting> overrides = new HashMap<>();

    /** Guarded by {@link #lock}. */
    private boolean closed;

    private KillSwitchRegistry(Builder builder) {
        this.clock = builder.clock;
        this.auditSink = builder.auditSink;
        this.history = new ChangeHistory<>(builder.historySize);
        this.staleAfterFailures = builder.staleAfterFailures;
        this.maxTtl = builder.maxTtl;
        this.jitterRandom = builder.jitterRandom;
        this.startupTimeout = builder.startupTimeout;
        this.localSnapshot = builder.localSnapshot == null ? null : new LocalSnapshotFile(builder.localSnapshot);

        List<SwitchDeclaration> declared = new ArrayList<>();
        declared.add(new SwitchDeclaration(WRITES, SwitchState.ENABLED, "Writes to the databases (killed: read-only)"));
        declared.addAll(builder.declarations.values());
        this.declarations = List.copyOf(declared);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            index.put(declared.get(i).name(), i);
        }
        this.indexByName = Collections.unmodifiableMap(index);
        this.profiles = Collections.unmodifiableMap(new LinkedHashMap<>(builder.profiles));

        Instant now = clock.instant();
        this.handles = new KillSwitch[declared.size()];
        this.defaults = new Decision[declared.size()];
        for (int i = 0; i < declared.size(); i++) {
            SwitchDeclaration d = declared.get(i);
            handles[i] = new KillSwitch(this, i, d.name());
            defaults[i] = new Decision(
                    SwitchLayer.DEFAULT,
                    DEFAULT_SOURCE,
                    new SwitchSetting(d.defaultState(), "declared default", "", now, Optional.empty()));
        }
        this.writeGate = new KillSwitchWriteGate(handles[0]);

        List<SourceSlot> sourceSlots = new ArrayList<>();
        Map<String, SourceSlot> byName = new LinkedHashMap<>();
        for (SwitchSource source : builder.sources) {
            SourceSlot slot = new SourceSlot(source);
            sourceSlots.add(slot);
            byName.put(source.name(), slot);
        }
        this.slots = List.copyOf(sourceSlots);
        this.slotsByName = Collections.unmodifiableMap(byName);

        synchronized (lock) {
            this.current = compute(now, 0);
        }
        this.expiryTimer = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("drkit-killswitch-expiry"));
        this.expiryTimer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with the defaults described on its methods
     */
    public static Builder builder() {
        return new Builder();
    }

    private void start(Duration expiryCheckInterval) {
        try {
            startSources();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        long every = expiryCheckInterval.toNanos();
        expiryTimer.scheduleWithFixedDelay(this::expireDue, every, every, TimeUnit.NANOSECONDS);
    }

    private void startSources() {
        if (slots.isEmpty()) {
            return;
        }
        Map<SourceSlot, Future<?>> firstReads = new LinkedHashMap<>();
        for (SourceSlot slot : slots) {
            // one generator per poller thread (they are not thread-safe), seeded from the configured one
            RandomGenerator random = new SplittableRandom(jitterRandom.nextLong());
            slot.poller = new SourcePoller(slot.source, slot, POLL_JITTER_PERCENT / 100.0, random);
            firstReads.put(slot, slot.poller.start(slot.source.pollInterval()));
        }
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        for (Map.Entry<SourceSlot, Future<?>> first : firstReads.entrySet()) {
            awaitRead(first.getKey(), first.getValue(), deadline);
        }
        Map<String, Map<String, SwitchSetting>> saved = null;
        for (SourceSlot slot : slots) {
            boolean down;
            synchronized (lock) {
                down = !slot.everSucceeded;
            }
            if (!down) {
                continue;
            }
            if (localSnapshot != null && saved == null) {
                saved = loadLocalSnapshot();
            }
            Map<String, SwitchSetting> fromFile = saved == null ? Map.of() : saved.getOrDefault(slot.name, Map.of());
            boolean applied = false;
            if (!fromFile.isEmpty() || (saved != null && saved.containsKey(slot.name))) {
                applied = applyLocalSnapshot(slot, fromFile);
            }
            if (applied) {
                LOG.error(
                        "KILL SWITCH SOURCE '{}' IS DOWN AT STARTUP ({}): its switches start from the local"
                                + " snapshot {} ({} setting(s)), which may be out of date; the source is reported"
                                + " stale until a read succeeds",
                        slot.name,
                        slot.describeLastError(),
                        localSnapshot.path(),
                        fromFile.size());
            } else {
                LOG.error(
                        "KILL SWITCH SOURCE '{}' IS DOWN AT STARTUP ({}): its switches start from their DECLARED"
                                + " DEFAULTS{}; the source is reported stale until a read succeeds",
                        slot.name,
                        slot.describeLastError(),
                        localSnapshot == null
                                ? " (no local snapshot file is configured)"
                                : " (the local snapshot " + localSnapshot.path() + " has nothing for it)");
            }
        }
        for (SourceSlot slot : slots) {
            SourcePoller poller = slot.poller;
            slot.source.watch(poller::readSoon);
        }
    }

    private void awaitRead(SourceSlot slot, Future<?> read, long deadline) {
        try {
            read.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            synchronized (lock) {
                if (!slot.everSucceeded && slot.lastError == null) {
                    slot.lastError = "no answer within the startup timeout of " + startupTimeout;
                }
            }
        } catch (ExecutionException e) {
            LOG.error("kill switch source '{}': first read crashed", slot.name, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Map<String, SwitchSetting>> loadLocalSnapshot() {
        try {
            return localSnapshot.load();
        } catch (IOException | RuntimeException e) {
            LOG.error("kill switch local snapshot {} cannot be used: {}", localSnapshot.path(), e.toString());
            return Map.of();
        }
    }

    private boolean applyLocalSnapshot(SourceSlot slot, Map<String, SwitchSetting> saved) {
        try {
            return applyLocalSnapshotLocked(slot, saved);
        } finally {
            deliverEvents();
        }
    }

    private boolean applyLocalSnapshotLocked(SourceSlot slot, Map<String, SwitchSetting> saved) {
        synchronized (lock) {
            if (slot.everSucceeded || closed) {
                return false;
            }
            Map<String, SwitchSetting> settings = new LinkedHashMap<>();
            saved.forEach((name, setting) -> {
                if (indexByName.containsKey(name)) {
                    settings.put(name, setting);
                }
            });
            slot.settings = Collections.unmodifiableMap(settings);
            slot.fromSnapshot = true;
            publish(clock.instant(), new Removal(slot.name, "", "replaced by the local snapshot"));
            return true;
        }
    }

    // ------------------------------------------------------------------ hot-path-adjacent reads

    /**
     * The handle of a declared switch. Obtain it once and keep it; the same handle is returned for the
     * same name.
     *
     * @param name the switch name
     * @return the handle
     * @throws IllegalArgumentException if the name does not follow the naming rule
     * @throws UnknownKillSwitchException if no such switch is declared
     */
    public KillSwitch killSwitch(String name) {
        return handles[current.indexOf(name)];
    }

    /**
     * The current snapshot of all switches: one volatile read. Read several switches from one
     * snapshot to see them at the same instant.
     *
     * @return the current snapshot
     */
    public KillSwitchSnapshot snapshot() {
        return current;
    }

    /**
     * The current status of one switch.
     *
     * @param name the switch name
     * @return its status
     * @throws IllegalArgumentException if the name is invalid
     * @throws UnknownKillSwitchException if no such switch is declared
     */
    public SwitchStatus status(String name) {
        return current.status(name);
    }

    /**
     * The current status of every switch, in declaration order ({@value #WRITES} first).
     *
     * @return an immutable list
     */
    public List<SwitchStatus> statuses() {
        return current.statuses();
    }

    /**
     * The declared switches ({@value #WRITES} first).
     *
     * @return an immutable list
     */
    public List<SwitchDeclaration> declarations() {
        return declarations;
    }

    /**
     * The declared degraded-mode profiles.
     *
     * @return an immutable list in declaration order
     */
    public List<DegradedProfile> profiles() {
        return List.copyOf(profiles.values());
    }

    /**
     * The write gate driven by {@value #WRITES}: writes are allowed while that switch is enabled. Give
     * it to {@code dr-jdbc}'s routing data source.
     *
     * @return the gate (the same instance every time)
     */
    public KillSwitchWriteGate writeGate() {
        return writeGate;
    }

    /**
     * How each source is doing: staleness, failures, last success.
     *
     * @return one status per source, in the order the sources were added
     */
    public List<SourceStatus> sourceStatuses() {
        synchronized (lock) {
            List<SourceStatus> statuses = new ArrayList<>(slots.size());
            for (SourceSlot slot : slots) {
                statuses.add(slot.status());
            }
            return List.copyOf(statuses);
        }
    }

    /**
     * The status of one source.
     *
     * @param sourceName the source's name
     * @return its status
     * @throws IllegalArgumentException if no source has that name
     */
    public SourceStatus sourceStatus(String sourceName) {
        SourceSlot slot = slotsByName.get(sourceName);
        if (slot == null) {
            throw new IllegalArgumentException(
                    "no kill switch source named '" + sourceName + "' (sources: " + slotsByName.keySet() + ")");
        }
        synchronized (lock) {
            return slot.status();
        }
    }

    /**
     * The most recent changes, oldest first, at most {@link Builder#historySize(int)} of them.
     *
     * @return an immutable list
     */
    public List<SwitchAuditEvent> recentChanges() {
        return history.toList();
    }

    /**
     * How many change events this registry has recorded since it was built.
     *
     * @return the count
     */
    public long changeCount() {
        return changeCount.get();
    }

    // ------------------------------------------------------------------ operator API

    /**
     * Sets a local operator override, without expiry, on a switch or on every switch of a profile (one
     * atomic snapshot swap). The override wins over defaults and sources until cleared.
     *
     * @param name a switch or profile name
     * @param state the state to force
     * @param actor who is making the change (required, at most 128 characters, no control characters)
     * @param reason why (required, at most 1024 characters, no control characters)
     * @return the snapshot that includes the change
     * @throws IllegalArgumentException if a name is invalid or the actor or reason is missing, too long
     *     or holds a control character
     * @throws UnknownKillSwitchException if no such switch or profile is declared
     * @throws NullPointerException if {@code state} is {@code null}
     * @throws IllegalStateException if the registry is closed
     */
    public KillSwitchSnapshot override(String name, SwitchState state, String actor, String reason) {
        return override(name, state, actor, reason, Optional.empty());
    }

    /**
     * Sets a local operator override that expires after {@code ttl}, on a switch or on every switch of
     * a profile (one atomic snapshot swap). When it expires the switch falls back to the layer below
     * by itself, and the expiry is audited.
     *
     * @param name a switch or profile name
     * @param state the state to force
     * @param actor who is making the change (required, at most 128 characters, no control characters)
     * @param reason why (required, at most 1024 characters, no control characters)
     * @param ttl how long the override lasts, &gt; 0 and at most {@link Builder#maxTtl(Duration)
     *     maxTtl}
     * @return the snapshot that includes the change
     * @throws IllegalArgumentException if a name is invalid, the actor or reason is missing, too long
     *     or holds a control character, or {@code ttl} is not positive or longer than {@code maxTtl}
     *     (the message names the value and the bound)
     * @throws UnknownKillSwitchException if no such switch or profile is declared
     * @throws NullPointerException if {@code state} or {@code ttl} is {@code null}
     * @throws IllegalStateException if the registry is closed
     */
    public KillSwitchSnapshot override(String name, SwitchState state, String actor, String reason, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        return override(name, state, actor, reason, Optional.of(ttl));
    }

    private KillSwitchSnapshot override(
            String name, SwitchState state, String actor, String reason, Optional<Duration> ttl) {
        Objects.requireNonNull(state, "state");
        Set<String> members = resolve(name);
        String change = "an operator change to '" + name + "'";
        String who = ChangeText.require("actor", actor, MAX_ACTOR_LENGTH, change);
        String why = ChangeText.require("reason", reason, MAX_REASON_LENGTH, change);
        ttl.ifPresent(t -> ChangeText.requireTtl(t, maxTtl, change));
        try {
            synchronized (lock) {
                requireOpen();
                Instant now = clock.instant();
                Optional<Instant> expiresAt = ttl.map(t -> ChangeText.expiry(now, t, change));
                SwitchSetting setting = new SwitchSetting(state, why, who, now, expiresAt);
                for (String member : members) {
                    overrides.put(member, setting);
                }
                publish(now, new Removal(OPERATOR_SOURCE, who, why));
                return current;
            }
        } finally {
            deliverEvents();
        }
    }

    /**
     * The longest time to live this registry accepts for an override.
     *
     * @return the bound set by {@link Builder#maxTtl(Duration)}
     */
    public Duration maxTtl() {
        return maxTtl;
    }

    /**
     * Removes the local operator override of a switch, or of every switch of a profile (one atomic
     * snapshot swap); the switches fall back to their sources or defaults. Nothing happens (and nothing
     * is audited) for switches without an override.
     *
     * @param name a switch or profile name
     * @param actor who is making the change (required, at most 128 characters, no control characters)
     * @param reason why (required, at most 1024 characters, no control characters)
     * @return the snapshot that includes the change
     * @throws IllegalArgumentException if a name is invalid or the actor or reason is missing, too long
     *     or holds a control character
     * @throws UnknownKillSwitchException if no such switch or profile is declared
     * @throws IllegalStateException if the registry is closed
     */
    public KillSwitchSnapshot clearOverride(String name, String actor, String reason) {
        Set<String> members = resolve(name);
        String change = "clearing the operator override of '" + name + "'";
        String who = ChangeText.require("actor", actor, MAX_ACTOR_LENGTH, change);
        String why = ChangeText.require("reason", reason, MAX_REASON_LENGTH, change);
        try {
            synchronized (lock) {
                requireOpen();
                boolean removed = false;
                for (String member : members) {
                    removed |= overrides.remove(member) != null;
                }
                if (removed) {
                    publish(clock.instant(), new Removal(OPERATOR_SOURCE, who, "override cleared: " + why));
                }
                return current;
            }
        } finally {
            deliverEvents();
        }
    }

    /**
     * The longest time that may pass between two successful reads of a source while it answers at
     * all: the source's own {@link SwitchSource#maxReadGap()} (its poll interval, plus its longest
     * back-off for a source that backs off) plus this registry's poll jitter ({@value
     * #POLL_JITTER_PERCENT} % of the poll interval). A staleness bound shorter than this will be
     * crossed by normal operation (a throttled SSM source, for instance); a start-up check should
     * refuse such a configuration.
     *
     * @param sourceName the source's name
     * @return the worst-case gap, or empty for a source without a poll interval (read only when it
     *     signals a change)
     * @throws IllegalArgumentException if no source has that name
     */
    public Optional<Duration> maxReadGap(String sourceName) {
        SourceSlot slot = slotsByName.get(sourceName);
        if (slot == null) {
            throw new IllegalArgumentException(
                    "no kill switch source named '" + sourceName + "' (sources: " + slotsByName.keySet() + ")");
        }
        Optional<Duration> interval = slot.source.pollInterval();
        Optional<Duration> gap = slot.source.maxReadGap();
        if (interval.isEmpty() || gap.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                gap.get().plus(interval.get().multipliedBy(POLL_JITTER_PERCENT).dividedBy(100)));
    }

    /**
     * Reads every source now, each on its poller thread, and waits until the readings are applied (at
     * most the startup timeout per source). A failing source is handled exactly as in a scheduled poll.
     *
     * @throws IllegalStateException if the registry is closed
     */
    public void refreshSources() {
        synchronized (lock) {
            requireOpen();
        }
        List<Future<?>> reads = new ArrayList<>();
        for (SourceSlot slot : slots) {
            reads.add(slot.poller.readNow());
        }
        for (int i = 0; i < reads.size(); i++) {
            awaitRead(slots.get(i), reads.get(i), System.nanoTime() + startupTimeout.toNanos());
        }
    }

    /**
     * Adds a listener that receives every change event after the snapshot that contains it was
     * published, in order, one at a time, after the registry released its update lock: on the thread
     * that made the change, or on a thread still delivering earlier events. It may read and change
     * switches (an event caused from inside it is delivered after it returns). A slow listener delays
     * only the delivery of later events. Exceptions are logged and ignored.
     *
     * @param listener the listener
     * @return a subscription whose {@code close()} removes the listener
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public Subscription addListener(Consumer<SwitchAuditEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        Consumer<SwitchAuditEvent> wrapped = listener::accept; // a distinct identity per subscription
        listeners.add(wrapped);
        return () -> listeners.remove(wrapped);
    }

    /** A registration that can be undone. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        /** Undoes the registration; idempotent, never throws. */
        @Override
        void close();
    }

    /**
     * Stops the poller and expiry threads, waits for them to end (up to 5 s each) and closes the
     * sources. Switch checks keep answering with the last snapshot; changes fail with {@link
     * IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        expiryTimer.shutdownNow();
        for (SourceSlot slot : slots) {
            if (slot.poller != null && !slot.poller.close(CLOSE_WAIT)) {
                LOG.warn("kill switch source '{}': poller thread did not stop within {}", slot.name, CLOSE_WAIT);
            }
            try {
                slot.source.close();
            } catch (RuntimeException e) {
                LOG.warn("kill switch source '{}' failed to close", slot.name, e);
            }
        }
        try {
            if (!expiryTimer.awaitTermination(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("kill switch expiry timer did not stop within {}", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ internals

    private Set<String> resolve(String name) {
        if (indexByName.containsKey(name)) {
            return Set.of(name);
        }
        DegradedProfile profile = profiles.get(name);
        if (profile != null) {
            return profile.switches();
        }
        SwitchNames.requireValid("switch or profile name", name);
        throw new UnknownKillSwitchException("no kill switch or profile named '" + name + "' is declared (switches: "
                + indexByName.keySet() + ", profiles: " + profiles.keySet() + ")");
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the kill switch registry is closed");
        }
    }

    /** Applies due expiries now; the expiry thread calls it every check interval (tests call it directly). */
    void expireDue() {
        try {
            Instant next = current.nextExpiry;
            if (next == null) {
                return;
            }
            synchronized (lock) {
                Instant now = clock.instant();
                if (!closed && !now.isBefore(next)) {
                    publish(now, new Removal(EXPIRY_SOURCE, "", "expired"));
                }
            }
            deliverEvents();
        } catch (RuntimeException | Error e) {
            LOG.error("kill switch expiry check failed", e);
        }
    }

    /**
     * Gives the events published so far to the audit sink and listeners, unless another thread is
     * already doing so (it will deliver these too) or this thread is (a sink or listener that changed
     * a switch: the outer loop delivers its events after the current one). Must not hold {@link #lock}.
     */
    private void deliverEvents() {
        while (!undelivered.isEmpty()) {
            if (!deliveryLock.tryLock()) {
                return;
            }
            try {
                if (deliveryLock.getHoldCount() > 1) {
                    return;
                }
                SwitchAuditEvent event;
                while ((event = undelivered.poll()) != null) {
                    deliver(event);
                }
            } finally {
                deliveryLock.unlock();
            }
            // loop: an event queued after the last poll by a thread whose tryLock failed is ours to deliver
        }
    }

    private void deliver(SwitchAuditEvent event) {
        try {
            auditSink.record(event);
        } catch (RuntimeException e) {
            LOG.warn("kill switch audit sink failed for {}", event, e);
        }
        for (Consumer<SwitchAuditEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("kill switch listener failed for {}", event, e);
            }
        }
    }

    /** What to record when a setting disappears from a layer for another reason than expiry. */
    private record Removal(String source, String actor, String reason) {}

    /**
     * Recomputes, publishes, records and queues the events for {@link #deliverEvents()}, which the
     * caller runs after releasing the lock. Must hold {@link #lock}.
     */
    private void publish(Instant now, Removal removal) {
        overrides.values().removeIf(setting -> !setting.isActiveAt(now));
        KillSwitchSnapshot old = current;
        KillSwitchSnapshot next = compute(now, old.version + 1);
        if (next.sameContentAs(old)) {
            return;
        }
        List<SwitchAuditEvent> events = new ArrayList<>();
        for (int i = 0; i < next.statuses.length; i++) {
            String name = next.statuses[i].name();
            SwitchState before = old.statuses[i].state();
            SwitchState after = next.statuses[i].state();
            diff(
                    events,
                    name,
                    before,
                    after,
                    SwitchLayer.SOURCE,
                    old.sourceDecisions[i],
                    next.sourceDecisions[i],
                    now,
                    removal);
            diff(
                    events,
                    name,
                    before,
                    after,
                    SwitchLayer.OVERRIDE,
                    old.overrideDecisions[i],
                    next.overrideDecisions[i],
                    now,
                    removal);
        }
        current = next;
        for (SwitchAuditEvent event : events) {
            history.add(event);
            changeCount.incrementAndGet();
            undelivered.add(event);
        }
    }

    private static void diff(
            List<SwitchAuditEvent> events,
            String name,
            SwitchState before,
            SwitchState after,
            SwitchLayer layer,
            Decision old,
            Decision next,
            Instant now,
            Removal removal) {
        if (old == null && next == null || next != null && next.sameDecisionAs(old)) {
            return;
        }
        if (next != null) {
            SwitchSetting s = next.setting();
            events.add(new SwitchAuditEvent(
                    name, before, after, layer, next.source(), s.actor(), s.reason(), now, s.expiresAt()));
        } else if (!old.setting().isActiveAt(now)) {
            SwitchSetting s = old.setting();
            events.add(new SwitchAuditEvent(
                    name,
                    before,
                    after,
                    layer,
                    EXPIRY_SOURCE,
                    "",
                    "expired at " + s.expiresAt().orElseThrow() + ": "
                            + s.state().externalName() + " from " + old.source()
                            + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")"),
                    now,
                    Optional.empty()));
        } else if (layer == SwitchLayer.SOURCE && !removal.source().equals(OPERATOR_SOURCE)) {
            events.add(new SwitchAuditEvent(
                    name,
                    before,
                    after,
                    layer,
                    old.source(),
                    removal.actor(),
                    "no longer set by source '" + old.source() + "'",
                    now,
                    Optional.empty()));
        } else {
            events.add(new SwitchAuditEvent(
                    name,
                    before,
                    after,
                    layer,
                    removal.source(),
                    removal.actor(),
                    removal.reason(),
                    now,
                    Optional.empty()));
        }
    }

    /** Builds the snapshot for {@code now}. Must hold {@link #lock}. */
    private KillSwitchSnapshot compute(Instant now, long version) {
        int n = defaults.length;
        SwitchStatus[] statuses = new SwitchStatus[n];
        Decision[] sourceDecisions = new Decision[n];
        Decision[] overrideDecisions = new Decision[n];
        Instant nextExpiry = null;
        for (int i = 0; i < n; i++) {
            String name = declarations.get(i).name();
            Decision fromSource = null;
            for (SourceSlot slot : slots) {
                SwitchSetting setting = slot.settings.get(name);
                if (setting != null && setting.isActiveAt(now)) {
                    fromSource = new Decision(SwitchLayer.SOURCE, slot.name, setting);
                    nextExpiry = earliest(nextExpiry, setting);
                }
            }
            SwitchSetting overridden = overrides.get(name);
            Decision fromOverride = null;
            if (overridden != null && overridden.isActiveAt(now)) {
                fromOverride = new Decision(SwitchLayer.OVERRIDE, OPERATOR_SOURCE, overridden);
                nextExpiry = earliest(nextExpiry, overridden);
            }
            sourceDecisions[i] = fromSource;
            overrideDecisions[i] = fromOverride;
            Decision effective = fromOverride != null ? fromOverride : fromSource != null ? fromSource : defaults[i];
            statuses[i] = effective.toStatus(name);
        }
        return new KillSwitchSnapshot(
                this, version, now, statuses, sourceDecisions, overrideDecisions, indexByName, nextExpiry);
    }

    private static Instant earliest(Instant soFar, SwitchSetting setting) {
        if (setting.expiresAt().isEmpty()) {
            return soFar;
        }
        Instant at = setting.expiresAt().get();
        return soFar == null || at.isBefore(soFar) ? at : soFar;
    }

    /** Expands profiles, drops undeclared names (warning once per name). Must hold {@link #lock}. */
    private Map<String, SwitchSetting> expand(SourceSlot slot, SourceReading reading) {
        Map<String, SwitchSetting> fromProfiles = new HashMap<>();
        Map<String, SwitchSetting> explicit = new HashMap<>();
        for (Map.Entry<String, SwitchSetting> entry : reading.settings().entrySet()) {
            String name = entry.getKey();
            DegradedProfile profile = profiles.get(name);
            if (profile != null) {
                for (String member : profile.switches()) {
                    fromProfiles.merge(member, entry.getValue(), (a, b) -> a.state() == SwitchState.KILLED ? a : b);
                }
            } else if (indexByName.containsKey(name)) {
                explicit.put(name, entry.getValue());
            } else if (slot.warnedUnknown.add(name)) {
                LOG.warn(
                        "kill switch source '{}' sets '{}', which this application does not declare: ignored",
                        slot.name,
                        name);
            }
        }
        Map<String, SwitchSetting> expanded = new LinkedHashMap<>();
        for (SwitchDeclaration declaration : declarations) {
            SwitchSetting setting = explicit.getOrDefault(declaration.name(), fromProfiles.get(declaration.name()));
            if (setting != null) {
                expanded.put(declaration.name(), setting);
            }
        }
        return Collections.unmodifiableMap(expanded);
    }

    private void writeLocalSnapshot() {
        synchronized (snapshotFileLock) {
            Map<String, Map<String, SwitchSetting>> bySource = new LinkedHashMap<>();
            Instant now;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                now = clock.instant();
                for (SourceSlot slot : slots) {
                    if (slot.everSucceeded || slot.fromSnapshot) {
                        bySource.put(slot.name, slot.settings);
                    }
                }
            }
            try {
                localSnapshot.write(bySource, now);
            } catch (IOException | RuntimeException e) {
                LOG.warn("kill switch local snapshot {} could not be written: {}", localSnapshot.path(), e.toString());
            }
        }
    }

    /** One source and what the registry knows about it. Mutable fields guarded by {@link #lock}. */
    private final class SourceSlot implements SourcePoller.Target {
        final SwitchSource source;
        final String name;
        final Set<String> warnedUnknown = new HashSet<>();
        volatile SourcePoller poller;
        Map<String, SwitchSetting> settings = Map.of();
        boolean everSucceeded;
        boolean fromSnapshot;
        int consecutiveFailures;
        Instant lastSuccess;
        Instant lastFailure;
        String lastError;

        SourceSlot(SwitchSource source) {
            this.source = source;
            this.name = source.name();
        }

        boolean stale() {
            return !everSucceeded || consecutiveFailures >= staleAfterFailures;
        }

        SourceStatus status() {
            return new SourceStatus(
                    name,
                    stale(),
                    consecutiveFailures,
                    Optional.ofNullable(lastSuccess),
                    Optional.ofNullable(lastFailure),
                    Optional.ofNullable(lastError),
                    fromSnapshot);
        }

        String describeLastError() {
            synchronized (lock) {
                return lastError == null ? "no successful read yet" : lastError;
            }
        }

        @Override
        public void readSucceeded(SourceReading reading) {
            try {
                apply(reading);
            } finally {
                deliverEvents();
            }
        }

        private void apply(SourceReading reading) {
            boolean writeSnapshot;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                Instant now = clock.instant();
                boolean wasStale = stale() && lastFailure != null;
                boolean wasFromSnapshot = fromSnapshot;
                Map<String, SwitchSetting> expanded = expand(this, reading);
                boolean changed = !expanded.equals(settings) || !everSucceeded;
                settings = expanded;
                everSucceeded = true;
                fromSnapshot = false;
                consecutiveFailures = 0;
                lastSuccess = now;
                lastError = null;
                if (changed) {
                    publish(now, new Removal(name, "", "no longer set by source '" + name + "'"));
                }
                if (wasStale) {
                    LOG.info("kill switch source '{}' is answering again and no longer stale", name);
                }
                writeSnapshot = localSnapshot != null && (changed || wasFromSnapshot);
            }
            if (writeSnapshot) {
                writeLocalSnapshot();
            }
        }

        @Override
        public void readFailed(Exception failure) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                consecutiveFailures++;
                lastFailure = clock.instant();
                boolean malformed = failure instanceof MalformedSwitchPayloadException;
                String message = malformed
                        ? "malformed payload: " + failure.getMessage()
                        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
                boolean newError = !message.equals(lastError);
                lastError = message;
                if (malformed && newError) {
                    LOG.warn(
                            "kill switch source '{}' sent a malformed payload, rejected whole; keeping its last known"
                                    + " good settings: {}",
                            name,
                            failure.getMessage());
                } else if (consecutiveFailures == 1 && !malformed) {
                    LOG.warn(
                            "kill switch source '{}' cannot be read; keeping its last known good settings: {}",
                            name,
                            message);
                } else if (consecutiveFailures == staleAfterFailures) {
                    LOG.error(
                            "kill switch source '{}' is STALE after {} failed reads in a row; its last known good"
                                    + " settings stay in force: {}",
                            name,
                            consecutiveFailures,
                            message);
                } else {
                    LOG.debug("kill switch source '{}' read #{} failed: {}", name, consecutiveFailures, message);
                }
            }
        }
    }

    /**
     * Configures and builds a {@link KillSwitchRegistry}. Not thread-safe; use it from one thread.
     * Names are checked when declared; everything else is checked by {@link #build()}.
     */
    public static final class Builder {

        private final Map<String, SwitchDeclaration> declarations = new LinkedHashMap<>();
        private final Map<String, DegradedProfile> profiles = new LinkedHashMap<>();
        private final List<SwitchSource> sources = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private AuditSink auditSink = new LoggingAuditSink();
        private int historySize = 256;
        private int staleAfterFailures = 3;
        private Duration expiryCheckInterval = Duration.ofSeconds(1);
        private Duration startupTimeout = Duration.ofSeconds(10);
        private Path localSnapshot;
        private Duration maxTtl = DEFAULT_MAX_TTL;
        private RandomGenerator jitterRandom = RandomGenerator.getDefault();

        private Builder() {}

        /**
         * The longest time to live {@link KillSwitchRegistry#override(String, SwitchState, String, String,
         * Duration)} accepts; a longer one is refused with an {@link IllegalArgumentException} naming
         * both. Overrides without a ttl (never expiring) are not affected. Default {@link
         * KillSwitchRegistry#DEFAULT_MAX_TTL} (7 days).
         *
         * @param maxTtl &gt; 0 and at most {@link KillSwitchRegistry#MAX_TTL_CEILING}
         * @return this builder
         */
        public Builder maxTtl(Duration maxTtl) {
            this.maxTtl = maxTtl;
            return this;
        }

        /** The random numbers of the poll jitter; for tests that need them repeatable. */
        Builder jitterRandom(RandomGenerator jitterRandom) {
            this.jitterRandom = jitterRandom;
            return this;
        }

        /**
         * Declares a switch whose default state is {@link SwitchState#ENABLED}.
         *
         * @param name the switch name
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid, reserved ({@code drkit.}) or already
         *     declared
         */
        public Builder declare(String name) {
            return declare(name, SwitchState.ENABLED, "");
        }

        /**
         * Declares a switch with a default state.
         *
         * @param name the switch name
         * @param defaultState its state when no source and no override says otherwise
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid, reserved ({@code drkit.}) or already
         *     declared
         * @throws NullPointerException if {@code defaultState} is {@code null}
         */
        public Builder declare(String name, SwitchState defaultState) {
            return declare(name, defaultState, "");
        }

        /**
         * Declares a switch with a default state and a description of what it guards.
         *
         * @param name the switch name
         * @param defaultState its state when no source and no override says otherwise
         * @param description what the switch guards, for humans
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid, reserved ({@code drkit.}) or already
         *     declared
         * @throws NullPointerException if {@code defaultState} or {@code description} is {@code null}
         */
        public Builder declare(String name, SwitchState defaultState, String description) {
            return declare(new SwitchDeclaration(name, defaultState, description));
        }

        /**
         * Declares a switch.
         *
         * @param declaration the declaration
         * @return this builder
         * @throws IllegalArgumentException if the name is reserved ({@code drkit.}) or already declared
         * @throws NullPointerException if {@code declaration} is {@code null}
         */
        public Builder declare(SwitchDeclaration declaration) {
            Objects.requireNonNull(declaration, "declaration");
            String name = declaration.name();
            if (name.startsWith("drkit.")) {
                throw new IllegalArgumentException(
                        "switch names starting with 'drkit.' are reserved for built-in switches (was '" + name + "')");
            }
            if (declarations.containsKey(name)) {
                throw new IllegalArgumentException("switch '" + name + "' is declared twice");
            }
            declarations.put(name, declaration);
            return this;
        }

        /**
         * Declares a degraded-mode profile: switches flipped together.
         *
         * @param name the profile name (same rule as switch names, not equal to a switch name)
         * @param switches the member switches (declared by {@link #build()} time; {@value
         *     KillSwitchRegistry#WRITES} allowed)
         * @return this builder
         * @throws IllegalArgumentException if a name is invalid, there are no members, or the profile is
         *     already declared
         */
        public Builder profile(String name, String... switches) {
            Objects.requireNonNull(switches, "switches");
            return profile(name, List.of(switches));
        }

        /**
         * Declares a degraded-mode profile: switches flipped together.
         *
         * @param name the profile name (same rule as switch names, not equal to a switch name)
         * @param switches the member switches (declared by {@link #build()} time)
         * @return this builder
         * @throws IllegalArgumentException if a name is invalid, there are no members, or the profile is
         *     already declared
         */
        public Builder profile(String name, Collection<String> switches) {
            Objects.requireNonNull(switches, "switches");
            DegradedProfile profile = new DegradedProfile(name, new LinkedHashSet<>(switches));
            if (profiles.containsKey(name)) {
                throw new IllegalArgumentException("profile '" + name + "' is declared twice");
            }
            profiles.put(name, profile);
            return this;
        }

        /**
         * Adds a source. Among sources, one added later wins over one added earlier for the same switch.
         * The registry owns the source and closes it.
         *
         * @param source the source
         * @return this builder
         * @throws NullPointerException if {@code source} is {@code null}
         */
        public Builder source(SwitchSource source) {
            sources.add(Objects.requireNonNull(source, "source"));
            return this;
        }

        /**
         * The clock for change times and expiry. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Where audit events go. Default a {@link LoggingAuditSink}.
         *
         * @param auditSink the sink
         * @return this builder
         */
        public Builder auditSink(AuditSink auditSink) {
            this.auditSink = auditSink;
            return this;
        }

        /**
         * How many recent changes {@link KillSwitchRegistry#recentChanges()} keeps. Default 256.
         *
         * @param historySize at least 1
         * @return this builder
         */
        public Builder historySize(int historySize) {
            this.historySize = historySize;
            return this;
        }

        /**
         * After how many consecutive failed reads a source is reported stale. Default 3.
         *
         * @param staleAfterFailures at least 1
         * @return this builder
         */
        public Builder staleAfterFailures(int staleAfterFailures) {
            this.staleAfterFailures = staleAfterFailures;
            return this;
        }

        /**
         * How often expiries are checked; a setting reverts at most this late. Default 1 s.
         *
         * @param expiryCheckInterval &gt; 0
         * @return this builder
         */
        public Builder expiryCheckInterval(Duration expiryCheckInterval) {
            this.expiryCheckInterval = expiryCheckInterval;
            return this;
        }

        /**
         * How long {@link #build()} waits in total for the sources' first reads before starting without
         * them (from defaults or the local snapshot). Default 10 s.
         *
         * @param startupTimeout &gt; 0
         * @return this builder
         */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        /**
         * A file where the registry keeps a copy of what each source last said; if a source is down at
         * startup, its switches start from this copy instead of the declared defaults. Not set by
         * default.
         *
         * @param localSnapshot the file (its directory is created if needed)
         * @return this builder
         */
        public Builder localSnapshot(Path localSnapshot) {
            this.localSnapshot = localSnapshot;
            return this;
        }

        /**
         * Validates the configuration, builds the registry, reads every source once (waiting at most the
         * startup timeout) and starts the poller and expiry threads.
         *
         * @return the running registry
         * @throws IllegalArgumentException naming the first invalid option and its value
         * @throws NullPointerException naming a missing option
         */
        public KillSwitchRegistry build() {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(auditSink, "auditSink");
            Objects.requireNonNull(expiryCheckInterval, "expiryCheckInterval");
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            Objects.requireNonNull(maxTtl, "maxTtl");
            Objects.requireNonNull(jitterRandom, "jitterRandom");
            ChangeText.requireMaxTtl("maxTtl", maxTtl, MAX_TTL_CEILING);
            if (historySize < 1) {
                throw new IllegalArgumentException("historySize must be >= 1 (was " + historySize + ")");
            }
            if (staleAfterFailures < 1) {
                throw new IllegalArgumentException("staleAfterFailures must be >= 1 (was " + staleAfterFailures + ")");
            }
            requirePositive("expiryCheckInterval", expiryCheckInterval);
            requirePositive("startupTimeout", startupTimeout);
            for (DegradedProfile profile : profiles.values()) {
                if (profile.name().equals(WRITES) || declarations.containsKey(profile.name())) {
                    throw new IllegalArgumentException(
                            "profile name '" + profile.name() + "' is also a switch name; they must differ");
                }
                for (String member : profile.switches()) {
                    if (!member.equals(WRITES) && !declarations.containsKey(member)) {
                        throw new UnknownKillSwitchException("profile '" + profile.name() + "' names switch '" + member
                                + "', which is not declared (declared: " + declarations.keySet() + ")");
                    }
                }
            }
            Set<String> sourceNames = new HashSet<>();
            for (SwitchSource source : sources) {
                String name = source.name();
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException(
                            "source name must not be blank (was " + (name == null ? "null" : "'" + name + "'")
                                    + ") for " + source.getClass().getName());
                }
                if (!sourceNames.add(name)) {
                    throw new IllegalArgumentException(
                            "two sources are named '" + name + "'; source names must be unique");
                }
                Optional<Duration> interval = Objects.requireNonNull(source.pollInterval(), "pollInterval of " + name);
                interval.ifPresent(every -> requirePositive("pollInterval of source '" + name + "'", every));
            }
            KillSwitchRegistry registry = new KillSwitchRegistry(this);
            registry.start(expiryCheckInterval);
            return registry;
        }

        private static void requirePositive(String field, Duration value) {
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(field + " must be > 0 (was " + value + ")");
            }
        }
    }
}
