package io.github.drkit.aws;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.Require;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.GetChangeResponse;
import software.amazon.awssdk.services.route53.model.GetHealthCheckStatusResponse;
import software.amazon.awssdk.services.route53.model.HealthCheckObservation;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.ResourceRecordSetFailover;
import software.amazon.awssdk.services.route53.waiters.Route53Waiter;

/**
 * Route 53 steps of a DNS failover runbook: read a health check's status, and switch traffic by
 * UPSERTing record sets and waiting until Route 53 reports the change {@code INSYNC} on all its DNS
 * servers (bounded by {@link Builder#changeTimeout(Duration)}).
 *
 * <p>Changing records is a Route 53 <em>control-plane</em> operation, which AWS advises not to
 * depend on during a regional recovery; prefer Route 53 ARC routing controls ({@link
 * ArcRoutingControls}) or health-check-driven failover records, and keep this for planned moves
 * and runbooks. {@code GetHealthCheckStatus} is meant for diagnosis at low request rates, not for
 * a hot path.
 *
 * <p>Uses the given client and never closes it. Calls block the calling thread; no thread is
 * started. Thread-safe.
 */
public final class Route53Failover {

    /** Default bound of {@link #awaitInSync(String)}. */
    public static final Duration DEFAULT_CHANGE_TIMEOUT = Duration.ofMinutes(5);

    /** Default pause between {@code GetChange} polls. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    private static final int MAX_CHANGES = 1000;
    private static final int MAX_COMMENT = 256;
    private static final Logger LOG = LoggerFactory.getLogger(Route53Failover.class);

    private final Route53Client route53;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration changeTimeout;
    private final Duration pollInterval;

    private Route53Failover(Builder builder) {
        this.route53 = builder.route53;
        this.clock = builder.clock;
        this.sleeper = builder.sleeper;
        this.changeTimeout = builder.changeTimeout;
        this.pollInterval = builder.pollInterval;
    }

    /**
     * Starts a builder.
     *
     * @param route53 the Route 53 client, built for the global pseudo-region of the partition its
     *     application runs in ({@link #globalRegionFor(Region)}: {@code aws-global}, {@code
     *     aws-cn-global}, {@code aws-us-gov-global}, ...); not closed by drkit
     * @return a builder
     * @throws NullPointerException if {@code route53} is {@code null}
     */
    public static Builder builder(Route53Client route53) {
        return new Builder(Objects.requireNonNull(route53, "route53 must not be null"));
    }

    /**
     * The region to build a Route 53 client with, for an application running in {@code region}:
     * Route 53 is a global service with one endpoint per AWS partition, addressed through that
     * partition's global pseudo-region ({@code aws-global} for the commercial regions, {@code
     * aws-cn-global} for China, {@code aws-us-gov-global} for GovCloud, and so on). A global
     * pseudo-region is returned as it is.
     *
     * @param region the application's region, such as {@code cn-north-1}
     * @return the partition's global pseudo-region, such as {@code aws-cn-global}
     * @throws NullPointerException if {@code region} is {@code null}
     * @throws IllegalArgumentException if the SDK knows no global pseudo-region for the region's
     *     partition
     */
    public static Region globalRegionFor(Region region) {
        Objects.requireNonNull(region, "region must not be null");
        if (region.isGlobalRegion()) {
            return region;
        }
        String partition = PartitionMetadata.of(region).id();
        Region global = Region.of(partition + "-global");
        if (!Region.regions().contains(global)) {
            throw new IllegalArgumentException("region " + region.id() + " is in partition " + partition
                    + ", for which this AWS SDK knows no global Route 53 region (" + global.id() + ")");
        }
        return global;
    }

    /**
     * Reads what Route 53's health checkers report about a health check ({@code
     * GetHealthCheckStatus}).
     *
     * @param healthCheckId the id of an endpoint health check (HTTP, HTTPS or TCP); the verdict of
     *     {@link HealthCheckStatus#healthy()} does not apply to calculated, CloudWatch-alarm or ARC
     *     routing-control health checks
     * @return the observations and, for an endpoint health check, Route 53's verdict
     * @throws IllegalArgumentException if the id is blank
     * @throws AwsOperationException if the call fails (unknown health check, throttling after the
     *     SDK's retries, timeout, unreadable answer)
     */
    public HealthCheckStatus healthCheckStatus(String healthCheckId) {
        Require.text("healthCheckId", healthCheckId);
        GetHealthCheckStatusResponse response;
        try {
            response = route53.getHealthCheckStatus(r -> r.healthCheckId(healthCheckId));
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "GetHealthCheckStatus",
                    "cannot read the status of Route 53 health check " + healthCheckId + ": " + AwsErrors.describe(e),
                    e);
        }
        List<io.github.drkit.aws.HealthCheckObservation> observations = new ArrayList<>();
        for (HealthCheckObservation o : response.healthCheckObservations()) {
            String status = o.statusReport() == null || o.statusReport().status() == null
                    ? ""
                    : o.statusReport().status();
            observations.add(new io.github.drkit.aws.HealthCheckObservation(
                    Objects.requireNonNullElse(o.regionAsString(), ""),
                    Objects.requireNonNullElse(o.ipAddress(), ""),
                    status,
                    Optional.ofNullable(o.statusReport()).map(r -> r.checkedTime())));
        }
        return new HealthCheckStatus(healthCheckId, observations);
    }

    /**
     * Submits one change batch that UPSERTs the records ({@code ChangeResourceRecordSets}) and
     * returns without waiting. Route 53 applies a batch atomically: all records or none.
     *
     * @param hostedZoneId the hosted zone, with or without the {@code /hostedzone/} prefix
     * @param comment a note kept with the change, at most 256 characters (may be empty)
     * @param records 1-1000 records
     * @return the submitted change, usually {@code PENDING}
     * @throws IllegalArgumentException if an argument is invalid (nothing is sent)
     * @throws AwsOperationException if Route 53 refuses the batch or cannot be reached; after a
     *     timeout the batch may or may not have been applied, and submitting it again is safe because
     *     UPSERT is idempotent
     */
    public Route53Change submitUpsert(String hostedZoneId, String comment, List<Route53Record> records) {
        String zone = normalizeZone(hostedZoneId);
        Objects.requireNonNull(comment, "comment must not be null");
        if (comment.length() > MAX_COMMENT) {
            throw new IllegalArgumentException(
                    "comment must be at most " + MAX_COMMENT + " characters (was " + comment.length() + ")");
        }
        Objects.requireNonNull(records, "records must not be null");
        if (records.isEmpty() || records.size() > MAX_CHANGES) {
            throw new IllegalArgumentException(
                    "records must hold 1-" + MAX_CHANGES + " records (was " + records.size() + ")");
        }
        List<Change> changes = new ArrayList<>();
        for (Route53Record record : records) {
            Objects.requireNonNull(record, "records must not contain null");
            changes.add(Change.builder()
                    .action(ChangeAction.UPSERT)
                    .resourceRecordSet(toRecordSet(record))
                    .build());
        }
        ChangeInfo info;
        try {
            info = route53.changeResourceRecordSets(r -> r.hostedZoneId(zone)
                            .changeBatch(b -> b.comment(comment.isEmpty() ? null : comment)
                                    .changes(changes)))
                    .changeInfo();
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "ChangeResourceRecordSets",
                    "UPSERT of " + records + " in hosted zone " + zone + " failed: " + AwsErrors.describe(e)
                            + (AwsErrors.isTransient(e)
                                    ? " (the batch may or may not have been applied; UPSERT is idempotent, so"
                                            + " submitting it again is safe)"
                                    : ""),
                    e);
        }
        Route53Change change = toChange(info, "ChangeResourceRecordSets");
        LOG.info(
                "Route 53 change {} submitted to hosted zone {}: UPSERT {} ({})",
                change.changeId(),
                zone,
                records,
                change.status());
        return change;
    }

    /**
     * Waits until the change is {@code INSYNC} with the SDK's own waiter ({@code
     * Route53Waiter.waitUntilResourceRecordSetsChanged}: {@code GetChange} every poll interval), at
     * most for the configured change timeout. A poll that fails transiently (throttling after the
     * client's own retries, a 5xx, a timeout) ends the SDK waiter's run; drkit then pauses one poll
     * interval and starts the waiter again, until the change timeout has passed.
     *
     * @param changeId the change id, with or without the {@code /change/} prefix
     * @return the change as last observed, {@code INSYNC}
     * @throws IllegalArgumentException if the id is blank
     * @throws AwsWaitTimeoutException if the change was not {@code INSYNC} in time (it was submitted
     *     and may still complete)
     * @throws AwsOperationException if Route 53 refuses the poll (for example an unknown change id),
     *     or the thread was interrupted (its interrupt flag is kept)
     */
    public Route53Change awaitInSync(String changeId) {
        Require.text("changeId", changeId);
        String id = changeId.startsWith("/change/") ? changeId.substring("/change/".length()) : changeId;
        String what = "Route 53 change " + id + " to reach INSYNC";
        Instant deadline = clock.instant().plus(changeTimeout);
        SdkException lastError = null;
        int runs = 0;
        try (Route53Waiter waiter = Route53Waiter.builder().client(route53).build()) {
            while (true) {
                Duration remaining = Duration.between(clock.instant(), deadline);
                if (remaining.isZero() || remaining.isNegative()) {
                    throw timedOut(id, what, runs, lastError);
                }
                runs++;
                try {
                    WaiterResponse<GetChangeResponse> response = waiter.waitUntilResourceRecordSetsChanged(
                            r -> r.id(id),
                            o -> o.waitTimeout(remaining)
                                    .maxAttempts(maxAttempts(remaining))
                                    .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(pollInterval)));
                    Optional<GetChangeResponse> matched = response.matched().response();
                    if (matched.isEmpty()) {
                        throw new AwsOperationException(
                                "GetChange",
                                "the waiter for " + what + " ended without an answer: "
                                        + response.matched()
                                                .exception()
                                                .map(AwsErrors::describe)
                                                .orElse("none"),
                                response.matched().exception().orElse(null));
                    }
                    Route53Change done = toChange(matched.get().changeInfo(), "GetChange");
                    LOG.info("Route 53 change {} is INSYNC", id);
                    return done;
                } catch (SdkClientException waiterFailure) {
                    Throwable cause = waiterFailure.getCause();
                    if (cause == null) {
                        // the SDK waiter ran out of time or attempts
                        throw timedOut(id, what, runs, lastError);
                    }
                    if (cause instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new AwsOperationException("GetChange", "interrupted while waiting for " + what, cause);
                    }
                    if (!(cause instanceof SdkException sdk) || !AwsErrors.isTransient(sdk)) {
                        throw new AwsOperationException(
                                "GetChange",
                                "failed while waiting for " + what + ": " + AwsErrors.describe(cause),
                                cause);
                    }
                    lastError = sdk;
                    LOG.debug("transient failure while waiting for {}: {}", what, AwsErrors.describe(sdk));
                }
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isZero() || left.isNegative()) {
                    throw timedOut(id, what, runs, lastError);
                }
                try {
                    sleeper.sleep(left.compareTo(pollInterval) < 0 ? left : pollInterval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AwsOperationException("GetChange", "interrupted while waiting for " + what, e);
                }
            }
        }
    }

    private int maxAttempts(Duration remaining) {
        long attempts = remaining.toMillis() / Math.max(1, pollInterval.toMillis()) + 1;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, attempts));
    }

    /** The timeout, naming the change's status as one last {@code GetChange} reads it. */
    private AwsWaitTimeoutException timedOut(String id, String what, int runs, SdkException lastError) {
        String lastObserved;
        try {
            lastObserved = route53.getChange(r -> r.id(id)).changeInfo().statusAsString();
        } catch (SdkException e) {
            lastObserved = "nothing observed";
            if (lastError == null) {
                lastError = e;
            }
        }
        return new AwsWaitTimeoutException(
                "GetChange",
                what + " did not happen within " + changeTimeout + " (" + runs + " run(s) of the SDK waiter; last"
                        + " observed: " + lastObserved
                        + (lastError == null ? "" : "; last error: " + AwsErrors.describe(lastError)) + ")",
                changeTimeout,
                lastObserved,
                lastError);
    }

    /**
     * Submits the UPSERT batch and waits until it is {@code INSYNC}: the Lambda-style runbook step
     * of a DNS failover.
     *
     * @param hostedZoneId the hosted zone
     * @param comment a note kept with the change
     * @param records 1-1000 records
     * @return the change, {@code INSYNC}
     * @throws IllegalArgumentException if an argument is invalid (nothing is sent)
     * @throws AwsWaitTimeoutException if the change was not {@code INSYNC} within the change timeout
     * @throws AwsOperationException if Route 53 refuses the batch or cannot be reached
     */
    public Route53Change upsertAndWait(String hostedZoneId, String comment, List<Route53Record> records) {
        Route53Change submitted = submitUpsert(hostedZoneId, comment, records);
        if (submitted.inSync()) {
            return submitted;
        }
        return awaitInSync(submitted.changeId());
    }

    /**
     * The bound of {@link #awaitInSync(String)}.
     *
     * @return the change timeout
     */
    public Duration changeTimeout() {
        return changeTimeout;
    }

    private Route53Change toChange(ChangeInfo info, String operation) {
        if (info == null || info.id() == null || info.statusAsString() == null || info.submittedAt() == null) {
            throw new AwsOperationException(
                    operation, "Route 53 answered " + operation + " without a complete ChangeInfo: " + info, null);
        }
        String id = info.id().startsWith("/change/") ? info.id().substring("/change/".length()) : info.id();
        return new Route53Change(id, info.statusAsString(), info.submittedAt(), clock.instant());
    }

    private static String normalizeZone(String hostedZoneId) {
        Require.text("hostedZoneId", hostedZoneId);
        return hostedZoneId.startsWith("/hostedzone/") ? hostedZoneId.substring("/hostedzone/".length()) : hostedZoneId;
    }

    private static ResourceRecordSet toRecordSet(Route53Record record) {
        ResourceRecordSet.Builder set =
                ResourceRecordSet.builder().name(record.name()).type(record.type());
        record.ttl().ifPresent(ttl -> set.ttl(ttl.toSeconds()));
        if (!record.values().isEmpty()) {
            set.resourceRecords(record.values().stream()
                    .map(v -> ResourceRecord.builder().value(v).build())
                    .toList());
        }
        record.aliasTarget()
                .ifPresent(alias -> set.aliasTarget(a -> a.hostedZoneId(alias.hostedZoneId())
                        .dnsName(alias.dnsName())
                        .evaluateTargetHealth(alias.evaluateTargetHealth())));
        record.failover().ifPresent(role -> set.failover(ResourceRecordSetFailover.fromValue(role.name())));
        record.weight().ifPresent(set::weight);
        record.setIdentifier().ifPresent(set::setIdentifier);
        record.healthCheckId().ifPresent(set::healthCheckId);
        return set.build();
    }

    /** Builds a {@link Route53Failover}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final Route53Client route53;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private Duration changeTimeout = DEFAULT_CHANGE_TIMEOUT;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;

        private Builder(Route53Client route53) {
            this.route53 = route53;
        }

        /**
         * Sets the clock that bounds waits across runs of the SDK waiter and stamps observations (the
         * SDK waiter measures its own run with the system clock).
         *
         * @param clock the clock (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets how drkit pauses before it starts the SDK waiter again after a transient failure (the
         * SDK waiter's own pauses between polls are real time).
         *
         * @param sleeper the sleeper (default {@link Sleeper#system()})
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * Sets how long to wait for a change to reach {@code INSYNC}.
         *
         * @param changeTimeout {@code > 0} (default 5 min)
         * @return this builder
         */
        public Builder changeTimeout(Duration changeTimeout) {
            this.changeTimeout = changeTimeout;
            return this;
        }

        /**
         * Sets the pause between {@code GetChange} polls (the SDK waiter's fixed delay).
         *
         * @param pollInterval {@code > 0} (default 5 s)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the failover steps
         * @throws NullPointerException if the clock or sleeper is {@code null}
         * @throws IllegalArgumentException naming the field, if a duration is not positive
         */
        public Route53Failover build() {
            Objects.requireNonNull(clock, "clock must not be null");
            Objects.requireNonNull(sleeper, "sleeper must not be null");
            Require.positive("changeTimeout", changeTimeout);
            Require.positive("pollInterval", pollInterval);
            return new Route53Failover(this);
        }
    }
}
