package io.github.drkit.spring;

import io.github.drkit.core.RecoveryObjective;
import io.github.drkit.jdbc.NodeStatus;
import io.github.drkit.jdbc.NodeView;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.Topology;
import io.github.drkit.jdbc.TopologyEvent;
import io.github.drkit.jdbc.TopologyListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes whether this region can serve its declared {@link ServingRole}, ahead of time, so that
 * the Route 53 health path only reads a volatile field: no SQL, no lock, no I/O on the request
 * thread.
 *
 * <p>Inputs, all in memory: the routing data source's {@link Topology} snapshot (writer, readers,
 * lag), the drain switch and the freshness of fleet switch sources ({@link SwitchReadiness}), and the
 * {@link RecoveryObjective}s that gate readiness. The answer is recomputed on the monitor's own
 * thread ({@code drkit-readiness}) at once after every topology event and switch change, and every
 * {@linkplain Builder#refreshInterval(Duration) refresh interval} (lag and source age change
 * without events).
 *
 * <p>The region is ready when:
 *
 * <ul>
 *   <li>{@link ServingRole#READ_WRITE}: a writer is known, in this region or (if {@linkplain
 *       Builder#crossRegionWrites(boolean) allowed}) in another; {@link ServingRole#READ_ONLY}: some
 *       node can serve this region's reads;
 *   <li>when the writer is not in this region and a reader is: the freshest local reader's replay lag
 *       is within the smallest RPO of the gating objectives;
 *   <li>the region is not drained (its drain switch, by default {@code region-traffic.<region>}, is
 *       not killed), and, only when a staleness bound is configured ({@code
 *       dr.health.switch-source-max-age}), no fleet switch source is stale past it.
 * </ul>
 *
 * <p>This answer drives the Route 53 health path and the {@code drRegion} health contributor (the
 * {@code dr} health group); the aggregate {@code /actuator/health} shows it as detail only, so that
 * a healthy standby region is not restarted or deregistered by probes of that path.
 *
 * <p>Thread-safe. {@link #close()} unsubscribes and stops the thread, waiting for it to end.
 */
public final class RegionReadinessMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegionReadinessMonitor.class);

    private final String region;
    private final ServingRole role;
    private final boolean crossRegionWrites;
    private final Duration lagBound;
    private final RegionRoutingDataSource dataSource;
    private final SwitchReadiness switches;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;
    private final TopologyListener topologyListener = this::onTopologyEvent;
    private final List<Consumer<RegionReadiness>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private volatile RegionReadiness current;
    private volatile Instant writerLostAt;
    private volatile FailoverObservation lastFailover;
    private volatile boolean closed;

    private RegionReadinessMonitor(Builder b) {
        this.region = b.region;
        this.role = b.role;
        this.crossRegionWrites = b.crossRegionWrites;
        this.dataSource = b.dataSource;
        this.switches = b.switches;
        this.clock = b.clock;
        Duration bound = null;
        for (RecoveryObjective o : b.gatingObjectives) {
            if (bound == null || o.rpo().compareTo(bound) < 0) {
                bound = o.rpo();
            }
        }
        this.lagBound = bound;
        this.current = compute();
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "drkit-readiness");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        dataSource.addListener(topologyListener);
        long every = b.refreshInterval.toNanos();
        executor.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.NANOSECONDS);
        LOG.info(
                "region readiness for {} ({}): {}",
                region,
                role.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                describe(current));
    }

    /**
     * Starts a builder.
     *
     * @param region this process's region
     * @param dataSource the routing data source whose topology decides readiness
     * @return a builder
     */
    public static Builder builder(String region, RegionRoutingDataSource dataSource) {
        return new Builder(region, dataSource);
    }

    /**
     * The latest answer: one volatile read, no allocation.
     *
     * @return the current readiness, never {@code null}
     */
    public RegionReadiness current() {
        return current;
    }

    /**
     * The last failover the monitor observed since start.
     *
     * @return the observation, or empty if the writer was never lost and found again
     */
    public Optional<FailoverObservation> lastFailover() {
        return Optional.ofNullable(lastFailover);
    }

    /**
     * The smallest RPO among the objectives that gate readiness: the local reader lag bound.
     *
     * @return the bound, or empty when no objective gates readiness
     */
    public Optional<Duration> lagBound() {
        return Optional.ofNullable(lagBound);
    }

    /**
     * The declared role.
     *
     * @return the role
     */
    public ServingRole role() {
        return role;
    }

    /**
     * The replication lag of the freshest reader in this region that is up, as of the current
     * topology snapshot.
     *
     * @return the lag, or empty if no reader in this region is up or its lag is unknown
     */
    public Optional<Duration> localReaderLag() {
        return Optional.ofNullable(bestLocalReaderLag(dataSource.topology()));
    }

    /**
     * Subscribes to changes of the answer (readiness, role or reasons). The listener gets the current
     * answer at once, on the calling thread, and every later change on the monitor's thread; keep it
     * quick. Exceptions are logged and ignored.
     *
     * @param listener the listener
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public void addListener(Consumer<RegionReadiness> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        notifyOne(listener, current);
    }

    /**
     * Asks for a recomputation on the monitor's thread as soon as possible (coalesced). Cheap; never
     * blocks; does nothing once closed.
     */
    public void refreshSoon() {
        if (closed || !refreshPending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                refreshPending.set(false);
                refreshQuietly();
            });
        } catch (RejectedExecutionException e) {
            refreshPending.set(false); // closing
        }
    }

    private void onTopologyEvent(TopologyEvent event) {
        Instant at = event.topology().observedAt();
        if (event.type() == TopologyEvent.Type.WRITER_LOST && writerLostAt == null) {
            writerLostAt = at;
        } else if (event.type() == TopologyEvent.Type.WRITER_CHANGED) {
            Instant lost = writerLostAt;
            if (lost != null) {
                lastFailover = new FailoverObservation(lost, at, event.current().region());
                writerLostAt = null;
            }
        }
        refreshSoon();
    }

    private void refreshQuietly() {
        if (closed) {
            return;
        }
        try {
            RegionReadiness next = compute();
            RegionReadiness previous = current;
            current = next;
            if (!next.sameAnswerAs(previous)) {
                LOG.info("region {} readiness changed: {} (was {})", region, describe(next), describe(previous));
                for (Consumer<RegionReadiness> l : listeners) {
                    notifyOne(l, next);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("region readiness computation failed; keeping the last answer", e);
        }
    }

    private static void notifyOne(Consumer<RegionReadiness> listener, RegionReadiness readiness) {
        try {
            listener.accept(readiness);
        } catch (RuntimeException e) {
            LOG.warn("region readiness listener failed", e);
        }
    }

    private RegionReadiness compute() {
        Instant now = clock.instant();
        if (closed) {
            return new RegionReadiness(false, region, "none", List.of(ReadinessReason.NOT_RUNNING), now);
        }
        Topology t = dataSource.topology();
        List<ReadinessReason> reasons = new ArrayList<>(4);
        Optional<NodeView> writer = t.writer();
        boolean localWriter = writer.isPresent() && writer.get().region().equals(region);
        boolean localReader = false;
        for (NodeView n : t.nodes()) {
            if (n.status() == NodeStatus.READER && n.region().equals(region)) {
                localReader = true;
                break;
            }
        }
        if (switches.drained()) {
            reasons.add(ReadinessReason.DRAINED);
        }
        if (role == ServingRole.READ_WRITE) {
            if (writer.isEmpty()) {
                boolean ambiguous = false;
                for (NodeView n : t.nodes()) {
                    ambiguous |= n.status() == NodeStatus.AMBIGUOUS;
                }
                reasons.add(ambiguous ? ReadinessReason.WRITER_AMBIGUOUS : ReadinessReason.NO_WRITER);
            } else if (!localWriter && !crossRegionWrites) {
                reasons.add(ReadinessReason.WRITER_IN_OTHER_REGION);
            }
        } else if (dataSource.chooseReader() < 0) {
            reasons.add(ReadinessReason.NO_READER);
        }
        if (lagBound != null && !localWriter && localReader) {
            Duration lag = bestLocalReaderLag(t);
            if (lag == null || lag.compareTo(lagBound) > 0) {
                reasons.add(ReadinessReason.READER_LAG_OVER_RPO);
            }
        }
        if (switches.sourcesStale(now)) {
            reasons.add(ReadinessReason.SWITCH_SOURCE_STALE);
        }
        String localRole = localWriter ? "writer" : localReader ? "reader" : "none";
        return new RegionReadiness(reasons.isEmpty(), region, localRole, reasons, now);
    }

    private Duration bestLocalReaderLag(Topology t) {
        Duration best = null;
        for (NodeView n : t.nodes()) {
            if (n.status() == NodeStatus.READER && n.region().equals(region) && n.lag() != null) {
                if (best == null || n.lag().compareTo(best) < 0) {
                    best = n.lag();
                }
            }
        }
        return best;
    }

    private static String describe(RegionReadiness r) {
        if (r == null) {
            return "unknown";
        }
        return r.ready() ? "ready as " + r.role() : "not ready as " + r.role() + " " + r.reasons();
    }

    /**
     * Unsubscribes from the data source, stops the {@code drkit-readiness} thread and waits up to 5 s
     * for it to end. Afterwards {@link #current()} answers not ready ({@link
     * ReadinessReason#NOT_RUNNING}). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        dataSource.removeListener(topologyListener);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("drkit-readiness did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RegionReadiness stopped = compute();
        current = stopped;
        for (Consumer<RegionReadiness> l : listeners) {
            notifyOne(l, stopped);
        }
    }

    /** Configures a {@link RegionReadinessMonitor}; validated by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final String region;
        private final RegionRoutingDataSource dataSource;
        private ServingRole role = ServingRole.READ_WRITE;
        private boolean crossRegionWrites;
        private List<RecoveryObjective> gatingObjectives = List.of();
        private SwitchReadiness switches = SwitchReadiness.NONE;
        private Duration refreshInterval = Duration.ofMillis(500);
        private Clock clock = Clock.systemUTC();

        private Builder(String region, RegionRoutingDataSource dataSource) {
            this.region = region;
            this.dataSource = dataSource;
        }

        /**
         * The role this region must be able to serve (default {@link ServingRole#READ_WRITE}).
         *
         * @param role the role
         * @return this builder
         */
        public Builder role(ServingRole role) {
            this.role = role;
            return this;
        }

        /**
         * Whether a writer in another region makes a read-write region ready (default {@code false}).
         *
         * @param allowed the choice
         * @return this builder
         */
        public Builder crossRegionWrites(boolean allowed) {
            this.crossRegionWrites = allowed;
            return this;
        }

        /**
         * The objectives whose RPO bounds the local reader's lag while the writer is elsewhere
         * (default none: lag does not gate readiness).
         *
         * @param objectives the objectives
         * @return this builder
         */
        public Builder gatingObjectives(List<RecoveryObjective> objectives) {
            this.gatingObjectives = objectives == null ? null : List.copyOf(objectives);
            return this;
        }

        /**
         * The drain switch and fleet source freshness (default {@link SwitchReadiness#NONE}).
         *
         * @param switches the switch view
         * @return this builder
         */
        public Builder switches(SwitchReadiness switches) {
            this.switches = switches;
            return this;
        }

        /**
         * How often to recompute besides on events (default 500 ms).
         *
         * @param interval {@code > 0}
         * @return this builder
         */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = interval;
            return this;
        }

        /**
         * The clock for {@link RegionReadiness#computedAt()} and source ages (default UTC system clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates, computes the first answer and starts the {@code drkit-readiness} thread.
         *
         * @return the running monitor
         * @throws IllegalArgumentException naming the bad option and its value
         */
        public RegionReadinessMonitor build() {
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("region must not be blank (was " + region + ")");
            }
            if (dataSource == null) {
                throw new IllegalArgumentException("dataSource must not be null");
            }
            if (role == null) {
                throw new IllegalArgumentException("role must not be null");
            }
            if (gatingObjectives == null) {
                throw new IllegalArgumentException("gatingObjectives must not be null (use an empty list)");
            }
            if (switches == null) {
                throw new IllegalArgumentException("switches must not be null (use SwitchReadiness.NONE)");
            }
            if (refreshInterval == null || refreshInterval.isZero() || refreshInterval.isNegative()) {
                throw new IllegalArgumentException("refreshInterval must be > 0 (was " + refreshInterval + ")");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            return new RegionReadinessMonitor(this);
        }
    }
}
