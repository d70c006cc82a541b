package io.github.drkit.samples.gameday;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated Route 53 failover record: a PRIMARY (Seoul) and a SECONDARY (Tokyo) target, each with a
 * health check on its Route 53 health path; or, built with {@link #weighted}, a pair of weighted
 * records (active/active), where each query gets one healthy target chosen by weight. Like Route 53, a check passes on a 2xx/3xx answer (TCP
 * connect within 4 s, answer within 2 s) whose first 5,120 bytes contain the search string; a target
 * changes state after {@code threshold} consecutive results the other way; DNS answers the primary if
 * it is healthy, else the secondary if it is healthy, else the primary (DNS fails open). Unlike
 * Route 53 there is one checker, not eight, and the interval is the drill's (Route 53's is 10 s or
 * 30 s).
 *
 * <p>Polls on its own thread ({@code gameday-route53}); {@link #close()} stops it. Thread-safe.
 */
public final class Route53Failover implements AutoCloseable {

    private static final int SEARCH_BYTES = 5120;

    /**
     * A target of the record.
     *
     * @param name a short name for reports, e.g. {@code seoul}
     * @param region the region
     * @param base the service's base URI there
     */
    public record Target(String name, String region, URI base) {}

    /**
     * A change of a target's raw health-path answer.
     *
     * @param atMs when it was seen, drill milliseconds
     * @param target the target's name
     * @param status the HTTP status, or -1 for no answer
     * @param body the answer's first line (or the failure)
     * @param passed whether the check passed
     */
    public record Answer(long atMs, String target, int status, String body, boolean passed) {}

    /**
     * A change of the DNS answer.
     *
     * @param atMs when, drill milliseconds
     * @param target the target now answered
     */
    public record DnsChange(long atMs, String target) {}

    private final Target[] targets;
    private final String path;
    private final String searchString;
    private final Duration interval;
    private final int threshold;
    private final DrillTime time;
    private final Timeline timeline;
    private final ScheduledExecutorService poller;
    private final ExecutorService httpThreads;
    private final HttpClient http;
    private final boolean[] healthy = new boolean[2];
    private final int[] streak = new int[2];
    private final Answer[] last = new Answer[2];
    private final List<Answer> answers = new ArrayList<>();
    private final List<DnsChange> dnsChanges = new ArrayList<>();
    private final CountDownLatch firstRound = new CountDownLatch(1);
    private volatile int answered = 0;
    private volatile Answer[] latest = new Answer[2];
    private final int[] weights;
    private volatile int answeredMask = 0b01;

    /**
     * Creates the record; {@link #start()} starts checking.
     *
     * @param primary the PRIMARY target (Seoul)
     * @param secondary the SECONDARY target (Tokyo)
     * @param path the health path, e.g. {@code /dr/route53}
     * @param searchString the string a healthy body contains, e.g. {@code DR_READY}
     * @param interval the check interval
     * @param threshold consecutive results before a target changes state, 1-10
     * @param time the drill's time
     * @param timeline where changes are recorded
     */
    public Route53Failover(
            Target primary,
            Target secondary,
            String path,
            String searchString,
            Duration interval,
            int threshold,
            DrillTime time,
            Timeline timeline) {
        this(primary, secondary, null, path, searchString, interval, threshold, time, timeline);
    }

    /**
     * Creates a weighted pair of records (Route 53 weighted routing with health checks): a query is
     * answered with one of the healthy targets, chosen by weight; when none is healthy, with one of
     * all of them (Route 53 then treats every record as healthy: DNS fails open). {@link #start()}
     * starts checking.
     *
     * @param first the first target (Seoul)
     * @param firstWeight its weight, 0-255 as in Route 53
     * @param second the second target (Tokyo)
     * @param secondWeight its weight, 0-255
     * @param path the health path
     * @param searchString the string a healthy body contains
     * @param interval the check interval
     * @param threshold consecutive results before a target changes state
     * @param time the drill's time
     * @param timeline where changes are recorded
     * @return the records
     * @throws IllegalArgumentException if a weight is outside 0-255 or both are 0
     */
    public static Route53Failover weighted(
            Target first,
            int firstWeight,
            Target second,
            int secondWeight,
            String path,
            String searchString,
            Duration interval,
            int threshold,
            DrillTime time,
            Timeline timeline) {
        if (firstWeight < 0 || firstWeight > 255 || secondWeight < 0 || secondWeight > 255) {
            throw new IllegalArgumentException(
                    "weights must be 0-255 (were " + firstWeight + " and " + secondWeight + ")");
        }
        if (firstWeight + secondWeight == 0) {
            throw new IllegalArgumentException("at least one weight must be > 0");
        }
        return new Route53Failover(
                first,
                second,
                new int[] {firstWeight, secondWeight},
                path,
                searchString,
                interval,
                threshold,
                time,
                timeline);
    }

    private Route53Failover(
            Target primary,
            Target secondary,
            int[] weights,
            String path,
            String searchString,
            Duration interval,
            int threshold,
            DrillTime time,
            Timeline timeline) {
        this.weights = weights;
        this.answeredMask = weights == null ? 0b01 : 0b11;
        this.targets = new Target[] {Objects.requireNonNull(primary), Objects.requireNonNull(secondary)};
        this.path = path;
        this.searchString = searchString;
        this.interval = interval;
        this.threshold = threshold;
        this.time = time;
        this.timeline = timeline;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gameday-route53"));
        AtomicInteger n = new AtomicInteger();
        this.httpThreads = Executors.newCachedThreadPool(r -> daemon(r, "gameday-route53-http-" + n.incrementAndGet()));
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(4))
                .executor(httpThreads)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Starts checking, and waits for the first round so the DNS answer is known.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the first round does not finish within 10 s
     */
    public void start() throws InterruptedException {
        poller.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        if (!firstRound.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the simulated Route 53 health checks got no first answer in 10 s");
        }
    }

    /**
     * The base URI DNS answers now.
     *
     * @return the answered target's base URI
     */
    public URI answer() {
        return targets[answered].base();
    }

    /**
     * The target DNS answers now. For weighted records: the first of the answered targets.
     *
     * @return the answered target
     */
    public Target answeredTarget() {
        return targets[answered];
    }

    /**
     * Answers one DNS query: the failover record's answer, or for weighted records one of the
     * answered targets chosen by weight.
     *
     * @return the target of this answer
     */
    public Target query() {
        if (weights == null) {
            return targets[answered];
        }
        int mask = answeredMask;
        int w0 = (mask & 1) != 0 ? weights[0] : 0;
        int w1 = (mask & 2) != 0 ? weights[1] : 0;
        if (w0 + w1 == 0) {
            return targets[(mask & 1) != 0 ? 0 : 1];
        }
        return java.util.concurrent.ThreadLocalRandom.current().nextInt(w0 + w1) < w0 ? targets[0] : targets[1];
    }

    /**
     * What DNS answers now, for progress lines.
     *
     * @return e.g. {@code seoul} or {@code seoul 50 / tokyo 50}
     */
    public String answerText() {
        if (weights == null) {
            return targets[answered].name();
        }
        return maskText(answeredMask);
    }

    /**
     * Whether this is a weighted pair of records.
     *
     * @return true for {@link #weighted}
     */
    public boolean isWeighted() {
        return weights != null;
    }

    private String maskText(int mask) {
        if (mask == 0b11) {
            return targets[0].name() + " " + weights[0] + " / " + targets[1].name() + " " + weights[1];
        }
        return targets[(mask & 1) != 0 ? 0 : 1].name();
    }

    /**
     * The latest raw answer of a target's health path.
     *
     * @param target the target's name
     * @return the answer, or {@code null} before the first check
     */
    public Answer latest(String target) {
        Answer[] l = latest;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i].name().equals(target)) {
                return l[i];
            }
        }
        throw new IllegalArgumentException("no target named " + target);
    }

    /**
     * Every change of a raw answer (the first answer of each target included), in order.
     *
     * @return a copy
     */
    public List<Answer> answerChanges() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    /**
     * Every change of the DNS answer (the first included), in order.
     *
     * @return a copy
     */
    public List<DnsChange> dnsChanges() {
        synchronized (answers) {
            return List.copyOf(dnsChanges);
        }
    }

    /**
     * The settings, for the report.
     *
     * @return e.g. {@code interval 1s, threshold 3}
     */
    public String describe() {
        return (weights == null
                        ? "failover record (PRIMARY " + targets[0].name() + ", SECONDARY " + targets[1].name() + "), "
                        : "weighted records (" + maskText(0b11) + "), ")
                + "one checker, interval " + DrillOptions.show(interval) + ", failure threshold " + threshold
                + ", search string '" + searchString + "'";
    }

    private void round() {
        try {
            List<CompletableFuture<Answer>> checks = new ArrayList<>(2);
            for (Target t : targets) {
                checks.add(check(t));
            }
            Answer[] now = new Answer[2];
            for (int i = 0; i < 2; i++) {
                now[i] = checks.get(i).join();
            }
            update(now);
        } catch (RuntimeException e) {
            timeline.add(Timeline.Kind.INFO, "Route 53 simulation failed a round: " + e);
        } finally {
            firstRound.countDown();
        }
    }

    private CompletableFuture<Answer> check(Target t) {
        HttpRequest request = HttpRequest.newBuilder(t.base().resolve(path))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, failure) -> {
            long at = time.nowMs();
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                return new Answer(at, t.name(), -1, cause.getClass().getSimpleName(), false);
            }
            String body = r.body() == null ? "" : r.body();
            String head = body.length() > SEARCH_BYTES ? body.substring(0, SEARCH_BYTES) : body;
            boolean passed = r.statusCode() >= 200 && r.statusCode() < 400 && head.contains(searchString);
            int eol = body.indexOf('\n');
            return new Answer(at, t.name(), r.statusCode(), (eol < 0 ? body : body.substring(0, eol)).trim(), passed);
        });
    }

    private void update(Answer[] now) {
        boolean first = firstRound.getCount() > 0;
        latest = now;
        synchronized (answers) {
            for (int i = 0; i < 2; i++) {
                Answer a = now[i];
                Answer before = last[i];
                if (before == null
                        || before.status() != a.status()
                        || !before.body().equals(a.body())) {
                    answers.add(a);
                    timeline.addAt(
                            a.atMs(),
                            Timeline.Kind.HEALTH,
                            targets[i].name() + " " + path + " -> " + (a.status() < 0 ? "no answer" : a.status()) + " "
                                    + a.body());
                }
                last[i] = a;
                if (first) {
                    healthy[i] = a.passed();
                    continue;
                }
                if (a.passed() == healthy[i]) {
                    streak[i] = 0;
                } else if (++streak[i] >= threshold) {
                    healthy[i] = a.passed();
                    streak[i] = 0;
                    timeline.addAt(
                            a.atMs(),
                            Timeline.Kind.DNS,
                            "Route 53 marks " + targets[i].name() + (healthy[i] ? " healthy" : " unhealthy") + " ("
                                    + threshold + " " + (healthy[i] ? "passed" : "failed") + " checks)");
                }
            }
            if (weights != null) {
                int mask = (healthy[0] && weights[0] > 0 ? 1 : 0) | (healthy[1] && weights[1] > 0 ? 2 : 0);
                boolean failOpen = mask == 0;
                if (failOpen) {
                    mask = (weights[0] > 0 ? 1 : 0) | (weights[1] > 0 ? 2 : 0);
                }
                if (first || mask != answeredMask) {
                    long at = Math.max(now[0].atMs(), now[1].atMs());
                    String answer = maskText(mask);
                    dnsChanges.add(new DnsChange(at, mask == 0b11 ? "weighted" : answer));
                    timeline.addAt(
                            at,
                            Timeline.Kind.DNS,
                            "DNS answers " + answer
                                    + (failOpen ? " (no target healthy: DNS fails open to every record)" : ""));
                    answeredMask = mask;
                    answered = (mask & 1) != 0 ? 0 : 1;
                }
                return;
            }
            int next = healthy[0] ? 0 : healthy[1] ? 1 : 0;
            if (first || next != answered) {
                long at = Math.max(now[0].atMs(), now[1].atMs());
                dnsChanges.add(new DnsChange(at, targets[next].name()));
                String why = healthy[next] ? "healthy" : "no target healthy: DNS fails open to the primary";
                timeline.addAt(at, Timeline.Kind.DNS, "DNS answers " + targets[next].name() + " (" + why + ")");
                answered = next;
            }
        }
    }

    /**
     * Stops checking. Idempotent. A round in progress finishes first (its checks time out after 2
     * s): the HTTP client completes them on its executor, so that is stopped only after the poller,
     * or the round would wait forever for answers nobody delivers.
     */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        httpThreads.shutdownNow();
        try {
            httpThreads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
