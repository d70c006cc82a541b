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
import io.github.drkit.core.idempotency.ClaimRequest;
import io.github.drkit.core.idempotency.Idempotency;
import io.github.drkit.core.idempotency.IdempotencyKey;
import io.github.drkit.core.idempotency.IdempotencyStore;
import io.github.drkit.core.idempotency.IdempotencyStoreContract;
import io.github.drkit.core.idempotency.IdempotencyStoreException;
import io.github.drkit.core.idempotency.ResultCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The DynamoDB store passes the store contract against the real SDK client and a DynamoDB speaking
 * the JSON 1.0 wire format on loopback, and fails clearly when DynamoDB throttles, errs, times out or
 * answers with something unreadable.
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
        // newStore reads clock(), the same clock the suite passes here
        return newStore(Duration.ofSeconds(3));
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
