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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *   <li>{@link #complete}: {@code UpdateItem} conditioned on "in progress with this claim token".
 *   <li>{@link #release}: {@code DeleteItem} with the same condition.
 *   <li>{@link #find}: strongly consistent {@code GetItem}.
 *   <li>{@link #purgeExpired}: a {@code Scan} for expired records and a conditional {@code
 *       DeleteItem} of each; it reads the whole table, so prefer DynamoDB's TTL deletion (the TTL
 *       attribute is written on every record, see {@link #enableTimeToLiveRequest()}).
 * </ul>
 *
 * <p>Expired records count as absent whether or not DynamoDB has deleted them yet (TTL deletion
 * happens within days). Times are stored as epoch milliseconds. Records hold at most {@value
 * #MAX_RESULT_BYTES} bytes of result (a DynamoDB item holds 400 KB).
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

    /** The largest stored result. */
    public static final int MAX_RESULT_BYTES = 350 * 1024;

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
                dynamoDb.putItem(r -> r.tableName(table)
                        .item(items.toItem(candidate))
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
                return new ClaimResult.Claimed(candidate);
            } catch (ConditionalCheckFailedException refused) {
                Optional<IdempotencyRecord> blocking =
                        refused.hasItem() && !refused.item().isEmpty()
                                ? Optional.of(decode(refused.item(), request.key()))
                                : read(request.key());
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
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(IdempotencyItems.primaryKey(key))
                    .updateExpression("SET #state = :completed, #result = :result, #expiresAt = :expiresAt,"
                            + " #ttl = :ttl REMOVE #leaseExpiresAt")
                    .conditionExpression(HELD_CONDITION)
                    .expressionAttributeNames(Map.of(
                            "#state", IdempotencyItems.STATE,
                            "#result", IdempotencyItems.RESULT,
                            "#expiresAt", IdempotencyItems.EXPIRES_AT,
                            "#ttl", ttlAttribute,
                            "#leaseExpiresAt", IdempotencyItems.LEASE_EXPIRES_AT,
                            "#claimToken", IdempotencyItems.CLAIM_TOKEN))
                    .expressionAttributeValues(Map.of(
                            ":completed", IdempotencyItems.s(IdempotencyState.COMPLETED.name()),
                            ":result", AttributeValue.fromB(SdkBytes.fromByteArray(result)),
                            ":expiresAt", IdempotencyItems.millis(expiresAt),
                            ":ttl", IdempotencyItems.ttlSeconds(expiresAt),
                            ":inProgress", IdempotencyItems.s(IdempotencyState.IN_PROGRESS.name()),
                            ":claimToken", IdempotencyItems.s(claimToken))));
            return true;
        } catch (ConditionalCheckFailedException notHeld) {
            return false;
        } catch (SdkException e) {
            throw failure("UpdateItem (complete)", key, e);
        }
    }

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
                            ":claimToken", IdempotencyItems.s(claimToken))));
            return true;
        } catch (ConditionalCheckFailedException notHeld) {
            return false;
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
                            .expressionAttributeValues(Map.of(":now", nowValue)));
                    purged++;
                } catch (ConditionalCheckFailedException claimedAgain) {
                    // claimed again since the scan: keep it
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
