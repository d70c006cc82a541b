package io.github.drkit.aws;

import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.IdempotencyItems;
import io.github.drkit.aws.internal.Require;
import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyState;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * An {@link IdempotencyStore} in a DynamoDB table, for services whose data lives in DynamoDB or that
 * want the records outside their relational database. Each SPI call is one conditional request, so
 * claims never race:
 *
 * <ul>
 *   <li>{@link #claim}: {@code PutItem} of the in-progress record with the condition "absent, or
 *       expired, or in progress with an expired lease and the same fingerprint" (the rule of {@link
 *       IdempotencyRecord#isClaimableBy}); a refused claim returns the blocking record from the same
 *       request ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}).
 *   <li>{@link #complete} and {@link #completeNotReplayable}: {@code UpdateItem} conditioned on "in
 *       progress with this claim token".
 *   <li>{@link #release}: {@code DeleteItem} with the same condition.
 *   <li>{@link #find}: strongly consistent {@code GetItem}.
 *   <li>{@link #purgeExpired}: a {@code Scan} for expired records and a conditional {@code
 *       DeleteItem} of each; it reads the whole table, so prefer DynamoDB's TTL deletion (the TTL
 *       attribute is written on every record, see {@link #enableTimeToLiveRequest()}).
 * </ul>
 *
 * <p><b>SDK retries.</b> The SDK retries a request whose answer was lost (a reset connection, a
 * timeout, a 5xx) although its first attempt may already have been applied. Every conditional write
 * here asks for the item that failed its condition ({@code ALL_OLD}) and recognises its own earlier
 * attempt by the claim token, which is unique to one execution: a retried claim that finds the
 * in-progress record carrying its own token has claimed the key; a retried {@code complete} that finds
 * the record completed with its token and the same result, or a retried {@code completeNotReplayable}
 * that finds it not replayable with its token, has succeeded; a retried {@code release} (the SDK made
 * more than one attempt) that finds no record has released it. Leave the SDK's retries on.
 *
 * <p>Expired records count as absent whether or not DynamoDB has deleted them yet (TTL deletion
 * happens within days). Times are stored as epoch milliseconds. Records hold at most {@value
 * #MAX_RESULT_BYTES} bytes of result ({@link #maxResultBytes()}): DynamoDB's item limit of 400 KB
 * (409,600 bytes, names and values counted) less the most the record's other attributes can take
 * ({@value #MAX_OTHER_ATTRIBUTE_BYTES} bytes: 255-character scope and key, the id built from them, a
 * 128-character fingerprint, a 64-character claim token, a 255-character TTL attribute name, the
 * numbers at DynamoDB's 21-byte maximum) less a reserve of {@value #RESERVE_BYTES} bytes for
 * attributes that DynamoDB itself may add to an item (as version 2017.11.29 global tables do). {@link
 * Idempotency} records a larger result as {@linkplain IdempotencyState#NOT_REPLAYABLE not replayable}:
 * the caller gets it once, and a retry is refused instead of run again.
 *
 * <p>With a DynamoDB global table, conditional writes are atomic only within the region that
 * receives them and replication is asynchronous: two regions can each claim the same key during a
 * regional failover. Use a global table with multi-region strong consistency, or route all writes of
 * a key to one region, if that matters. A claim that finds a live holder may wait for it ({@link
 * ClaimRequest#maxWait()}), polling with strongly consistent reads; the wait is real time.
 *
 * <p>Uses the given client and never closes it; starts no thread. Thread-safe.
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "drkit_idempotency";

    /** The default name of the TTL attribute. */
    public static final String DEFAULT_TTL_ATTRIBUTE = "ttl";

    /** DynamoDB's item size limit: 400 KB, where DynamoDB counts 1 KB as 1,024 bytes. */
    static final int ITEM_LIMIT_BYTES = 400 * 1024;

    /**
     * The most the record's attributes other than the result's value can take, names included (see
     * the class comment): id 517, scope 260, idemKey 262, state 19, fingerprint 139, claimToken 74,
     * the name {@code result} 6, leaseExpiresAt 35, expiresAt 30, a TTL attribute of a 255-character
     * name 276.
     */
    static final int MAX_OTHER_ATTRIBUTE_BYTES = 517 + 260 + 262 + 19 + 139 + 74 + 6 + 35 + 30 + 276;

    /** Room left in every item for attributes DynamoDB adds itself. */
    static final int RESERVE_BYTES = 1024;

    /** The largest stored result, in bytes: {@value}. */
    public static final int MAX_RESULT_BYTES = ITEM_LIMIT_BYTES - MAX_OTHER_ATTRIBUTE_BYTES - RESERVE_BYTES;

    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.\\-]{3,255}");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");
    private static final int CLAIM_ATTEMPTS = 3;

    private static final String CLAIM_CONDITION = "attribute_not_exists(#id) OR #expiresAt <= :now"
            + " OR (#state = :inProgress AND #leaseExpiresAt <= :now AND #fingerprint = :fingerprint)";
    private static final String HELD_CONDITION = "#state = :inProgress AND #claimToken = :claimToken";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String ttlAttribute;
    private final IdempotencyItems items;
    private final Clock clock;
    private final Duration claimPollInterval;
    private final Sleeper sleeper;

    private DynamoDbIdempotencyStore(Builder builder) {
        this.dynamoDb = builder.dynamoDb;
        this.table = builder.table;
        this.ttlAttribute = builder.ttlAttribute;
        this.items = new IdempotencyItems(builder.ttlAttribute);
        this.clock = builder.clock;
        this.claimPollInterval = builder.claimPollInterval;
        this.sleeper = builder.sleeper;
    }

    /**
     * Starts a builder.
     *
     * @param dynamoDb the DynamoDB client of the table's region; not closed by drkit
     * @return a builder
     * @throws NullPointerException if {@code dynamoDb} is {@code null}
     */
    public static Builder builder(DynamoDbClient dynamoDb) {
        return new Builder(Objects.requireNonNull(dynamoDb, "dynamoDb must not be null"));
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Objects.requireNonNull(request, "request must not be null");
        long maxWaitNanos = saturatedNanos(request.maxWait());
        long deadline = System.nanoTime() + maxWaitNanos;
        while (true) {
            ClaimResult result = tryClaim(request);
            if (maxWaitNanos == 0
                    || !(result instanceof ClaimResult.Conflict conflict)
                    || conflict.existing().state() != IdempotencyState.IN_PROGRESS
                    || !conflict.existing().fingerprint().equals(request.fingerprint())) {
                return result;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return result;
            }
            try {
                sleeper.sleep(Duration.ofNanos(Math.min(remaining, claimPollInterval.toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
        }
    }

    private ClaimResult tryClaim(ClaimRequest request) {
        IdempotencyRecord candidate = request.toInProgressRecord();
        for (int attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
            try {
                PutItemResponse written = dynamoDb.putItem(r -> r.tableName(table)
                        .item(items.toItem(candidate))
                        .returnValues(ReturnValue.ALL_OLD)
                        .conditionExpression(CLAIM_CONDITION)
                        .expressionAttributeNames(Map.of(
                                "#id", IdempotencyItems.ID,
                                "#expiresAt", IdempotencyItems.EXPIRES_AT,
                                "#state", IdempotencyItems.STATE,
                                "#leaseExpiresAt", IdempotencyItems.LEASE_EXPIRES_AT,
                                "#fingerprint", IdempotencyItems.FINGERPRINT))
                        .expressionAttributeValues(Map.of(
                                ":now", IdempotencyItems.millis(request.now()),
                                ":inProgress", IdempotencyItems.s(IdempotencyState.IN_PROGRESS.name()),
                                ":fingerprint",
                                        IdempotencyItems.s(request.fingerprint().value())))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                IdempotencyRecord replaced = replacedRecord(written, request.key());
                return ClaimResult.Claimed.replacing(candidate, replaced, request.now());
            } catch (ConditionalCheckFailedException refused) {
                Optional<IdempotencyRecord> blocking = oldRecord(refused, request.key());
                if (blocking.isEmpty()) {
                    blocking = read(request.key());
                }
                if (blocking.isPresent()
                        && blocking.get().state() == IdempotencyState.IN_PROGRESS
                        && blocking.get().claimToken().equals(candidate.claimToken())) {
                    // An SDK retry of this very claim, whose first attempt was applied but whose answer was lost.
                    return new ClaimResult.Claimed(candidate);
                }
                if (blocking.isPresent() && !blocking.get().isClaimableBy(request.fingerprint(), request.now())) {
                    return new ClaimResult.Conflict(blocking.get());
                }
                // The blocking record went away (or became claimable) between the write and the read: try again.
            } catch (SdkException e) {
                throw failure("PutItem (claim)", request.key(), e);
            }
        }
        return new ClaimResult.Busy(request.key());
    }

    /**
     * {@inheritDoc}
     *
     * <p>A retried request (by the SDK, or a second call) that finds the record already completed
     * with this claim token and the same result returns {@code true}; the stored result is never
     * changed.
     *
     * @throws IdempotencyStoreException also if the result is larger than {@value #MAX_RESULT_BYTES}
     *     bytes (nothing is written; the claim stays until its lease expires)
     */
    @Override
    public boolean complete(IdempotencyKey key, String claimToken, byte[] result, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(result, "result must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        if (result.length > MAX_RESULT_BYTES) {
            throw new IdempotencyStoreException(
                    "the result of idempotency key " + key + " is " + result.length + " bytes; the DynamoDB store"
                            + " keeps at most " + MAX_RESULT_BYTES + " bytes (a DynamoDB item holds 400 KB)",
                    null);
        }
        return finish(
                "UpdateItem (complete)",
                key,
                claimToken,
                "SET #state = :completed, #result = :result, #expiresAt = :expiresAt, #ttl = :ttl"
                        + " REMOVE #leaseExpiresAt",
                Map.of("#result", IdempotencyItems.RESULT),
                Map.of(
                        ":completed", IdempotencyItems.s(IdempotencyState.COMPLETED.name()),
                        ":result", AttributeValue.fromB(SdkBytes.fromByteArray(result)),
                        ":expiresAt", IdempotencyItems.millis(expiresAt),
                        ":ttl", IdempotencyItems.ttlSeconds(expiresAt)),
                old -> old.state() == IdempotencyState.COMPLETED && Arrays.equals(old.result(), result));
    }

    /**
     * {@inheritDoc}
     *
     * @return {@value #MAX_RESULT_BYTES}: DynamoDB's 400 KB item limit less what the record's other
     *     attributes can take and a reserve (see the class comment)
     */
    @Override
    public int maxResultBytes() {
        return MAX_RESULT_BYTES;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code UpdateItem} conditioned on "in progress with this claim token". A retried request
     * that finds the record already not replayable under this claim token returns {@code true}.
     */
    @Override
    public boolean completeNotReplayable(IdempotencyKey key, String claimToken, Instant expiresAt) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        return finish(
                "UpdateItem (completeNotReplayable)",
                key,
                claimToken,
                "SET #state = :notReplayable, #expiresAt = :expiresAt, #ttl = :ttl REMOVE #leaseExpiresAt",
                Map.of(),
                Map.of(
                        ":notReplayable", IdempotencyItems.s(IdempotencyState.NOT_REPLAYABLE.name()),
                        ":expiresAt", IdempotencyItems.millis(expiresAt),
                        ":ttl", IdempotencyItems.ttlSeconds(expiresAt)),
                old -> old.state() == IdempotencyState.NOT_REPLAYABLE);
    }

    /**
     * Applies an update to the record held under {@code claimToken}; if the condition fails, answers
     * {@code true} only when the record already shows this execution's update ({@code alreadyDone}
     * for a record that carries the token), as after an SDK retry whose first attempt was applied.
     */
    private boolean finish(
            String operation,
            IdempotencyKey key,
            String claimToken,
            String update,
            Map<String, String> moreNames,
            Map<String, AttributeValue> moreValues,
            Predicate<IdempotencyRecord> alreadyDone) {
        Map<String, String> names = new HashMap<>(moreNames);
        names.put("#state", IdempotencyItems.STATE);
        names.put("#expiresAt", IdempotencyItems.EXPIRES_AT);
        names.put("#ttl", ttlAttribute);
        names.put("#leaseExpiresAt", IdempotencyItems.LEASE_EXPIRES_AT);
        names.put("#claimToken", IdempotencyItems.CLAIM_TOKEN);
        Map<String, AttributeValue> values = new HashMap<>(moreValues);
        values.put(":inProgress", IdempotencyItems.s(IdempotencyState.IN_PROGRESS.name()));
        values.put(":claimToken", IdempotencyItems.s(claimToken));
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(IdempotencyItems.primaryKey(key))
                    .updateExpression(update)
                    .conditionExpression(HELD_CONDITION)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return true;
        } catch (ConditionalCheckFailedException notHeld) {
            return oldRecord(notHeld, key)
                    .filter(old -> old.claimToken().equals(claimToken))
                    .filter(alreadyDone)
                    .isPresent();
        } catch (SdkException e) {
            throw failure(operation, key, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A retried {@code DeleteItem} (the SDK made more than one attempt) that finds no record
     * returns {@code true}: an earlier attempt of this call deleted it (or it had expired and was
     * removed; either way nothing of this execution's is left).
     */
    @Override
    public boolean release(IdempotencyKey key, String claimToken) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(claimToken, "claimToken must not be null");
        try {
            dynamoDb.deleteItem(r -> r.tableName(table)
                    .key(IdempotencyItems.primaryKey(key))
                    .conditionExpression(HELD_CONDITION)
                    .expressionAttributeNames(
                            Map.of("#state", IdempotencyItems.STATE, "#claimToken", IdempotencyItems.CLAIM_TOKEN))
                    .expressionAttributeValues(Map.of(
                            ":inProgress", IdempotencyItems.s(IdempotencyState.IN_PROGRESS.name()),
                            ":claimToken", IdempotencyItems.s(claimToken)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return true;
        } catch (ConditionalCheckFailedException notHeld) {
            boolean gone = !notHeld.hasItem() || notHeld.item().isEmpty();
            return gone && notHeld.numAttempts() != null && notHeld.numAttempts() > 1;
        } catch (SdkException e) {
            throw failure("DeleteItem (release)", key, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never returns a record that has expired by this store's clock, even if DynamoDB has not
     * deleted it yet.
     */
    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        Objects.requireNonNull(key, "key must not be null");
        Instant now = clock.instant();
        return read(key).filter(record -> !record.isExpired(now));
    }

    private Optional<IdempotencyRecord> read(IdempotencyKey key) {
        Map<String, AttributeValue> item;
        try {
            item = dynamoDb.getItem(r -> r.tableName(table)
                            .key(IdempotencyItems.primaryKey(key))
                            .consistentRead(true))
                    .item();
        } catch (SdkException e) {
            throw failure("GetItem", key, e);
        }
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(decode(item, key));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Scans the whole table (paginated) for records that expired at or before {@code now} and
     * deletes each with a condition that it is still expired, so a record claimed again meanwhile is
     * kept. Costs read capacity in proportion to the table's size: with TTL enabled on the table,
     * running it is optional.
     */
    @Override
    public long purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        AttributeValue nowValue = IdempotencyItems.millis(now);
        long purged = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            ScanResponse page;
            try {
                page = dynamoDb.scan(r -> r.tableName(table)
                        .filterExpression("#expiresAt <= :now")
                        .projectionExpression("#id")
                        .expressionAttributeNames(
                                Map.of("#expiresAt", IdempotencyItems.EXPIRES_AT, "#id", IdempotencyItems.ID))
                        .expressionAttributeValues(Map.of(":now", nowValue))
                        .consistentRead(true)
                        .exclusiveStartKey(from));
            } catch (SdkException e) {
                throw new IdempotencyStoreException(
                        "DynamoDB Scan of table " + table + " for expired records failed: " + AwsErrors.describe(e), e);
            }
            for (Map<String, AttributeValue> found : page.items()) {
                AttributeValue id = found.get(IdempotencyItems.ID);
                if (id == null) {
                    continue;
                }
                try {
                    dynamoDb.deleteItem(r -> r.tableName(table)
                            .key(Map.of(IdempotencyItems.ID, id))
                            .conditionExpression("#expiresAt <= :now")
                            .expressionAttributeNames(Map.of("#expiresAt", IdempotencyItems.EXPIRES_AT))
                            .expressionAttributeValues(Map.of(":now", nowValue))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                    purged++;
                } catch (ConditionalCheckFailedException refused) {
                    // Claimed again since the scan: kept. Gone on an SDK retry: an earlier attempt deleted it.
                    if ((!refused.hasItem() || refused.item().isEmpty())
                            && refused.numAttempts() != null
                            && refused.numAttempts() > 1) {
                        purged++;
                    }
                } catch (SdkException e) {
                    throw new IdempotencyStoreException(
                            "DynamoDB DeleteItem of expired record " + id.s() + " in table " + table + " failed: "
                                    + AwsErrors.describe(e),
                            e);
                }
            }
            startKey =
                    page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return purged;
    }

    /**
     * A request that creates this store's table (on-demand capacity, partition key {@code id}).
     * Enable TTL on it afterwards with {@link #enableTimeToLiveRequest()}.
     *
     * @return the request, for {@code DynamoDbClient.createTable}
     */
    public CreateTableRequest createTableRequest() {
        return CreateTableRequest.builder()
                .tableName(table)
                .keySchema(KeySchemaElement.builder()
                        .attributeName(IdempotencyItems.ID)
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(IdempotencyItems.ID)
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
    }

    /**
     * A request that turns on DynamoDB TTL deletion on this store's TTL attribute.
     *
     * @return the request, for {@code DynamoDbClient.updateTimeToLive}
     */
    public UpdateTimeToLiveRequest enableTimeToLiveRequest() {
        return UpdateTimeToLiveRequest.builder()
                .tableName(table)
                .timeToLiveSpecification(s -> s.attributeName(ttlAttribute).enabled(true))
                .build();
    }

    /**
     * The table name.
     *
     * @return the table
     */
    public String table() {
        return table;
    }

    @Override
    public String toString() {
        return "DynamoDbIdempotencyStore[table=" + table + ", ttlAttribute=" + ttlAttribute + "]";
    }

    /**
     * The record a successful claim replaced ({@code ALL_OLD}), only to tell a takeover apart: an
     * item that does not decode counts as none, since the claim has been written either way.
     */
    private IdempotencyRecord replacedRecord(PutItemResponse written, IdempotencyKey key) {
        if (!written.hasAttributes() || written.attributes().isEmpty()) {
            return null;
        }
        try {
            return decode(written.attributes(), key);
        } catch (IdempotencyStoreException notARecord) {
            return null;
        }
    }

    /** The item a refused conditional write returned ({@code ALL_OLD}), if there was one. */
    private Optional<IdempotencyRecord> oldRecord(ConditionalCheckFailedException refused, IdempotencyKey key) {
        return refused.hasItem() && !refused.item().isEmpty()
                ? Optional.of(decode(refused.item(), key))
                : Optional.empty();
    }

    private IdempotencyRecord decode(Map<String, AttributeValue> item, IdempotencyKey key) {
        try {
            return items.fromItem(item);
        } catch (IllegalArgumentException e) {
            throw new IdempotencyStoreException(
                    "the item of idempotency key " + key + " in DynamoDB table " + table
                            + " is not a drkit idempotency record: " + e.getMessage(),
                    e);
        }
    }

    private IdempotencyStoreException failure(String operation, IdempotencyKey key, SdkException e) {
        return new IdempotencyStoreException(
                "DynamoDB " + operation + " of idempotency key " + key + " in table " + table + " failed: "
                        + AwsErrors.describe(e),
                e);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** Builds a {@link DynamoDbIdempotencyStore}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final DynamoDbClient dynamoDb;
        private String table = DEFAULT_TABLE;
        private String ttlAttribute = DEFAULT_TTL_ATTRIBUTE;
        private Clock clock = Clock.systemUTC();
        private Duration claimPollInterval = Duration.ofMillis(50);
        private Sleeper sleeper = Sleeper.system();

        private Builder(DynamoDbClient dynamoDb) {
            this.dynamoDb = dynamoDb;
        }

        /**
         * Sets the table name.
         *
         * @param table 3-255 characters of letters, digits, '_', '-', '.' (default {@value
         *     #DEFAULT_TABLE})
         * @return this builder
         */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /**
         * Sets the name of the attribute that DynamoDB TTL deletion reads.
         *
         * @param ttlAttribute an attribute name not used by the record layout (default {@value
         *     #DEFAULT_TTL_ATTRIBUTE})
         * @return this builder
         */
        public Builder ttlAttribute(String ttlAttribute) {
            this.ttlAttribute = ttlAttribute;
            return this;
        }

        /**
         * Sets the clock that decides whether {@link #find} shows a record; use the {@link
         * Idempotency}'s clock.
         *
         * @param clock the clock (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets how often a claim that waits for a live holder polls the table.
         *
         * @param claimPollInterval {@code > 0} (default 50 ms)
         * @return this builder
         */
        public Builder claimPollInterval(Duration claimPollInterval) {
            this.claimPollInterval = claimPollInterval;
            return this;
        }

        /**
         * Sets how a waiting claim pauses between polls.
         *
         * @param sleeper the sleeper (default {@link Sleeper#system()})
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the store
         * @throws IllegalArgumentException naming the field, if the table or TTL attribute name is
         *     invalid, the TTL attribute collides with a record attribute, or the poll interval is not
         *     positive
         * @throws NullPointerException if a value is {@code null}
         */
        public DynamoDbIdempotencyStore build() {
            Objects.requireNonNull(table, "table must not be null");
            if (!TABLE.matcher(table).matches()) {
                throw new IllegalArgumentException(
                        "table must be 3-255 letters, digits, '_', '-' or '.' (was \"" + table + "\")");
            }
            Objects.requireNonNull(ttlAttribute, "ttlAttribute must not be null");
            if (!ATTRIBUTE.matcher(ttlAttribute).matches()) {
                throw new IllegalArgumentException(
                        "ttlAttribute must be 1-255 letters, digits, '_', '-' or '.' (was \"" + ttlAttribute + "\")");
            }
            if (java.util.Set.of(
                            IdempotencyItems.ID,
                            IdempotencyItems.SCOPE,
                            IdempotencyItems.KEY,
                            IdempotencyItems.STATE,
                            IdempotencyItems.FINGERPRINT,
                            IdempotencyItems.CLAIM_TOKEN,
                            IdempotencyItems.RESULT,
                            IdempotencyItems.LEASE_EXPIRES_AT,
                            IdempotencyItems.EXPIRES_AT)
                    .contains(ttlAttribute)) {
                throw new IllegalArgumentException(
                        "ttlAttribute must not be one of the record's own attributes (was \"" + ttlAttribute + "\")");
            }
            Objects.requireNonNull(clock, "clock must not be null");
            Require.positive("claimPollInterval", claimPollInterval);
            Objects.requireNonNull(sleeper, "sleeper must not be null");
            return new DynamoDbIdempotencyStore(this);
        }
    }
}
