package io.github.drkit.samples.gameday;

/**
 * One logical write of one client: a new order with its own {@code Idempotency-Key} and a unique
 * reference, retried with the same key until acknowledged, rejected or given up. Written by its
 * client thread only; read after the load stopped.
 */
public final class WriteRecord {

    /** How a write ended. */
    public enum Outcome {
        /** Still running. */
        PENDING,
        /** 201 received: the service promised the order exists. */
        ACKNOWLEDGED,
        /** No 201 within the retry budget (or the drill ended): in doubt, it may or may not exist. */
        ABANDONED,
        /** A 4xx that retrying cannot fix: the drill's bug or the service's. */
        REJECTED
    }

    private final String reference;
    private final String key;
    private final long firstStartMs;
    private int attempts;
    private Outcome outcome = Outcome.PENDING;
    private long ackMs = -1;
    private long ackAttemptStartMs = -1;
    private long orderId = -1;
    private boolean replayed;
    private String lastError;

    /**
     * Starts a record.
     *
     * @param reference the order's unique reference
     * @param key its idempotency key
     * @param firstStartMs when the first attempt started
     */
    public WriteRecord(String reference, String key, long firstStartMs) {
        this.reference = reference;
        this.key = key;
        this.firstStartMs = firstStartMs;
    }

    void attempted() {
        attempts++;
    }

    void acknowledged(long atMs, long attemptStartMs, long id, boolean wasReplayed) {
        outcome = Outcome.ACKNOWLEDGED;
        ackMs = atMs;
        ackAttemptStartMs = attemptStartMs;
        orderId = id;
        replayed = wasReplayed;
    }

    void failed(String error) {
        lastError = error;
    }

    void ended(Outcome how) {
        outcome = how;
    }

    /**
     * The order's reference.
     *
     * @return the reference
     */
    public String reference() {
        return reference;
    }

    /**
     * The idempotency key.
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * When the first attempt started.
     *
     * @return drill milliseconds
     */
    public long firstStartMs() {
        return firstStartMs;
    }

    /**
     * How many HTTP attempts were made.
     *
     * @return the count
     */
    public int attempts() {
        return attempts;
    }

    /**
     * How it ended.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * When the 201 arrived.
     *
     * @return drill milliseconds, or -1
     */
    public long ackMs() {
        return ackMs;
    }

    /**
     * When the successful attempt started.
     *
     * @return drill milliseconds, or -1
     */
    public long ackAttemptStartMs() {
        return ackAttemptStartMs;
    }

    /**
     * The order ID the service returned.
     *
     * @return the ID, or -1
     */
    public long orderId() {
        return orderId;
    }

    /**
     * Whether the 201 was a replay of an earlier attempt's result.
     *
     * @return true if replayed
     */
    public boolean replayed() {
        return replayed;
    }

    /**
     * The last failure of an attempt.
     *
     * @return the error type, or {@code null}
     */
    public String lastError() {
        return lastError;
    }
}
