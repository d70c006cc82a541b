package io.github.drkit.jdbc;

/**
 * Classifies failures for retry decisions. Both methods look at the throwable and its causes, so a
 * drkit exception wrapped by a framework (for example Spring's {@code DataAccessException}) is still
 * recognised. Stateless and thread-safe.
 */
public final class FailoverErrors {

    private static final int MAX_CAUSE_DEPTH = 16;

    private FailoverErrors() {}

    /**
     * Answers whether the whole unit of work (a transaction from its start) may simply be run again:
     * true for {@link NoWriterException} and {@link NoReaderException} (nothing was sent) and {@link
     * FailoverInterruptedException} (the server rolled the transaction back).
     *
     * @param failure the failure, may be {@code null}
     * @return whether re-running the unit of work cannot apply it twice
     */
    public static boolean isRetryableUnitOfWork(Throwable failure) {
        return find(failure, false);
    }

    /**
     * Answers whether the unit of work may be run again when it is protected by an idempotency key:
     * everything {@link #isRetryableUnitOfWork} accepts, plus {@link CommitOutcomeUnknownException}.
     *
     * @param failure the failure, may be {@code null}
     * @return whether a keyed re-run is safe
     */
    public static boolean isRetryableWithIdempotencyKey(Throwable failure) {
        return find(failure, true);
    }

    private static boolean find(Throwable failure, boolean acceptUnknownCommit) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
            if (t instanceof NoWriterException
                    || t instanceof NoReaderException
                    || t instanceof FailoverInterruptedException) {
                return true;
            }
            if (acceptUnknownCommit && t instanceof CommitOutcomeUnknownException) {
                return true;
            }
            if (t.getCause() == t) {
                return false;
            }
            t = t.getCause();
        }
        return false;
    }
}
