package io.github.drkit.jdbc.idempotency.internal;

import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The completion and release of a claimed record, the same on every engine once the statement is
 * given (parameters: result, expiry, scope, key, claim token; and scope, key, claim token). Not API.
 */
final class RecordWrites {

    private RecordWrites() {}

    /** Stores the result of a claim; {@code false} when the claim token no longer holds the record. */
    static boolean complete(
            Connection connection,
            String completeSql,
            String table,
            IdempotencyKey key,
            String claimToken,
            byte[] result,
            Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(result, "result must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        try (PreparedStatement ps = connection.prepareStatement(completeSql)) {
            ps.setBytes(1, result);
            ps.setLong(2, expiresAt.toEpochMilli());
            ps.setString(3, key.scope());
            ps.setString(4, key.key());
            ps.setString(5, claimToken);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IdempotencyStoreException("completing idempotency key " + key + " in " + table + " failed", e);
        }
    }

    /** Finishes a claim without a result; {@code false} when the claim token no longer holds the record. */
    static boolean completeNotReplayable(
            Connection connection,
            String completeNotReplayableSql,
            String table,
            IdempotencyKey key,
            String claimToken,
            Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        try (PreparedStatement ps = connection.prepareStatement(completeNotReplayableSql)) {
            ps.setLong(1, expiresAt.toEpochMilli());
            ps.setString(2, key.scope());
            ps.setString(3, key.key());
            ps.setString(4, claimToken);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IdempotencyStoreException(
                    "completing idempotency key " + key + " (result not replayable) in " + table + " failed", e);
        }
    }

    /**
     * Whether the caller's transaction holds the store's writes: the connection does not auto-commit.
     * A connection whose mode cannot be read counts as not transactional (the cautious answer: the
     * action's effects may stand).
     */
    static boolean transactional(Connection connection) {
        try {
            return !connection.getAutoCommit();
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Deletes a claim; {@code false} when the claim token no longer holds the record, or when the
     * failure is one that rolls the caller's transaction back ({@code rolledBack}): the rollback
     * removes the claim.
     */
    static boolean release(
            Connection connection,
            String releaseSql,
            String table,
            IdempotencyKey key,
            String claimToken,
            Predicate<SQLException> rolledBack) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        try (PreparedStatement ps = connection.prepareStatement(releaseSql)) {
            ps.setString(1, key.scope());
            ps.setString(2, key.key());
            ps.setString(3, claimToken);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (rolledBack.test(e)) {
                return false;
            }
            throw new IdempotencyStoreException("releasing idempotency key " + key + " in " + table + " failed", e);
        }
    }
}
