package io.github.drkit.aws.internal;

import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB item layout of an idempotency record. Times are epoch milliseconds (as in the JDBC
 * store); the TTL attribute is epoch seconds, rounded up so that DynamoDB never deletes a record
 * before it expires. Not API. Immutable and thread-safe.
 *
 * <pre>
 * id             S  "&lt;scope length&gt;:&lt;scope&gt;/&lt;key&gt;"  (partition key, unambiguous)
 * scope, idemKey S  the key's parts
 * state          S  IN_PROGRESS | COMPLETED | NOT_REPLAYABLE
 * fingerprint    S
 * claimToken     S
 * result         B  (COMPLETED only)
 * leaseExpiresAt N  epoch ms (IN_PROGRESS only)
 * expiresAt      N  epoch ms
 * &lt;ttl&gt;          N  epoch s, for DynamoDB's TTL deletion
 * </pre>
 */
public final class IdempotencyItems {

    /** Partition key attribute. */
    public static final String ID = "id";
    /** Scope attribute. */
    public static final String SCOPE = "scope";
    /** Key attribute. */
    public static final String KEY = "idemKey";
    /** State attribute. */
    public static final String STATE = "state";
    /** Fingerprint attribute. */
    public static final String FINGERPRINT = "fingerprint";
    /** Claim token attribute. */
    public static final String CLAIM_TOKEN = "claimToken";
    /** Result attribute. */
    public static final String RESULT = "result";
    /** Lease expiry attribute. */
    public static final String LEASE_EXPIRES_AT = "leaseExpiresAt";
    /** Record expiry attribute. */
    public static final String EXPIRES_AT = "expiresAt";

    private final String ttlAttribute;

    /**
     * Creates the layout.
     *
     * @param ttlAttribute the name of the TTL attribute
     */
    public IdempotencyItems(String ttlAttribute) {
        this.ttlAttribute = ttlAttribute;
    }

    /**
     * The partition key value of a key.
     *
     * @param key the key
     * @return the id
     */
    public static String id(IdempotencyKey key) {
        return key.scope().length() + ":" + key.scope() + "/" + key.key();
    }

    /**
     * The primary key of a key's item.
     *
     * @param key the key
     * @return the key map
     */
    public static Map<String, AttributeValue> primaryKey(IdempotencyKey key) {
        return Map.of(ID, s(id(key)));
    }

    /**
     * The item of a record.
     *
     * @param record the record
     * @return the item
     */
    public Map<String, AttributeValue> toItem(IdempotencyRecord record) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ID, s(id(record.key())));
        item.put(SCOPE, s(record.key().scope()));
        item.put(KEY, s(record.key().key()));
        item.put(STATE, s(record.state().name()));
        item.put(FINGERPRINT, s(record.fingerprint().value()));
        item.put(CLAIM_TOKEN, s(record.claimToken()));
        if (record.result() != null) {
            item.put(RESULT, AttributeValue.fromB(SdkBytes.fromByteArray(record.result())));
        }
        if (record.leaseExpiresAt() != null) {
            item.put(LEASE_EXPIRES_AT, millis(record.leaseExpiresAt()));
        }
        item.put(EXPIRES_AT, millis(record.expiresAt()));
        item.put(ttlAttribute, ttlSeconds(record.expiresAt()));
        return item;
    }

    /**
     * Reads a record from an item.
     *
     * @param item the item
     * @return the record
     * @throws IllegalArgumentException naming the attribute, if the item is not a drkit record
     */
    public IdempotencyRecord fromItem(Map<String, AttributeValue> item) {
        IdempotencyKey key = IdempotencyKey.of(text(item, SCOPE), text(item, KEY));
        IdempotencyState state;
        try {
            state = IdempotencyState.valueOf(text(item, STATE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attribute " + STATE
                    + " must be IN_PROGRESS, COMPLETED or NOT_REPLAYABLE (was " + text(item, STATE) + ")");
        }
        AttributeValue result = item.get(RESULT);
        if (result != null && result.b() == null) {
            throw new IllegalArgumentException("attribute " + RESULT + " must be binary (B)");
        }
        return new IdempotencyRecord(
                key,
                state,
                Fingerprint.of(text(item, FINGERPRINT)),
                text(item, CLAIM_TOKEN),
                result == null ? null : result.b().asByteArray(),
                item.containsKey(LEASE_EXPIRES_AT) ? instant(item, LEASE_EXPIRES_AT) : null,
                instant(item, EXPIRES_AT));
    }

    /**
     * A string value.
     *
     * @param value the text
     * @return the attribute value
     */
    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /**
     * An epoch-millisecond number value.
     *
     * @param instant the time
     * @return the attribute value
     */
    public static AttributeValue millis(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
    }

    /**
     * The TTL value of an expiry: epoch seconds, rounded up.
     *
     * @param expiresAt the expiry
     * @return the attribute value
     */
    public static AttributeValue ttlSeconds(Instant expiresAt) {
        long seconds = expiresAt.getEpochSecond() + (expiresAt.getNano() > 0 ? 1 : 0);
        return AttributeValue.fromN(Long.toString(seconds));
    }

    private static String text(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        if (value == null || value.s() == null) {
            throw new IllegalArgumentException("attribute " + attribute + " is missing or not a string (S)");
        }
        return value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        if (value == null || value.n() == null) {
            throw new IllegalArgumentException("attribute " + attribute + " is missing or not a number (N)");
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(value.n()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "attribute " + attribute + " must be whole epoch milliseconds (was " + value.n() + ")");
        }
    }
}
