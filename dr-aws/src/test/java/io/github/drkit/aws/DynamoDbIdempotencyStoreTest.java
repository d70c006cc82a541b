package io.github.drkit.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.drkit.aws.FakeDynamoDb.LostAnswer;
import io.github.drkit.aws.internal.IdempotencyItems;
import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.ClaimResult;
import io.github.drkit.core.idempotency.Fingerprint;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyRecord;
import io.github.drkit.core.idempotency.IdempotencyResultNotReplayableException;
import io.github.drkit.core.idempotency.IdempotencyState;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreContract;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.IdempotentOutcome;
import io.github.drkit.core.idempotency.ResultCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The DynamoDB store passes the store contract against the real SDK client, with the SDK's standard
 * retries on, and a DynamoDB speaking the JSON 1.0 wire format on loopback; it recognises its own
 * writes when the SDK retries a request whose answer was lost after it was applied; it records results
 * too large for an item as not replayable; and it fails clearly when DynamoDB throttles, errs, times
 * out or answers with something unreadable (those cases use a client without retries, so that each
 * fault is seen once).
 */
class DynamoDbIdempotencyStoreTest extends IdempotencyStoreContract {

    private static final String TABLE = "orders_idempotency";
    private static final FakeDynamoDb DYNAMO = new FakeDynamoDb(TABLE);

    @RegisterExtension
    static final WireMockExtension WM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(DYNAMO))
            .build();

    private final AwsTestClients clients = new AwsTestClients();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void serveFakeDynamoDb() {
        DYNAMO.clear();
        WM.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", matching("DynamoDB_20120810\\..+"))
                .atPriority(10)
                .willReturn(aResponse().withTransformers(FakeDynamoDb.NAME)));
    }

    @AfterEach
    void closeClients() throws Exception {
        clients.close();
    }

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        // retryingStore reads clock(), the same clock the suite passes here
        return retryingStore();
    }

    /** A store on a client with the SDK's standard retries (3 attempts, small real back-off). */
    private DynamoDbIdempotencyStore retryingStore() {
        return DynamoDbIdempotencyStore.builder(
                        clients.dynamoDb(WM.baseUrl(), AwsTestClients.standardRetries(Duration.ofSeconds(3))))
                .table(TABLE)
                .clock(clock())
                .claimPollInterval(Duration.ofMillis(20))
                .build();
    }

    private Idempotency idempotency() {
        return Idempotency.builder()
                .clock(clock())
                .leaseDuration(LEASE)
                .recordTtl(TTL)
                .build();
    }

    private DynamoDbIdempotencyStore newStore(Duration attemptTimeout) {
        return DynamoDbIdempotencyStore.builder(clients.dynamoDb(WM.baseUrl(), attemptTimeout))
                .table(TABLE)
                .clock(clock())
                .claimPollInterval(Duration.ofMillis(20))
                .build();
    }

    private ClaimRequest request(String token) {
        Instant now = clock().instant();
        return new ClaimRequest(KEY, PAYLOAD, token, now, now.plus(LEASE), now.plus(TTL), Duration.ZERO);
    }

    private void failNext(String operation, int status, String body) {
        WM.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810." + operation))
                .atPriority(1)
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody(body)));
    }

    @Test
    void aClaimIsOneConditionalPutItemInDynamoDbsWireFormat() {
        clock().advance(Duration.ofMillis(250));
        Instant now = clock().instant();
        DynamoDbIdempotencyStore store = newStore(Duration.ofSeconds(3));
        var threadsBefore = Threads.drkit();

        store.claim(request("token-1"));

        assertThat(Threads.drkit()).as("starts no thread").isSubsetOf(threadsBefore);
        WM.verify(
                1,
                postRequestedFor(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.PutItem"))
                        .withHeader("Content-Type", matching("application/x-amz-json-1\\.0.*"))
                        .withHeader(
                                "Authorization",
                                matching("AWS4-HMAC-SHA256 Credential=" + AwsTestClients.ACCESS_KEY_ID
                                        + "/\\d{8}/ap-northeast-2/dynamodb/aws4_request.*"))
                        .withRequestBody(equalToJson(
                                """
                        {"TableName":"orders_idempotency",
                         "ReturnValuesOnConditionCheckFailure":"ALL_OLD",
                         "Item":{"id":{"S":"8:tenant-1/order-42"},"scope":{"S":"tenant-1"},
                                 "idemKey":{"S":"order-42"},"state":{"S":"IN_PROGRESS"},
                                 "fingerprint":{"S":"%s"},"claimToken":{"S":"token-1"},
                                 "leaseExpiresAt":{"N":"%d"},"expiresAt":{"N":"%d"},"ttl":{"N":"%d"}}}
                        """.formatted(
                                                PAYLOAD.value(),
                                                now.plus(LEASE).toEpochMilli(),
                                                now.plus(TTL).toEpochMilli(),
                                                now.plus(TTL).getEpochSecond() + 1),
                                true,
                                true)));
        ObjectNode stored = DYNAMO.item("8:tenant-1/order-42");
        assertThat(stored.get("ttl").get("N").asText())
                .as("TTL is epoch seconds rounded up, never before the record expires")
                .isEqualTo(Long.toString(now.plus(TTL).getEpochSecond() + 1));
    }

    @ParameterizedTest
    @EnumSource(LostAnswer.class)
    void aClaimWhoseAnswerWasLostIsRecognisedAsItsOwnWhenTheSdkRetriesIt(LostAnswer lost) {
        DynamoDbIdempotencyStore store = retryingStore();
        AtomicInteger runs = new AtomicInteger();
        DYNAMO.applyThenLose("PutItem", lost);

        IdempotentOutcome<String> outcome = idempotency()
                .execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "receipt-" + runs.incrementAndGet());

        assertThat(outcome).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(DYNAMO.answersStillToLose("PutItem")).isZero();
        assertThat(DYNAMO.calls("PutItem"))
                .as("the applied attempt whose answer was lost, and the SDK's retry")
                .isEqualTo(2);
        IdempotencyRecord record = store.find(KEY).orElseThrow();
        assertThat(record.state()).isEqualTo(IdempotencyState.COMPLETED);
        assertThat(record.result()).isEqualTo("receipt-1".getBytes(StandardCharsets.UTF_8));
        assertThat(idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "again"))
                .isEqualTo(new IdempotentOutcome<>("receipt-1", true));
        assertThat(runs).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(LostAnswer.class)
    void aCompletionWhoseAnswerWasLostIsASuccessWhenTheSdkRetriesIt(LostAnswer lost) {
        DynamoDbIdempotencyStore store = retryingStore();
        AtomicInteger runs = new AtomicInteger();
        DYNAMO.applyThenLose("UpdateItem", lost);

        IdempotentOutcome<String> outcome = idempotency()
                .execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "receipt-" + runs.incrementAndGet());

        assertThat(outcome).isEqualTo(new IdempotentOutcome<>("receipt-1", false));
        assertThat(DYNAMO.calls("UpdateItem")).isEqualTo(2);
        assertThat(store.find(KEY).orElseThrow().result()).isEqualTo("receipt-1".getBytes(StandardCharsets.UTF_8));
        assertThat(idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "again"))
                .isEqualTo(new IdempotentOutcome<>("receipt-1", true));
        assertThat(runs).hasValue(1);
    }

    @Test
    void aCompletionWhoseAnswerWasLostTwiceIsStillASuccessOnTheSdksLastAttempt() {
        DynamoDbIdempotencyStore store = retryingStore();
        Instant now = clock().instant();
        assertThat(store.claim(request("token-1"))).isInstanceOf(ClaimResult.Claimed.class);
        DYNAMO.applyThenLose("UpdateItem", LostAnswer.SERVER_ERROR, LostAnswer.CONNECTION_RESET);

        assertThat(store.complete(KEY, "token-1", new byte[] {4, 2}, now.plus(TTL)))
                .isTrue();

        assertThat(DYNAMO.calls("UpdateItem")).isEqualTo(3);
        assertThat(store.find(KEY).orElseThrow())
                .isEqualTo(IdempotencyRecord.completed(KEY, PAYLOAD, "token-1", new byte[] {4, 2}, now.plus(TTL)));
        assertThat(store.complete(KEY, "token-1", new byte[] {9}, now.plus(TTL)))
                .as("another result under the same token is not mistaken for a retry")
                .isFalse();
        assertThat(store.complete(KEY, "token-2", new byte[] {4, 2}, now.plus(TTL)))
                .as("nor is the same result under another token")
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(LostAnswer.class)
    void aReleaseWhoseAnswerWasLostIsASuccessAndTheKeyIsFree(LostAnswer lost) {
        DynamoDbIdempotencyStore store = retryingStore();
        assertThat(store.claim(request("token-1"))).isInstanceOf(ClaimResult.Claimed.class);
        DYNAMO.applyThenLose("DeleteItem", lost);

        assertThat(store.release(KEY, "token-1")).isTrue();

        assertThat(DYNAMO.calls("DeleteItem")).isEqualTo(2);
        assertThat(DYNAMO.item("8:tenant-1/order-42")).isNull();
        assertThat(store.release(KEY, "token-1"))
                .as("a later, single-attempt release finds nothing of its own")
                .isFalse();
    }

    @Test
    void aFailedActionWhoseReleaseAnswerWasLostLeavesTheKeyFreeForARetry() {
        DynamoDbIdempotencyStore store = retryingStore();
        IllegalStateException boom = new IllegalStateException("payment gateway down");
        DYNAMO.applyThenLose("DeleteItem", LostAnswer.EMPTY_RESPONSE);

        assertThatThrownBy(() -> idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    throw boom;
                }))
                .isSameAs(boom)
                .satisfies(thrown -> assertThat(thrown.getSuppressed()).isEmpty());

        assertThat(idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "receipt"))
                .isEqualTo(new IdempotentOutcome<>("receipt", false));
    }

    @Test
    void aResultTooLargeForAnItemIsReturnedOnceAndARetryIsRefusedWithoutARun() {
        DynamoDbIdempotencyStore store = retryingStore();
        String large = "x".repeat(store.maxResultBytes() + 1);
        AtomicInteger runs = new AtomicInteger();
        DYNAMO.applyThenLose("UpdateItem", LostAnswer.CONNECTION_RESET);

        IdempotentOutcome<String> first = idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
            runs.incrementAndGet();
            return large;
        });

        assertThat(first.value()).isSameAs(large);
        assertThat(first.replayed()).isFalse();
        assertThat(DYNAMO.calls("UpdateItem")).as("its lost answer was retried").isEqualTo(2);
        IdempotencyRecord record = store.find(KEY).orElseThrow();
        assertThat(record.state()).isEqualTo(IdempotencyState.NOT_REPLAYABLE);
        assertThat(record.result()).isNull();
        assertThat(DYNAMO.item("8:tenant-1/order-42").has("result")).isFalse();
        assertThat(DYNAMO.item("8:tenant-1/order-42").has("leaseExpiresAt")).isFalse();

        clock().advance(LEASE.multipliedBy(2));
        assertThatThrownBy(() -> idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                    runs.incrementAndGet();
                    return large;
                }))
                .isInstanceOf(IdempotencyResultNotReplayableException.class)
                .hasMessageContaining(KEY.toString());
        assertThat(runs).hasValue(1);
    }

    @Test
    void theLargestResultFitsAnItemWhoseOtherAttributesAreAtTheirLongest() {
        String ttlAttribute = "t".repeat(255);
        DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder(
                        clients.dynamoDb(WM.baseUrl(), AwsTestClients.standardRetries(Duration.ofSeconds(3))))
                .table(TABLE)
                .ttlAttribute(ttlAttribute)
                .clock(clock())
                .build();
        IdempotencyKey longest = IdempotencyKey.of("s".repeat(255), "k".repeat(255));
        String token = "c".repeat(IdempotencyRecord.MAX_CLAIM_TOKEN_LENGTH);
        Instant now = clock().instant();
        assertThat(store.claim(new ClaimRequest(
                        longest,
                        Fingerprint.of("f".repeat(Fingerprint.MAX_LENGTH)),
                        token,
                        now,
                        now.plus(LEASE),
                        now.plus(TTL),
                        Duration.ZERO)))
                .isInstanceOf(ClaimResult.Claimed.class);

        assertThat(store.complete(longest, token, new byte[store.maxResultBytes()], now.plus(TTL)))
                .isTrue();

        int size = DYNAMO.itemSize(IdempotencyItems.id(longest));
        assertThat(store.maxResultBytes()).isEqualTo(DynamoDbIdempotencyStore.MAX_RESULT_BYTES);
        assertThat(size)
                .as("the item by DynamoDB's sizing rules, with the reserve for DynamoDB's own attributes left free")
                .isLessThanOrEqualTo(FakeDynamoDb.ITEM_LIMIT - DynamoDbIdempotencyStore.RESERVE_BYTES);
        assertThat(store.find(longest).orElseThrow().result()).hasSize(store.maxResultBytes());
    }

    @Test
    void anItemOverDynamoDbsLimitIsRefusedByTheFakeAsByDynamoDb() {
        var client = clients.dynamoDb(WM.baseUrl());

        assertThatThrownBy(() -> client.putItem(r -> r.tableName(TABLE)
                        .item(java.util.Map.of(
                                "id",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("x"),
                                "result",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(
                                        software.amazon.awssdk.core.SdkBytes.fromByteArray(
                                                new byte[FakeDynamoDb.ITEM_LIMIT - 9 + 1]))))))
                .hasMessageContaining("Item size has exceeded the maximum allowed size");
        client.putItem(r -> r.tableName(TABLE)
                .item(java.util.Map.of(
                        "id",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("x"),
                        "result",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(
                                software.amazon.awssdk.core.SdkBytes.fromByteArray(
                                        new byte[FakeDynamoDb.ITEM_LIMIT - 9])))));
        assertThat(DYNAMO.itemSize("x")).isEqualTo(FakeDynamoDb.ITEM_LIMIT);
    }

    @Test
    void everyReadAsksForAStronglyConsistentAnswer() {
        DynamoDbIdempotencyStore store = retryingStore();
        idempotency().execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "receipt");
        DYNAMO.applyThenLose("GetItem", LostAnswer.CONNECTION_RESET);

        assertThat(store.find(KEY)).isPresent();
        clock().advance(TTL);
        assertThat(store.purgeExpired(clock().instant())).isEqualTo(1);

        List<LoggedRequest> reads = WM.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", matching("DynamoDB_20120810\\.(GetItem|Scan)")));
        assertThat(reads)
                .as("the GetItem, its retry, and the Scan")
                .hasSize(3)
                .allSatisfy(read -> assertThat(json.readTree(read.getBodyAsString())
                                .path("ConsistentRead")
                                .isBoolean())
                        .isTrue())
                .allSatisfy(read -> assertThat(json.readTree(read.getBodyAsString())
                                .path("ConsistentRead")
                                .booleanValue())
                        .isTrue());
    }

    @Test
    void aRefusedClaimLearnsTheBlockingRecordFromTheSameRequest() {
        Idempotency idempotency = Idempotency.builder().clock(clock()).build();
        DynamoDbIdempotencyStore store = newStore(Duration.ofSeconds(3));
        idempotency.execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "receipt");
        int getsBefore = DYNAMO.calls("GetItem");
        int putsBefore = DYNAMO.calls("PutItem");

        assertThat(idempotency
                        .execute(store, KEY, PAYLOAD, ResultCodec.utf8(), () -> "again")
                        .replayed())
                .isTrue();

        assertThat(DYNAMO.calls("PutItem") - putsBefore).isEqualTo(1);
        assertThat(DYNAMO.calls("GetItem") - getsBefore).isZero();
    }

    @Test
    void aCustomTtlAttributeCarriesTheExpiry() {
        DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder(clients.dynamoDb(WM.baseUrl()))
                .table(TABLE)
                .ttlAttribute("expires_epoch")
                .clock(clock())
                .build();

        store.claim(request("token-1"));
        store.complete(KEY, "token-1", new byte[] {1}, clock().instant().plus(Duration.ofDays(2)));

        ObjectNode item = DYNAMO.item("8:tenant-1/order-42");
        assertThat(item.has("ttl")).isFalse();
        assertThat(item.get("expires_epoch").get("N").asText())
                .isEqualTo(
                        Long.toString(clock().instant().plus(Duration.ofDays(2)).getEpochSecond()));
        assertThat(item.has("leaseExpiresAt"))
                .as("REMOVE of the lease on completion")
                .isFalse();
        assertThat(item.get("state").get("S").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void throttlingIsAStoreFailureNamingTableKeyAndErrorAndTheActionDoesNotRun() {
        failNext(
                "PutItem",
                400,
                "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                        + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}");
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> Idempotency.builder()
                        .clock(clock())
                        .build()
                        .execute(newStore(Duration.ofSeconds(3)), KEY, PAYLOAD, ResultCodec.utf8(), () -> {
                            runs.incrementAndGet();
                            return "x";
                        }))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining(
                        "PutItem (claim) of idempotency key tenant-1/order-42 in table orders_idempotency")
                .hasMessageContaining("ProvisionedThroughputExceededException (HTTP 400")
                .hasCauseInstanceOf(ProvisionedThroughputExceededException.class);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aServerErrorOnCompleteIsAStoreFailureAndTheClaimStays() {
        DynamoDbIdempotencyStore store = newStore(Duration.ofSeconds(3));
        store.claim(request("token-1"));
        failNext("UpdateItem", 500, "{\"__type\":\"InternalServerError\",\"message\":\"Internal server error\"}");

        assertThatThrownBy(() -> store.complete(
                        KEY, "token-1", new byte[] {1}, clock().instant().plus(TTL)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("UpdateItem (complete)")
                .hasMessageContaining("HTTP 500");
        assertThat(store.find(KEY).orElseThrow().claimToken()).isEqualTo("token-1");
    }

    @Test
    void anUnreadableAnswerIsAStoreFailure() {
        failNext("GetItem", 200, "<html><body>502 Bad Gateway</body></html>");

        assertThatThrownBy(() -> newStore(Duration.ofSeconds(3)).find(KEY))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("GetItem of idempotency key tenant-1/order-42");
    }

    @Test
    void aSlowDynamoDbFailsTheCallWithinTheClientsAttemptTimeout() {
        WM.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.PutItem"))
                .atPriority(1)
                .willReturn(aResponse().withStatus(200).withBody("{}").withFixedDelay(3_000)));
        DynamoDbIdempotencyStore store = newStore(Duration.ofMillis(300));
        long start = System.nanoTime();

        assertThatThrownBy(() -> store.claim(request("token-1")))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasCauseInstanceOf(ApiCallAttemptTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void anUnknownTableIsAStoreFailureNamingIt() {
        DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder(clients.dynamoDb(WM.baseUrl()))
                .table("no_such_table")
                .build();

        assertThatThrownBy(() -> store.claim(request("token-1")))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("in table no_such_table failed: ResourceNotFoundException");
    }

    @Test
    void anItemThatIsNotADrkitRecordIsReportedNotMisread() {
        ObjectNode foreign = json.createObjectNode();
        foreign.putObject("id").put("S", "8:tenant-1/order-42");
        foreign.putObject("state").put("S", "DONE");
        DYNAMO.putRaw("8:tenant-1/order-42", foreign);

        assertThatThrownBy(() -> newStore(Duration.ofSeconds(3)).claim(request("token-1")))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("is not a drkit idempotency record: attribute scope is missing");
    }

    @Test
    void aResultTooLargeForAnItemIsRefusedBeforeAnythingIsSent() {
        DynamoDbIdempotencyStore store = newStore(Duration.ofSeconds(3));
        store.claim(request("token-1"));

        assertThatThrownBy(() -> store.complete(
                        KEY, "token-1", new byte[DynamoDbIdempotencyStore.MAX_RESULT_BYTES + 1], clock().instant()))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("is " + (DynamoDbIdempotencyStore.MAX_RESULT_BYTES + 1) + " bytes");
        assertThat(DYNAMO.calls("UpdateItem")).isZero();
    }

    @Test
    void completeAndReleaseOfAnAbsentKeyAreRefusedByTheirCondition() {
        DynamoDbIdempotencyStore store = newStore(Duration.ofSeconds(3));
        IdempotencyKey absent = IdempotencyKey.of("tenant-1", "never-claimed");

        assertThat(store.complete(
                        absent, "token", new byte[] {1}, clock().instant().plus(TTL)))
                .isFalse();
        assertThat(store.release(absent, "token")).isFalse();
        assertThat(DYNAMO.item("8:tenant-1/never-claimed")).isNull();
    }

    @Test
    void theTableAndTtlRequestsDescribeWhatTheStoreNeeds() {
        DynamoDbIdempotencyStore store = DynamoDbIdempotencyStore.builder(clients.dynamoDb(WM.baseUrl()))
                .table("orders_idempotency")
                .ttlAttribute("expires_epoch")
                .build();

        CreateTableRequest create = store.createTableRequest();
        UpdateTimeToLiveRequest ttl = store.enableTimeToLiveRequest();

        assertThat(create.tableName()).isEqualTo("orders_idempotency");
        assertThat(create.keySchema()).singleElement().satisfies(k -> {
            assertThat(k.attributeName()).isEqualTo("id");
            assertThat(k.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(create.billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(ttl.timeToLiveSpecification().attributeName()).isEqualTo("expires_epoch");
        assertThat(ttl.timeToLiveSpecification().enabled()).isTrue();
    }

    @Test
    void theBuilderNamesTheBadField() {
        var dynamo = clients.dynamoDb(WM.baseUrl());
        assertThatThrownBy(() ->
                        DynamoDbIdempotencyStore.builder(dynamo).table("x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table must be 3-255 letters, digits, '_', '-' or '.' (was \"x\")");
        assertThatThrownBy(() -> DynamoDbIdempotencyStore.builder(dynamo)
                        .ttlAttribute("state")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttlAttribute must not be one of the record's own attributes (was \"state\")");
        assertThatThrownBy(() -> DynamoDbIdempotencyStore.builder(dynamo)
                        .claimPollInterval(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("claimPollInterval must be > 0 (was PT0S)");
        assertThatThrownBy(() -> DynamoDbIdempotencyStore.builder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("dynamoDb must not be null");
    }

    @Test
    void conditionalCheckFailuresCarryTheOldItemOnTheWire() {
        DynamoDbIdempotencyStore store = newStore(Duration.ofSeconds(3));
        store.claim(request("first"));
        var client = clients.dynamoDb(WM.baseUrl());

        ConditionalCheckFailedException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConditionalCheckFailedException.class,
                () -> client.putItem(r -> r.tableName(TABLE)
                        .item(java.util.Map.of(
                                "id",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                        "8:tenant-1/order-42")))
                        .conditionExpression("attribute_not_exists(id)")
                        .returnValuesOnConditionCheckFailure("ALL_OLD")));

        assertThat(refused.hasItem()).isTrue();
        assertThat(refused.item().get("claimToken").s()).isEqualTo("first");
    }
}
