package io.github.drkit.aws;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.BoundedPoll;
import io.github.drkit.aws.internal.Require;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DescribeGlobalClustersResponse;
import software.amazon.awssdk.services.rds.model.GlobalCluster;

/**
 * An Aurora global database seen and steered through the RDS API: which cluster and region is the
 * writer now ({@link #describe()}), a planned switchover without data loss ({@link
 * #switchoverTo(String)}, {@code SwitchoverGlobalCluster}) and an unplanned failover that accepts
 * losing the writes not yet replicated ({@link #failoverAllowingDataLossTo(String)}, {@code
 * FailoverGlobalCluster} with {@code AllowDataLoss}). Both are polled to completion within {@link
 * Builder#operationTimeout(Duration)}; the routing layer, a drill or an operator's runbook step can
 * call them.
 *
 * <p>Give it one {@link RdsClient} per member region. Reads try the regions in the order given until
 * one answers, so a describe still works while one region is down. A failover is sent to the
 * target's own region (the old primary's region may be the one that is down), so that region's
 * client is required; a switchover prefers it and falls back to the others.
 *
 * <p>Both operations are safe to call again: if the target already is the writer they return at
 * once, and if a switchover or failover to the target is already running they only wait for it. A
 * request that RDS refuses is checked by describing the global cluster again: if the change to the
 * target is under way after all (an earlier attempt reached RDS, through an SDK retry after a lost
 * answer or in another region), that is not a refusal and the change is waited for. While the global
 * cluster is {@code switching-over} or {@code failing-over} without saying to which cluster, nothing
 * is sent.
 *
 * <p>{@link GlobalClusterState#writerEndpoint()} is the global writer endpoint that always points
 * to the current writer: connecting through it lets an application follow a switchover or failover
 * without being reconfigured.
 *
 * <p>Uses the given clients and never closes them. Calls block the calling thread; no thread is
 * started. Thread-safe.
 */
public final class AuroraGlobalDatabase {

    /** Default bound of a switchover or failover. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofMinutes(10);

    /** Default pause between {@code DescribeGlobalClusters} polls. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(AuroraGlobalDatabase.class);

    private final String globalClusterIdentifier;
    private final Map<String, RdsClient> clients;
    private final List<String> regionOrder;
    private final Clock clock;
    private final BoundedPoll poll;

    private AuroraGlobalDatabase(Builder builder) {
        this.globalClusterIdentifier = builder.globalClusterIdentifier;
        this.clients = Map.copyOf(builder.clients);
        this.regionOrder = List.copyOf(builder.clients.keySet());
        this.clock = builder.clock;
        this.poll = new BoundedPoll(builder.clock, builder.sleeper, builder.operationTimeout, builder.pollInterval);
    }

    /**
     * Starts a builder.
     *
     * @param globalClusterIdentifier the global database's identifier, such as {@code
     *     "orders-global"}
     * @return a builder
     */
    public static Builder builder(String globalClusterIdentifier) {
        return new Builder(globalClusterIdentifier);
    }

    /**
     * Reads the global database's current state ({@code DescribeGlobalClusters}), trying each
     * configured region in turn until one answers.
     *
     * @return the state
     * @throws AwsOperationException if the global cluster does not exist, or no region answered
     */
    public GlobalClusterState describe() {
        try {
            return describeOnce(regionOrder);
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "DescribeGlobalClusters",
                    "cannot describe Aurora global database " + globalClusterIdentifier + " in any of " + regionOrder
                            + ": " + AwsErrors.describe(e),
                    e);
        }
    }

    /**
     * Switches the writer to another member without data loss ({@code SwitchoverGlobalCluster}) and
     * waits until the target is the writer and the global cluster is {@code available} again.
     *
     * @param targetDbClusterArn the ARN of the secondary cluster to promote
     * @return the state once the target is the writer
     * @throws IllegalArgumentException if the ARN is blank or not a member of this global database
     *     (nothing is sent)
     * @throws IllegalStateException if the global cluster is not {@code available}, or a switchover
     *     or failover to another (or an unreported) cluster is in progress (nothing is sent)
     * @throws AwsWaitTimeoutException if the switchover did not finish within the operation timeout
     * @throws AwsOperationException if RDS refused the switchover (and it is not under way after all),
     *     it ended with another writer, or no region answered
     */
    public GlobalClusterState switchoverTo(String targetDbClusterArn) {
        return change("SwitchoverGlobalCluster", "switchover", targetDbClusterArn, false);
    }

    /**
     * Promotes a secondary cluster at once, accepting the loss of writes not yet replicated to it
     * ({@code FailoverGlobalCluster} with {@code AllowDataLoss=true}): the unplanned failover of a
     * regional outage. Waits until the target is the writer and the global cluster is {@code
     * available}. The request is sent to the target's region.
     *
     * @param targetDbClusterArn the ARN of the secondary cluster to promote
     * @return the state once the target is the writer
     * @throws IllegalArgumentException if the ARN is blank or not a member of this global database
     *     (nothing is sent)
     * @throws IllegalStateException if no client was configured for the target's region, or a
     *     switchover or failover to another (or an unreported) cluster is in progress (nothing is
     *     sent)
     * @throws AwsWaitTimeoutException if the failover did not finish within the operation timeout,
     *     for example while the global cluster stays {@code failing-over}
     * @throws AwsOperationException if RDS refused the failover (and it is not under way after all),
     *     it ended with another writer, or no region answered
     */
    public GlobalClusterState failoverAllowingDataLossTo(String targetDbClusterArn) {
        return change("FailoverGlobalCluster", "failover (allowing data loss)", targetDbClusterArn, true);
    }

    /**
     * Waits until the given cluster is the writer and the global cluster is settled, without
     * starting anything: for an operator who started a switchover elsewhere, or to wait longer after
     * an {@link AwsWaitTimeoutException}.
     *
     * @param targetDbClusterArn the cluster expected to become the writer
     * @return the state once it is the writer
     * @throws IllegalArgumentException if the ARN is blank
     * @throws AwsWaitTimeoutException if that did not happen within the operation timeout
     * @throws AwsOperationException if a poll failed with a non-transient error
     */
    public GlobalClusterState awaitWriter(String targetDbClusterArn) {
        Require.text("targetDbClusterArn", targetDbClusterArn);
        regionOfArn(targetDbClusterArn);
        return await("DescribeGlobalClusters", targetDbClusterArn, new AtomicBoolean());
    }

    /**
     * The global database's identifier.
     *
     * @return the identifier
     */
    public String globalClusterIdentifier() {
        return globalClusterIdentifier;
    }

    private GlobalClusterState change(String operation, String what, String target, boolean allowDataLoss) {
        Require.text("targetDbClusterArn", target);
        String targetRegion = regionOfArn(target);
        if (allowDataLoss && !clients.containsKey(targetRegion)) {
            throw new IllegalStateException("no RdsClient is configured for " + targetRegion
                    + ", the region of failover target " + target + ": an unplanned failover is sent to the"
                    + " target's region because the old primary's region may be down (configured: " + regionOrder
                    + ")");
        }
        List<String> order = orderFor(target);
        GlobalClusterState before;
        try {
            before = describeOnce(order);
        } catch (SdkException e) {
            throw new AwsOperationException(
                    operation,
                    "cannot start the " + what + " of " + globalClusterIdentifier + ": describing it failed in " + order
                            + ": " + AwsErrors.describe(e),
                    e);
        }
        if (before.member(target).isEmpty()) {
            throw new IllegalArgumentException("targetDbClusterArn " + target + " is not a member of Aurora global"
                    + " database " + globalClusterIdentifier + " (members: "
                    + before.members().stream()
                            .map(GlobalClusterMember::dbClusterArn)
                            .toList() + ")");
        }
        if (before.settled() && before.member(target).get().writer()) {
            LOG.info(
                    "Aurora global database {}: {} is already the writer; no {} needed",
                    globalClusterIdentifier,
                    target,
                    what);
            return before;
        }
        AtomicBoolean sawChange = new AtomicBoolean();
        Optional<GlobalClusterFailover> running = before.failover();
        if (running.isPresent()) {
            if (!running.get().toDbClusterArn().map(target::equals).orElse(false)) {
                throw new IllegalStateException("Aurora global database " + globalClusterIdentifier
                        + " already has a switchover or failover in progress (" + before.summary()
                        + "); wait for it to finish before starting another");
            }
            LOG.info(
                    "Aurora global database {}: a {} to {} is already in progress; waiting for it",
                    globalClusterIdentifier,
                    running.get().dataLossAllowed() ? "failover" : "switchover",
                    target);
            sawChange.set(true);
            return await(operation, target, sawChange);
        }
        if (before.changingWriter()) {
            throw new IllegalStateException("Aurora global database " + globalClusterIdentifier + " is "
                    + before.status() + " and RDS did not say to which cluster (" + before.summary() + "); nothing"
                    + " was sent: wait for it to finish (awaitWriter, or describe) and call again");
        }
        if (!allowDataLoss && !before.settled()) {
            throw new IllegalStateException("Aurora global database " + globalClusterIdentifier
                    + " is not available for a" + " switchover (" + before.summary() + ")");
        }
        String fromWriter =
                before.writer().map(GlobalClusterMember::dbClusterArn).orElse("none");
        Instant start = clock.instant();
        send(operation, what, target, order, allowDataLoss);
        LOG.info(
                "Aurora global database {}: {} from {} to {} started",
                globalClusterIdentifier,
                what,
                fromWriter,
                target);
        GlobalClusterState after = await(operation, target, sawChange);
        LOG.info(
                "Aurora global database {}: {} to {} completed in {}",
                globalClusterIdentifier,
                what,
                target,
                Duration.between(start, clock.instant()));
        return after;
    }

    private void send(String operation, String what, String target, List<String> order, boolean allowDataLoss) {
        List<String> sendTo = allowDataLoss ? List.of(order.get(0)) : order;
        SdkException last = null;
        List<String> attempts = new ArrayList<>();
        for (String region : sendTo) {
            RdsClient rds = clients.get(region);
            try {
                if (allowDataLoss) {
                    rds.failoverGlobalCluster(r -> r.globalClusterIdentifier(globalClusterIdentifier)
                            .targetDbClusterIdentifier(target)
                            .allowDataLoss(true));
                } else {
                    rds.switchoverGlobalCluster(r ->
                            r.globalClusterIdentifier(globalClusterIdentifier).targetDbClusterIdentifier(target));
                }
                return;
            } catch (SdkException e) {
                if (!AwsErrors.isTransient(e)) {
                    Optional<GlobalClusterState> now = describeQuietly(order);
                    if (now.isPresent() && alreadyUnderWay(now.get(), target)) {
                        LOG.info(
                                "Aurora global database {}: RDS in {} refused the {} to {} ({}), but it is already"
                                        + " under way ({}): an earlier attempt (an SDK retry or another region)"
                                        + " reached RDS; waiting for it",
                                globalClusterIdentifier,
                                region,
                                what,
                                target,
                                AwsErrors.describe(e),
                                now.get().summary());
                        return;
                    }
                    throw new AwsOperationException(
                            operation,
                            "RDS in " + region + " refused the " + what + " of " + globalClusterIdentifier + " to "
                                    + target + ": " + AwsErrors.describe(e)
                                    + now.map(state -> " (described afterwards: " + state.summary() + ")")
                                            .orElse(""),
                            e);
                }
                last = e;
                attempts.add(region + ": " + AwsErrors.describe(e));
            }
        }
        throw new AwsOperationException(
                operation,
                "the " + what + " of " + globalClusterIdentifier + " to " + target + " could not be sent ("
                        + String.join("; ", attempts) + "); it may or may not have started: calling again is safe,"
                        + " it waits for a change already in progress",
                last);
    }

    /** Whether the target already writes, or a change to it is in progress, and not being cancelled. */
    private static boolean alreadyUnderWay(GlobalClusterState state, String target) {
        if (state.settled()) {
            return state.member(target).map(GlobalClusterMember::writer).orElse(false);
        }
        return state.failover()
                .filter(f -> !f.cancelling())
                .flatMap(GlobalClusterFailover::toDbClusterArn)
                .map(target::equals)
                .orElse(false);
    }

    private Optional<GlobalClusterState> describeQuietly(List<String> order) {
        try {
            return Optional.of(describeOnce(order));
        } catch (RuntimeException e) {
            LOG.debug("cannot describe {} after a refusal: {}", globalClusterIdentifier, AwsErrors.describe(e));
            return Optional.empty();
        }
    }

    private GlobalClusterState await(String operation, String target, AtomicBoolean sawChange) {
        return poll.until(
                operation,
                "Aurora global database " + globalClusterIdentifier + " to make " + target + " its writer",
                () -> describeOnce(orderFor(target)),
                state -> {
                    if (!state.settled()) {
                        sawChange.set(true);
                        return false;
                    }
                    boolean targetWrites = state.member(target)
                            .map(GlobalClusterMember::writer)
                            .orElse(false);
                    if (!targetWrites && sawChange.get()) {
                        throw new AwsOperationException(
                                operation,
                                "the change of Aurora global database " + globalClusterIdentifier
                                        + " ended without making " + target + " the writer (" + state.summary()
                                        + "): it was cancelled or rolled back",
                                null);
                    }
                    return targetWrites;
                },
                GlobalClusterState::summary);
    }

    private List<String> orderFor(String target) {
        String region = regionOfArn(target);
        List<String> order = new ArrayList<>();
        if (clients.containsKey(region)) {
            order.add(region);
        }
        regionOrder.stream().filter(r -> !r.equals(region)).forEach(order::add);
        return order;
    }

    /** Tries each region; throws the last transient SDK failure if none answered. */
    private GlobalClusterState describeOnce(List<String> order) {
        SdkException last = null;
        for (String region : order) {
            DescribeGlobalClustersResponse response;
            try {
                response = clients.get(region)
                        .describeGlobalClusters(r -> r.globalClusterIdentifier(globalClusterIdentifier));
            } catch (SdkException e) {
                if (!AwsErrors.isTransient(e)) {
                    throw new AwsOperationException(
                            "DescribeGlobalClusters",
                            "RDS in " + region + " cannot describe Aurora global database " + globalClusterIdentifier
                                    + ": " + AwsErrors.describe(e),
                            e);
                }
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
                LOG.debug("RDS in {} did not answer DescribeGlobalClusters: {}", region, AwsErrors.describe(e));
                continue;
            }
            return toState(region, response);
        }
        throw Objects.requireNonNull(last, "no region configured");
    }

    private GlobalClusterState toState(String region, DescribeGlobalClustersResponse response) {
        GlobalCluster cluster = response.globalClusters().stream()
                .filter(c -> globalClusterIdentifier.equalsIgnoreCase(c.globalClusterIdentifier()))
                .findFirst()
                .orElseThrow(() -> new AwsOperationException(
                        "DescribeGlobalClusters",
                        "RDS in " + region + " does not know Aurora global database " + globalClusterIdentifier,
                        null));
        List<GlobalClusterMember> members = new ArrayList<>();
        for (software.amazon.awssdk.services.rds.model.GlobalClusterMember m : cluster.globalClusterMembers()) {
            if (m.dbClusterArn() == null) {
                continue;
            }
            members.add(new GlobalClusterMember(
                    m.dbClusterArn(),
                    regionOfArn(m.dbClusterArn()),
                    Boolean.TRUE.equals(m.isWriter()),
                    m.readers(),
                    Optional.ofNullable(m.synchronizationStatusAsString())));
        }
        Optional<GlobalClusterFailover> failover = Optional.ofNullable(cluster.failoverState())
                .filter(f -> f.statusAsString() != null)
                .map(f -> new GlobalClusterFailover(
                        f.statusAsString(),
                        Optional.ofNullable(f.fromDbClusterArn()),
                        Optional.ofNullable(f.toDbClusterArn()),
                        Boolean.TRUE.equals(f.isDataLossAllowed())));
        return new GlobalClusterState(
                cluster.globalClusterIdentifier(),
                Objects.requireNonNullElse(cluster.status(), "unknown"),
                Objects.requireNonNullElse(cluster.engine(), "unknown"),
                members,
                failover,
                Optional.ofNullable(cluster.endpoint()).filter(endpoint -> !endpoint.isBlank()));
    }

    private static String regionOfArn(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !parts[0].equals("arn") || !parts[2].equals("rds") || parts[3].isEmpty()) {
            throw new IllegalArgumentException("targetDbClusterArn must be an RDS cluster ARN such as"
                    + " arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-tokyo (was " + arn + ")");
        }
        return parts[3];
    }

    /** Builds an {@link AuroraGlobalDatabase}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final String globalClusterIdentifier;
        private final Map<String, RdsClient> clients = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;

        private Builder(String globalClusterIdentifier) {
            this.globalClusterIdentifier = globalClusterIdentifier;
        }

        /**
         * Adds the RDS client of one member region; regions are tried in the order added.
         *
         * @param region the region id, such as {@code "ap-northeast-2"}
         * @param rds a client for that region; not closed by drkit
         * @return this builder
         * @throws IllegalArgumentException if the region is blank or was already added
         * @throws NullPointerException if an argument is {@code null}
         */
        public Builder region(String region, RdsClient rds) {
            Require.text("region", region);
            Objects.requireNonNull(rds, "rds client of " + region + " must not be null");
            if (clients.putIfAbsent(region, rds) != null) {
                throw new IllegalArgumentException("region " + region + " was added twice");
            }
            return this;
        }

        /**
         * Sets the clock that bounds waits.
         *
         * @param clock the clock (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets how waits pause between polls.
         *
         * @param sleeper the sleeper (default {@link Sleeper#system()})
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * Sets how long to wait for a switchover or failover to finish.
         *
         * @param operationTimeout {@code > 0} (default 10 min)
         * @return this builder
         */
        public Builder operationTimeout(Duration operationTimeout) {
            this.operationTimeout = operationTimeout;
            return this;
        }

        /**
         * Sets the pause between polls.
         *
         * @param pollInterval {@code > 0} (default 10 s)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the global database
         * @throws IllegalArgumentException naming the field, if the identifier is blank, no region was
         *     added, or a duration is not positive
         * @throws NullPointerException if the clock or sleeper is {@code null}
         */
        public AuroraGlobalDatabase build() {
            Require.text("globalClusterIdentifier", globalClusterIdentifier);
            if (clients.isEmpty()) {
                throw new IllegalArgumentException(
                        "regions must hold at least one RdsClient (was none); add one per member region");
            }
            Objects.requireNonNull(clock, "clock must not be null");
            Objects.requireNonNull(sleeper, "sleeper must not be null");
            Require.positive("operationTimeout", operationTimeout);
            Require.positive("pollInterval", pollInterval);
            return new AuroraGlobalDatabase(this);
        }
    }
}
