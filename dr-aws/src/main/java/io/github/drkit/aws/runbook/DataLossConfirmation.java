package io.github.drkit.aws.runbook;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's confirmation that an unplanned Aurora global database failover may lose the writes
 * not yet replicated: it names the global database and states the replication lag the operator
 * measured and accepts. The failover step refuses unless the stated lag covers the lag it measures
 * itself, or, when no lag can be measured (the primary region is down), unless the operator said
 * so ({@code lag=unknown}). Immutable.
 *
 * @param globalClusterIdentifier the global database the confirmation is for
 * @param acceptedLag the lag the operator states and accepts; empty for {@code lag=unknown}
 */
public record DataLossConfirmation(String globalClusterIdentifier, Optional<Duration> acceptedLag) {

    /**
     * Validates the components.
     *
     * @param globalClusterIdentifier see the record component
     * @param acceptedLag see the record component
     * @throws IllegalArgumentException if the identifier is blank or the lag negative
     * @throws NullPointerException if a component is {@code null}
     */
    public DataLossConfirmation {
        Objects.requireNonNull(globalClusterIdentifier, "globalClusterIdentifier must not be null");
        if (globalClusterIdentifier.isBlank()) {
            throw new IllegalArgumentException("the data-loss confirmation must name the global database");
        }
        Objects.requireNonNull(acceptedLag, "acceptedLag must not be null");
        acceptedLag.ifPresent(lag -> {
            if (lag.isNegative()) {
                throw new IllegalArgumentException("the accepted lag must not be negative (was " + lag + ")");
            }
        });
    }

    /**
     * Parses the command-line form {@code <global-cluster>:lag=<duration>} or {@code
     * <global-cluster>:lag=unknown}, the duration as {@code 4s}, {@code 1500ms}, {@code 2m} or ISO-8601
     * ({@code PT4S}).
     *
     * @param text the confirmation, such as {@code "orders-global:lag=4s"}
     * @return the confirmation
     * @throws IllegalArgumentException naming the text if it is not of that form
     */
    public static DataLossConfirmation parse(String text) {
        Objects.requireNonNull(text, "confirmation must not be null");
        int colon = text.lastIndexOf(":lag=");
        if (colon <= 0) {
            throw new IllegalArgumentException("--confirm-data-loss must be <global-cluster>:lag=<measured lag>"
                    + " (such as orders-global:lag=4s, or orders-global:lag=unknown when no lag can be measured);"
                    + " was \"" + text + "\"");
        }
        String cluster = text.substring(0, colon);
        String lag = text.substring(colon + ":lag=".length()).trim();
        if (lag.equalsIgnoreCase("unknown")) {
            return new DataLossConfirmation(cluster, Optional.empty());
        }
        return new DataLossConfirmation(cluster, Optional.of(parseDuration("--confirm-data-loss lag", lag)));
    }

    /**
     * Parses {@code 4s}, {@code 1500ms}, {@code 2m}, {@code 1h} or ISO-8601.
     *
     * @param field what is parsed, for the message
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException naming the field and the text
     */
    static Duration parseDuration(String field, String text) {
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text);
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            switch (text.charAt(text.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                field + " must be a duration such as 4s, 1500ms, 2m or PT4S (was \"" + text + "\")");
    }

    /**
     * The confirmation as typed on the command line.
     *
     * @return {@code <global-cluster>:lag=<duration|unknown>}
     */
    @Override
    public String toString() {
        return globalClusterIdentifier + ":lag="
                + acceptedLag.map(Duration::toString).orElse("unknown");
    }
}
