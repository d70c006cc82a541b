package io.github.drkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A single-table DynamoDB, served by WireMock in DynamoDB's JSON 1.0 wire format, for the idempotency
 * store's tests. It keeps items in memory and evaluates the condition, update and projection
 * expressions that requests send (a subset of DynamoDB's grammar: comparisons, {@code
 * attribute_exists}/{@code attribute_not_exists}, AND/OR/NOT, parentheses; {@code SET path = :value}
 * and {@code REMOVE path}), so the store's expressions are tested, not assumed. Each request is
 * applied atomically under one lock, as DynamoDB applies a conditional write to one item. Scans
 * return pages of {@link #SCAN_PAGE} items, to exercise pagination. Anything outside the subset is
 * answered with a ValidationException, so the test fails loudly.
 *
 * <p>Writes that would make an item larger than DynamoDB's 400 KB (409,600 bytes, by the sizing rules
 * of DynamoDB's developer guide: UTF-8 names and strings, raw binary bytes, numbers at one byte per two
 * significant digits plus one) are refused with DynamoDB's ValidationException.
 *
 * <p>{@link #applyThenLose} makes the next requests of an operation take effect and then lose their
 * answer (a reset connection, an empty response, or HTTP 500), as when a response is lost on the way
 * back and the SDK retries a request that was already applied.
 */
public final class FakeDynamoDb implements ResponseDefinitionTransformerV2 {

    /** The transformer name to use in stubs: {@code aResponse().withTransformers(FakeDynamoDb.NAME)}. */
    public static final String NAME = "fake-dynamodb";

    static final int SCAN_PAGE = 2;

    /** DynamoDB's item size limit in bytes. */
    static final int ITEM_LIMIT = 400 * 1024;

    /** How an applied request's answer is lost. */
    public enum LostAnswer {
        /** The connection is reset instead of an answer. */
        CONNECTION_RESET,
        /** The connection closes without an answer. */
        EMPTY_RESPONSE,
        /** DynamoDB answers HTTP 500 InternalServerError although the write was applied. */
        SERVER_ERROR
    }

    private static final String PREFIX = "com.amazonaws.dynamodb.v20120810#";

    private final ObjectMapper json = new ObjectMapper();
    private final String table;
    private final TreeMap<String, ObjectNode> items = new TreeMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Deque<LostAnswer>> lost = new ConcurrentHashMap<>();

    /**
     * Creates an empty table.
     *
     * @param table the table name requests must use
     */
    public FakeDynamoDb(String table) {
        this.table = table;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** How many requests of an operation (e.g. {@code PutItem}) were served. */
    public int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** The stored item with this id, or {@code null}. */
    public synchronized ObjectNode item(String id) {
        ObjectNode item = items.get(id);
        return item == null ? null : item.deepCopy();
    }

    /** Stores an item as given, bypassing conditions. */
    public synchronized void putRaw(String id, ObjectNode item) {
        items.put(id, item);
    }

    /** How many items are stored. */
    public synchronized int size() {
        return items.size();
    }

    /** Removes every item, resets the call counts and forgets answers still to be lost. */
    public synchronized void clear() {
        items.clear();
        calls.clear();
        lost.clear();
    }

    /**
     * The next requests of {@code operation} are applied (or refused by their condition) as usual, and
     * then their answers are lost, one per request, in the order given.
     *
     * @param operation e.g. {@code PutItem}
     * @param answers how each answer is lost
     */
    public synchronized void applyThenLose(String operation, LostAnswer... answers) {
        lost.computeIfAbsent(operation, o -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /** How many answers of {@code operation} are still to be lost. */
    public synchronized int answersStillToLose(String operation) {
        Deque<LostAnswer> queue = lost.get(operation);
        return queue == null ? 0 : queue.size();
    }

    /** The size of the stored item with this id by DynamoDB's sizing rules, or -1 if there is none. */
    public synchronized int itemSize(String id) {
        ObjectNode item = items.get(id);
        return item == null ? -1 : size(item);
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        String target = serveEvent.getRequest().getHeader("X-Amz-Target");
        String operation = target.substring(target.indexOf('.') + 1);
        calls.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
        try {
            JsonNode request = json.readTree(serveEvent.getRequest().getBodyAsString());
            if (!table.equals(request.path("TableName").asText())) {
                return error("ResourceNotFoundException", "Requested resource not found", null);
            }
            String unused = unusedPlaceholders(request);
            if (unused != null) {
                return error("ValidationException", unused, null);
            }
            synchronized (this) {
                ResponseDefinition answer = switch (operation) {
                    case "PutItem" -> putItem(request);
                    case "GetItem" -> getItem(request);
                    case "UpdateItem" -> updateItem(request);
                    case "DeleteItem" -> deleteItem(request);
                    case "Scan" -> scan(request);
                    default -> error("ValidationException", "fake does not support " + operation, null);
                };
                Deque<LostAnswer> toLose = lost.get(operation);
                LostAnswer lose = toLose == null ? null : toLose.poll();
                return lose == null ? answer : lostAnswer(lose);
            }
        } catch (IOException | IllegalArgumentException e) {
            return error("ValidationException", "fake cannot handle the request: " + e.getMessage(), null);
        }
    }

    private ResponseDefinition lostAnswer(LostAnswer lose) {
        return switch (lose) {
            case CONNECTION_RESET ->
                ResponseDefinitionBuilder.responseDefinition()
                        .withFault(Fault.CONNECTION_RESET_BY_PEER)
                        .build();
            case EMPTY_RESPONSE ->
                ResponseDefinitionBuilder.responseDefinition()
                        .withFault(Fault.EMPTY_RESPONSE)
                        .build();
            case SERVER_ERROR ->
                ResponseDefinitionBuilder.responseDefinition()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                                + "\"message\":\"Internal server error\"}")
                        .build();
        };
    }

    private ResponseDefinition tooLarge() {
        return error("ValidationException", "Item size has exceeded the maximum allowed size", null);
    }

    /** An item's size by the rules of DynamoDB's developer guide ("DynamoDB item sizes and formats"). */
    static int size(JsonNode item) {
        int size = 0;
        Iterator<Map.Entry<String, JsonNode>> attributes = item.fields();
        while (attributes.hasNext()) {
            Map.Entry<String, JsonNode> attribute = attributes.next();
            size += utf8(attribute.getKey());
            JsonNode value = attribute.getValue();
            if (value.has("S")) {
                size += utf8(value.get("S").asText());
            } else if (value.has("B")) {
                size += Base64.getDecoder().decode(value.get("B").asText()).length;
            } else if (value.has("N")) {
                String digits = new BigDecimal(value.get("N").asText())
                        .stripTrailingZeros()
                        .unscaledValue()
                        .abs()
                        .toString();
                size += (digits.length() + 1) / 2 + 1;
            } else {
                throw new IllegalArgumentException("fake cannot size attribute " + attribute.getKey());
            }
        }
        return size;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private ResponseDefinition putItem(JsonNode request) {
        ObjectNode item = (ObjectNode) request.get("Item");
        String id = id(item);
        ObjectNode existing = items.get(id);
        if (request.has("ConditionExpression")
                && !new Expression(request, existing == null ? json.createObjectNode() : existing).condition()) {
            return conditionFailed(request, existing);
        }
        if (size(item) > ITEM_LIMIT) {
            return tooLarge();
        }
        items.put(id, item.deepCopy());
        ObjectNode answer = json.createObjectNode();
        if ("ALL_OLD".equals(request.path("ReturnValues").asText()) && existing != null) {
            answer.set("Attributes", existing.deepCopy());
        }
        return ok(answer);
    }

    private ResponseDefinition getItem(JsonNode request) {
        ObjectNode existing = items.get(id(request.get("Key")));
        ObjectNode answer = json.createObjectNode();
        if (existing != null) {
            answer.set("Item", existing.deepCopy());
        }
        return ok(answer);
    }

    private ResponseDefinition updateItem(JsonNode request) {
        String id = id(request.get("Key"));
        ObjectNode existing = items.get(id);
        ObjectNode current = existing == null ? (ObjectNode) request.get("Key").deepCopy() : existing.deepCopy();
        if (request.has("ConditionExpression")
                && !new Expression(request, existing == null ? json.createObjectNode() : existing).condition()) {
            return conditionFailed(request, existing);
        }
        new Expression(request, current)
                .applyUpdate(request.get("UpdateExpression").asText());
        if (size(current) > ITEM_LIMIT) {
            return tooLarge();
        }
        items.put(id, current);
        return ok(json.createObjectNode());
    }

    private ResponseDefinition deleteItem(JsonNode request) {
        String id = id(request.get("Key"));
        ObjectNode existing = items.get(id);
        if (request.has("ConditionExpression")
                && !new Expression(request, existing == null ? json.createObjectNode() : existing).condition()) {
            return conditionFailed(request, existing);
        }
        items.remove(id);
        return ok(json.createObjectNode());
    }

    private ResponseDefinition scan(JsonNode request) {
        String after = request.has("ExclusiveStartKey") ? id(request.get("ExclusiveStartKey")) : null;
        Iterator<Map.Entry<String, ObjectNode>> rest =
                (after == null ? items : items.tailMap(after, false)).entrySet().iterator();
        ObjectNode answer = json.createObjectNode();
        var found = answer.putArray("Items");
        int evaluated = 0;
        String last = null;
        while (rest.hasNext() && evaluated < SCAN_PAGE) {
            Map.Entry<String, ObjectNode> entry = rest.next();
            evaluated++;
            last = entry.getKey();
            Expression expression = new Expression(request, entry.getValue());
            if (!request.has("FilterExpression")
                    || expression.evaluateText(request.get("FilterExpression").asText())) {
                found.add(
                        request.has("ProjectionExpression")
                                ? expression.project(
                                        request.get("ProjectionExpression").asText())
                                : entry.getValue().deepCopy());
            }
        }
        answer.put("Count", found.size());
        answer.put("ScannedCount", evaluated);
        if (rest.hasNext() && last != null) {
            answer.putObject("LastEvaluatedKey").putObject("id").put("S", last);
        }
        return ok(answer);
    }

    /** DynamoDB refuses names and values that no expression of the request uses. */
    private static String unusedPlaceholders(JsonNode request) {
        StringBuilder expressions = new StringBuilder();
        for (String field :
                List.of("ConditionExpression", "UpdateExpression", "FilterExpression", "ProjectionExpression")) {
            expressions.append(' ').append(request.path(field).asText(""));
        }
        List<String> used = Arrays.asList(expressions.toString().split("[\\s(),=<>]+"));
        for (String field : List.of("ExpressionAttributeNames", "ExpressionAttributeValues")) {
            Iterator<String> keys = request.path(field).fieldNames();
            while (keys.hasNext()) {
                String key = keys.next();
                if (!used.contains(key)) {
                    return "Value provided in " + field + " unused in expressions: keys: {" + key + "}";
                }
            }
        }
        return null;
    }

    private static String id(JsonNode item) {
        JsonNode id = item == null ? null : item.path("id").get("S");
        if (id == null) {
            throw new IllegalArgumentException("the key must have a string attribute 'id'");
        }
        return id.asText();
    }

    private ResponseDefinition conditionFailed(JsonNode request, ObjectNode existing) {
        ObjectNode old = "ALL_OLD"
                                .equals(request.path("ReturnValuesOnConditionCheckFailure")
                                        .asText())
                        && existing != null
                ? existing.deepCopy()
                : null;
        return error("ConditionalCheckFailedException", "The conditional request failed", old);
    }

    private ResponseDefinition ok(ObjectNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody(body.toString())
                .build();
    }

    private ResponseDefinition error(String type, String message, ObjectNode item) {
        ObjectNode body = json.createObjectNode();
        body.put("__type", PREFIX + type);
        body.put("message", message);
        if (item != null) {
            body.set("Item", item);
        }
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody(body.toString())
                .build();
    }

    /** Evaluates expressions of one request against one item. */
    private final class Expression {

        private final JsonNode request;
        private final JsonNode names;
        private final JsonNode values;
        private final ObjectNode item;
        private List<String> tokens;
        private int position;

        Expression(JsonNode request, ObjectNode item) {
            this.request = request;
            this.names = request.path("ExpressionAttributeNames");
            this.values = request.path("ExpressionAttributeValues");
            this.item = item;
        }

        boolean condition() {
            return evaluateText(request.get("ConditionExpression").asText());
        }

        boolean evaluateText(String text) {
            tokens = tokenize(text);
            position = 0;
            boolean result = or();
            if (position != tokens.size()) {
                throw new IllegalArgumentException("unexpected token " + tokens.get(position) + " in " + text);
            }
            return result;
        }

        private boolean or() {
            boolean result = and();
            while (peekKeyword("OR")) {
                position++;
                boolean right = and();
                result = result || right;
            }
            return result;
        }

        private boolean and() {
            boolean result = not();
            while (peekKeyword("AND")) {
                position++;
                boolean right = not();
                result = result && right;
            }
            return result;
        }

        private boolean not() {
            if (peekKeyword("NOT")) {
                position++;
                return !not();
            }
            return primary();
        }

        private boolean primary() {
            String token = next();
            if (token.equals("(")) {
                boolean inner = or();
                expect(")");
                return inner;
            }
            if (token.equals("attribute_exists") || token.equals("attribute_not_exists")) {
                expect("(");
                String attribute = name(next());
                expect(")");
                boolean exists = item.has(attribute);
                return token.equals("attribute_exists") == exists;
            }
            JsonNode left = operand(token);
            String comparator = next();
            JsonNode right = operand(next());
            return compare(left, comparator, right);
        }

        private JsonNode operand(String token) {
            if (token.startsWith(":")) {
                JsonNode value = values.get(token);
                if (value == null) {
                    throw new IllegalArgumentException("undefined value " + token);
                }
                return value;
            }
            return item.get(name(token));
        }

        private String name(String token) {
            if (token.startsWith("#")) {
                JsonNode name = names.get(token);
                if (name == null) {
                    throw new IllegalArgumentException("undefined name " + token);
                }
                return name.asText();
            }
            if (!token.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("not an attribute name: " + token);
            }
            return token;
        }

        private boolean compare(JsonNode left, String comparator, JsonNode right) {
            if (left == null || right == null) {
                return false;
            }
            Integer order = order(left, right);
            if (order == null) {
                return comparator.equals("<>");
            }
            return switch (comparator) {
                case "=" -> order == 0;
                case "<>" -> order != 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> throw new IllegalArgumentException("unknown comparator " + comparator);
            };
        }

        private Integer order(JsonNode left, JsonNode right) {
            if (left.has("N") && right.has("N")) {
                return new BigDecimal(left.get("N").asText())
                        .compareTo(new BigDecimal(right.get("N").asText()));
            }
            if (left.has("S") && right.has("S")) {
                return left.get("S").asText().compareTo(right.get("S").asText());
            }
            if (left.has("B") && right.has("B")) {
                return Arrays.compareUnsigned(
                        Base64.getDecoder().decode(left.get("B").asText()),
                        Base64.getDecoder().decode(right.get("B").asText()));
            }
            return null;
        }

        void applyUpdate(String text) {
            tokens = tokenize(text);
            position = 0;
            while (position < tokens.size()) {
                String section = next();
                if (section.equalsIgnoreCase("SET")) {
                    do {
                        String attribute = name(next());
                        expect("=");
                        item.set(attribute, operand(next()).deepCopy());
                    } while (skip(","));
                } else if (section.equalsIgnoreCase("REMOVE")) {
                    do {
                        item.remove(name(next()));
                    } while (skip(","));
                } else {
                    throw new IllegalArgumentException("unsupported update section " + section);
                }
            }
        }

        ObjectNode project(String text) {
            tokens = tokenize(text);
            position = 0;
            ObjectNode projected = json.createObjectNode();
            do {
                String attribute = name(next());
                if (item.has(attribute)) {
                    projected.set(attribute, item.get(attribute).deepCopy());
                }
            } while (skip(","));
            return projected;
        }

        private boolean skip(String token) {
            if (position < tokens.size() && tokens.get(position).equals(token)) {
                position++;
                return true;
            }
            return false;
        }

        private boolean peekKeyword(String keyword) {
            return position < tokens.size() && tokens.get(position).equalsIgnoreCase(keyword);
        }

        private String next() {
            if (position >= tokens.size()) {
                throw new IllegalArgumentException("expression ends too early");
            }
            return tokens.get(position++);
        }

        private void expect(String token) {
            String actual = next();
            if (!actual.equals(token)) {
                throw new IllegalArgumentException("expected " + token + " but found " + actual);
            }
        }

        private List<String> tokenize(String text) {
            List<String> result = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '(' || c == ')' || c == ',' || c == '=') {
                    result.add(String.valueOf(c));
                    i++;
                } else if (c == '<' || c == '>') {
                    if (i + 1 < text.length()
                            && (text.charAt(i + 1) == '=' || (c == '<' && text.charAt(i + 1) == '>'))) {
                        result.add(text.substring(i, i + 2));
                        i += 2;
                    } else {
                        result.add(String.valueOf(c));
                        i++;
                    }
                } else {
                    int start = i;
                    while (i < text.length() && "()=,<> \t\n".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    result.add(text.substring(start, i));
                }
            }
            return result;
        }
    }
}
