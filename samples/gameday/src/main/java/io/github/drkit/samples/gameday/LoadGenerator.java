package io.github.drkit.samples.gameday;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N clients placing orders over real HTTP, as well-behaved clients do: each order gets a fresh
 * {@code Idempotency-Key}; a failed attempt (5xx, 409, timeout, connection failure) is retried with
 * the same key and body after an exponential backoff with full jitter (50 ms doubling up to 1 s),
 * for at most the retry budget; a 4xx other than 409/429 is not retried. Every fourth acknowledged
 * order is read back once. Each attempt asks the simulated DNS for the region to call.
 *
 * <p>Owns its threads ({@code gameday-client-N}, {@code gameday-http-N}); {@link #close()} stops
 * them. Thread-safe.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ORDER_ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final String[] ITEMS = {
        "kimchi", "bibimbap", "tteokbokki", "japchae", "bulgogi", "ramen", "sushi", "onigiri", "matcha", "soju"
    };
    private static final long BACKOFF_BASE_MS = 50;
    private static final long BACKOFF_CAP_MS = 1000;

    /**
     * The load's settings.
     *
     * @param clients concurrent clients
     * @param requestTimeout per HTTP request
     * @param retryBudget how long one write is retried
     * @param pace each client's pause between writes
     * @param runId a prefix making this drill's references unique
     */
    public record Settings(int clients, Duration requestTimeout, Duration retryBudget, Duration pace, String runId) {}

    /**
     * Failures of one type.
     *
     * @param count how many attempts failed so
     * @param firstMs when the first did, drill milliseconds
     * @param lastMs when the last did
     */
    public record ErrorCount(long count, long firstMs, long lastMs) {}

    private final Settings settings;
    private final IntFunction<URI> target;
    private final DrillTime time;
    private final Throughput throughput;
    private final ExecutorService clients;
    private final ExecutorService httpThreads;
    private final HttpClient http;
    private final Queue records = new Queue();
    private final Map<String, ErrorCount> errors = new ConcurrentHashMap<>();
    private final Map<String, Long> readFailures = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong latestAckAttemptStartMs =
            new java.util.concurrent.atomic.AtomicLong(-1);
    private volatile boolean running;
    private volatile long stopDeadlineMs = Long.MAX_VALUE;

    /**
     * Creates the load; {@link #start()} starts it.
     *
     * @param settings the settings
     * @param target the base URI to call now (the simulated DNS answer)
     * @param time the drill's time
     * @param throughput where counts go
     */
    public LoadGenerator(Settings settings, Supplier<URI> target, DrillTime time, Throughput throughput) {
        this(settings, perClient(target), time, throughput);
    }

    /**
     * Creates the load where each client resolves the service's name itself (its own DNS caches);
     * {@link #start()} starts it.
     *
     * @param settings the settings
     * @param target the base URI a client calls now, by client number (from 1)
     * @param time the drill's time
     * @param throughput where counts go
     */
    public LoadGenerator(Settings settings, IntFunction<URI> target, DrillTime time, Throughput throughput) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.target = Objects.requireNonNull(target, "target");
        this.time = Objects.requireNonNull(time, "time");
        this.throughput = Objects.requireNonNull(throughput, "throughput");
        this.clients = Executors.newFixedThreadPool(settings.clients(), named("gameday-client-"));
        this.httpThreads = Executors.newCachedThreadPool(named("gameday-http-"));
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .executor(httpThreads)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static IntFunction<URI> perClient(Supplier<URI> target) {
        Objects.requireNonNull(target, "target");
        return client -> target.get();
    }

    /** Starts every client. */
    public void start() {
        running = true;
        for (int c = 1; c <= settings.clients(); c++) {
            int client = c;
            clients.execute(() -> runClient(client));
        }
    }

    /**
     * Stops placing new orders; a write in progress gets up to {@code grace} more to be
     * acknowledged, then counts as abandoned. Waits for the clients to end.
     *
     * @param grace how long writes in progress may still retry
     * @return every write, in the order they started
     * @throws InterruptedException if interrupted while waiting
     */
    public List<WriteRecord> stop(Duration grace) throws InterruptedException {
        stopDeadlineMs = time.nowMs() + grace.toMillis();
        running = false;
        clients.shutdown();
        if (!clients.awaitTermination(grace.plus(settings.requestTimeout()).toMillis() + 5000, TimeUnit.MILLISECONDS)) {
            clients.shutdownNow();
        }
        return records.all();
    }

    /**
     * Failed attempts by error type, e.g. {@code 503 idempotency:store-unavailable} or {@code
     * connection-refused}.
     *
     * @return type to count, sorted by type
     */
    public Map<String, ErrorCount> errors() {
        return new TreeMap<>(errors);
    }

    /**
     * Failed reads by type.
     *
     * @return type to count
     */
    public Map<String, Long> readFailures() {
        return new TreeMap<>(readFailures);
    }

    /**
     * The latest start of an attempt that was acknowledged: once it is after the fault, writes are
     * back.
     *
     * @return drill milliseconds, or -1 before the first acknowledgement
     */
    public long latestAcknowledgedAttemptStartMs() {
        return latestAckAttemptStartMs.get();
    }

    /**
     * The writes so far.
     *
     * @return the writes, in the order they started
     */
    public List<WriteRecord> writes() {
        return records.all();
    }

    private void runClient(int client) {
        int seq = 0;
        while (running && !Thread.currentThread().isInterrupted()) {
            seq++;
            String reference = settings.runId() + "-c" + client + "-" + seq;
            WriteRecord w = new WriteRecord(reference, UUID.randomUUID().toString(), time.nowMs());
            records.add(w);
            String body = "{\"customer\":\"gameday-client-" + client + "\",\"item\":\"" + ITEMS[seq % ITEMS.length]
                    + "\",\"quantity\":" + (1 + seq % 3) + ",\"reference\":\"" + reference + "\"}";
            try {
                write(client, w, body);
                if (w.outcome() == WriteRecord.Outcome.ACKNOWLEDGED && seq % 4 == 0) {
                    read(client, w.orderId());
                }
                if (!settings.pace().isZero()) {
                    TimeUnit.MILLISECONDS.sleep(settings.pace().toMillis());
                }
            } catch (InterruptedException e) {
                if (w.outcome() == WriteRecord.Outcome.PENDING) {
                    w.ended(WriteRecord.Outcome.ABANDONED);
                }
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write(int client, WriteRecord w, String body) throws InterruptedException {
        long deadline = w.firstStartMs() + settings.retryBudget().toMillis();
        for (int attempt = 1; ; attempt++) {
            long start = time.nowMs();
            w.attempted();
            Attempt a = post(client, w.key(), body);
            long end = time.nowMs();
            if (a.status == 201) {
                Matcher m = ORDER_ID.matcher(a.body);
                w.acknowledged(end, start, m.find() ? Long.parseLong(m.group(1)) : -1, a.replayed);
                throughput.count(Throughput.Metric.WRITE_OK, end);
                latestAckAttemptStartMs.accumulateAndGet(start, Math::max);
                return;
            }
            throughput.count(Throughput.Metric.WRITE_ERROR, end);
            errors.merge(
                    a.type,
                    new ErrorCount(1, end, end),
                    (x, y) -> new ErrorCount(
                            x.count() + 1, Math.min(x.firstMs(), y.firstMs()), Math.max(x.lastMs(), y.lastMs())));
            w.failed(a.type);
            if (!a.retryable) {
                w.ended(WriteRecord.Outcome.REJECTED);
                return;
            }
            long now = time.nowMs();
            if (now >= deadline || now >= stopDeadlineMs) {
                w.ended(WriteRecord.Outcome.ABANDONED);
                return;
            }
            long ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS << Math.min(attempt - 1, 10));
            long pause = ThreadLocalRandom.current().nextLong(ceiling / 4, ceiling + 1);
            TimeUnit.MILLISECONDS.sleep(Math.min(pause, Math.max(0, Math.min(deadline, stopDeadlineMs) - now)));
        }
    }

    private void read(int client, long orderId) throws InterruptedException {
        if (orderId < 0) {
            return;
        }
        Attempt a = send(HttpRequest.newBuilder(target.apply(client).resolve("/orders/" + orderId))
                .timeout(settings.requestTimeout())
                .GET()
                .build());
        long end = time.nowMs();
        if (a.status == 200) {
            throughput.count(Throughput.Metric.READ_OK, end);
        } else {
            throughput.count(Throughput.Metric.READ_ERROR, end);
            readFailures.merge(a.type, 1L, Long::sum);
        }
    }

    private Attempt post(int client, String key, String body) throws InterruptedException {
        return send(HttpRequest.newBuilder(target.apply(client).resolve("/orders"))
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private Attempt send(HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            boolean replayed = r.headers().firstValue("Idempotent-Replayed").isPresent();
            if (status >= 200 && status < 300) {
                return new Attempt(status, r.body(), null, false, replayed);
            }
            Matcher m = PROBLEM_TYPE.matcher(r.body() == null ? "" : r.body());
            String problem = m.find() ? shortType(m.group(1)) : "";
            String type = problem.isEmpty() ? Integer.toString(status) : status + " " + problem;
            boolean retryable = status >= 500 || status == 409 || status == 429;
            return new Attempt(status, r.body(), type, retryable, false);
        } catch (HttpTimeoutException e) {
            return new Attempt(-1, "", "timeout", true, false);
        } catch (ConnectException e) {
            return new Attempt(-1, "", "connection-refused", true, false);
        } catch (IOException e) {
            return new Attempt(-1, "", "connection-error", true, false);
        }
    }

    /** {@code urn:drkit:problem:idempotency:store-unavailable} to {@code idempotency:store-unavailable}. */
    static String shortType(String type) {
        for (String prefix : new String[] {"urn:drkit:problem:", "urn:orders:problem:"}) {
            if (type.startsWith(prefix)) {
                return type.substring(prefix.length());
            }
        }
        return type;
    }

    /** Stops every thread at once (the load is over or the drill failed). Idempotent. */
    @Override
    public void close() {
        running = false;
        stopDeadlineMs = 0;
        clients.shutdownNow();
        httpThreads.shutdownNow();
        try {
            clients.awaitTermination(10, TimeUnit.SECONDS);
            httpThreads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record Attempt(int status, String body, String type, boolean retryable, boolean replayed) {}

    /** The records, in start order. */
    private static final class Queue {
        private final ConcurrentLinkedQueue<WriteRecord> q = new ConcurrentLinkedQueue<>();

        void add(WriteRecord w) {
            q.add(w);
        }

        List<WriteRecord> all() {
            return new ArrayList<>(q);
        }
    }
}
