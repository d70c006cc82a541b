package io.github.drkit.aws.runbook;

import io.github.drkit.aws.ArcEndpointsUnavailableException;
import io.github.drkit.aws.Sleeper;
import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.runbook.internal.EvidenceWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Runbook}: for each step, observe; skip it if its goal already holds; check its
 * guards; act; wait (bounded by the step's timeout, with progress lines) until the goal holds, which
 * verifies it. The first step that is refused, fails or does not hold in time stops the run; the
 * steps after it are not started, and running the same plan again resumes there, because the steps
 * that hold are skipped. A dry run only observes and checks the guards of every step, and changes
 * nothing.
 *
 * <p>Every run, dry or not, leaves evidence when an evidence directory is set: {@code
 * <dir>/<timestamp>-runbook/} with {@code runbook.md}, {@code runbook.json}, {@code runbook.html}
 * and a {@code SHA256SUMS} manifest. Calls block the calling thread; no thread is started. One run
 * at a time per runner.
 */
public final class RunbookRunner {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookRunner.class);
    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(java.time.ZoneOffset.UTC);

    private final Clock clock;
    private final Sleeper sleeper;
    private final AwsRequestLog requestLog;
    private final Path evidenceRoot;
    private final Consumer<String> listener;
    private final String host;

    private RunbookRunner(Builder builder) {
        this.clock = builder.clock;
        this.sleeper = builder.sleeper;
        this.requestLog = builder.requestLog;
        this.evidenceRoot = builder.evidenceRoot;
        this.listener = builder.listener;
        this.host = builder.host != null ? builder.host : localHost();
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the plan.
     *
     * @param runbook the plan
     * @param request who, why, dry run, confirmations
     * @return the report of a run in which every step holds, or of a dry run
     * @throws RunbookFailedException if a step was refused, failed or did not hold in time; its
     *     report says which and why (the evidence is written first)
     * @throws UncheckedIOException if the evidence cannot be written
     */
    public RunbookReport run(Runbook runbook, RunbookRequest request) {
        Objects.requireNonNull(runbook, "runbook must not be null");
        Objects.requireNonNull(request, "request must not be null");
        Instant start = clock.instant();
        emit(
                start,
                (request.dryRun() ? "DRY RUN (nothing is changed) of " : "RUN of ") + runbook.name() + " by "
                        + request.operator() + ": " + request.reason());
        List<StepRecord> records = new ArrayList<>();
        RunbookReport.Outcome outcome =
                request.dryRun() ? RunbookReport.Outcome.DRY_RUN : RunbookReport.Outcome.SUCCEEDED;
        Throwable failure = null;
        int index = 0;
        for (RunbookStep step : runbook.steps()) {
            index++;
            if (failure != null) {
                Instant now = clock.instant();
                records.add(new StepRecord(
                        step.name(),
                        StepOutcome.NOT_REACHED,
                        "",
                        "",
                        "not started",
                        now,
                        now,
                        List.of(),
                        List.of(),
                        List.of()));
                continue;
            }
            StepRun run = new StepRun(step, index, runbook.steps().size(), request);
            StepRecord record = run.execute();
            records.add(record);
            if (record.outcome() == StepOutcome.FAILED || record.outcome() == StepOutcome.REFUSED) {
                failure = run.failure;
                outcome = record.outcome() == StepOutcome.REFUSED
                        ? RunbookReport.Outcome.REFUSED
                        : RunbookReport.Outcome.FAILED;
            }
        }
        Instant end = clock.instant();
        RunbookReport report =
                new RunbookReport(runbook.name(), request, host, start, end, outcome, records, Optional.empty());
        if (evidenceRoot != null) {
            try {
                Path dir = EvidenceWriter.write(evidenceRoot, report);
                report = new RunbookReport(
                        runbook.name(), request, host, start, end, outcome, records, Optional.of(dir));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the runbook evidence under " + evidenceRoot, e);
            }
        }
        emit(end, report.summary() + " in " + millis(report.took()));
        LOG.info("{}", report.summary());
        if (failure != null) {
            throw new RunbookFailedException(report, failure);
        }
        return report;
    }

    private void emit(Instant at, String line) {
        listener.accept("[" + TIME.format(at) + "] " + line);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** One step's execution within a run. */
    private final class StepRun implements RunbookContext {

        private final RunbookStep step;
        private final String label;
        private final RunbookRequest request;
        private final List<String> progress = new ArrayList<>();
        private final List<ReadinessAnswer> readiness = new ArrayList<>();
        private final Instant started;
        private final int mark;
        private Throwable failure;

        StepRun(RunbookStep step, int index, int total, RunbookRequest request) {
            this.step = step;
            this.label = "[" + index + "/" + total + "] " + step.name();
            this.request = request;
            this.started = clock.instant();
            this.mark = requestLog == null ? 0 : requestLog.mark();
        }

        @Override
        public RunbookRequest request() {
            return request;
        }

        @Override
        public void progress(String line) {
            Instant now = clock.instant();
            progress.add("+" + millis(Duration.between(started, now)) + " " + line);
            emit(now, label + ": " + line);
        }

        @Override
        public void readinessSeen(ReadinessAnswer answer) {
            readiness.add(answer);
        }

        StepRecord execute() {
            StepObservation before;
            try {
                before = step.observe(this);
            } catch (StepSkippedException e) {
                return finish(StepOutcome.SKIPPED, "?", "?", "skipped: " + e.getMessage());
            } catch (RuntimeException e) {
                String why = "cannot read the current state: " + describe(e);
                if (request.dryRun()) {
                    return finish(StepOutcome.UNKNOWN, "?", "?", why);
                }
                failure = e;
                return finish(StepOutcome.FAILED, "?", "?", why);
            }
            emit(clock.instant(), label + ": sees " + before.seen());
            if (before.holds()) {
                return finish(StepOutcome.ALREADY_HELD, before.seen(), "nothing", "already holds: skipped");
            }
            try {
                step.checkPreconditions(before, this);
            } catch (RunbookRefusedException e) {
                if (request.dryRun()) {
                    return finish(
                            StepOutcome.WOULD_REFUSE,
                            before.seen(),
                            before.change(),
                            "would refuse if run now (earlier steps may change what it checks): " + e.getMessage());
                }
                failure = e;
                return finish(StepOutcome.REFUSED, before.seen(), before.change(), "refused: " + e.getMessage());
            } catch (RuntimeException e) {
                if (request.dryRun()) {
                    return finish(
                            StepOutcome.UNKNOWN,
                            before.seen(),
                            before.change(),
                            "cannot check the guard: " + describe(e));
                }
                failure = e;
                return finish(
                        StepOutcome.FAILED, before.seen(), before.change(), "cannot check the guard: " + describe(e));
            }
            if (request.dryRun()) {
                return finish(StepOutcome.WOULD_CHANGE, before.seen(), before.change(), "would " + before.change());
            }
            emit(clock.instant(), label + ": changing: " + before.change());
            String did;
            try {
                did = step.act(this);
                progress("acted: " + did);
            } catch (RuntimeException e) {
                failure = e;
                return finish(StepOutcome.FAILED, before.seen(), before.change(), "failed: " + describe(e));
            }
            return awaitAndVerify(before, did);
        }

        private StepRecord awaitAndVerify(StepObservation before, String did) {
            Instant deadline = clock.instant().plus(step.timeout());
            String lastSeen = null;
            String lastError = null;
            while (true) {
                try {
                    StepObservation now = step.observe(this);
                    if (now.holds()) {
                        return finish(
                                StepOutcome.DONE, before.seen(), before.change(), did + "; verified: " + now.seen());
                    }
                    if (!now.seen().equals(lastSeen)) {
                        progress("waiting, sees " + now.seen());
                        lastSeen = now.seen();
                    }
                } catch (RuntimeException e) {
                    if (!transientFailure(e)) {
                        failure = e;
                        return finish(
                                StepOutcome.FAILED,
                                before.seen(),
                                before.change(),
                                did + "; then verification failed: " + describe(e));
                    }
                    lastError = describe(e);
                    progress("waiting, cannot read: " + lastError);
                }
                Instant now = clock.instant();
                if (!now.isBefore(deadline)) {
                    String why = did + "; did not hold within " + step.timeout() + " (last seen: "
                            + (lastSeen == null ? "nothing" : lastSeen)
                            + (lastError == null ? "" : "; last error: " + lastError)
                            + "): run again to resume from this step";
                    failure = new IllegalStateException(step.name() + ": " + why);
                    return finish(StepOutcome.FAILED, before.seen(), before.change(), why);
                }
                Duration remaining = Duration.between(now, deadline);
                try {
                    sleeper.sleep(remaining.compareTo(step.pollInterval()) < 0 ? remaining : step.pollInterval());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = e;
                    return finish(
                            StepOutcome.FAILED, before.seen(), before.change(), did + "; interrupted while waiting");
                }
            }
        }

        private StepRecord finish(StepOutcome outcome, String seen, String change, String result) {
            Instant end = clock.instant();
            emit(end, label + ": " + outcome + " (" + millis(Duration.between(started, end)) + ") " + result);
            return new StepRecord(
                    step.name(),
                    outcome,
                    seen,
                    change,
                    result,
                    started,
                    end,
                    progress,
                    requestLog == null ? List.of() : requestLog.since(mark),
                    readiness);
        }
    }

    /**
     * Whether a failure while waiting may pass: an SDK failure that is transient (throttling, 5xx, no
     * answer), also when a drkit exception wraps it, and no Route 53 ARC endpoint answering.
     */
    private static boolean transientFailure(RuntimeException e) {
        return e instanceof ArcEndpointsUnavailableException
                || AwsErrors.isTransient(e)
                || (e.getCause() != null && AwsErrors.isTransient(e.getCause()));
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    /** Builds a {@link RunbookRunner}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private AwsRequestLog requestLog;
        private Path evidenceRoot;
        private Consumer<String> listener = line -> {};
        private String host;

        private Builder() {}

        /**
         * Sets the clock of the timeline and of the waits.
         *
         * @param clock default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets how waits pause between observations.
         *
         * @param sleeper default {@link Sleeper#system()}
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * Sets the log of AWS requests whose request ids go into each step's record.
         *
         * @param requestLog the log added to the SDK clients of the steps (default none)
         * @return this builder
         */
        public Builder requestLog(AwsRequestLog requestLog) {
            this.requestLog = requestLog;
            return this;
        }

        /**
         * Sets where evidence directories are created, such as {@code evidence/dr}.
         *
         * @param evidenceRoot the directory (created if missing); default none (no evidence written)
         * @return this builder
         */
        public Builder evidenceRoot(Path evidenceRoot) {
            this.evidenceRoot = evidenceRoot;
            return this;
        }

        /**
         * Sets who receives each progress line (such as a console).
         *
         * @param listener the listener; default discards
         * @return this builder
         */
        public Builder listener(Consumer<String> listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Sets the host name written into the evidence.
         *
         * @param host default the local host's name
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the runner
         * @throws NullPointerException naming the field if one is {@code null}
         */
        public RunbookRunner build() {
            Objects.requireNonNull(clock, "clock must not be null");
            Objects.requireNonNull(sleeper, "sleeper must not be null");
            Objects.requireNonNull(listener, "listener must not be null");
            return new RunbookRunner(this);
        }
    }
}
