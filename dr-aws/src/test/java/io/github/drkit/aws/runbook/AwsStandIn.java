package io.github.drkit.aws.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A two-region AWS for the runbook tests, served by WireMock in each API's real wire format and
 * keeping state between requests: RDS (Query/XML: Aurora global database, one read replica), SSM
 * Parameter Store (JSON 1.1), Route 53 (REST-XML records and changes) and the Route 53 ARC cluster
 * API (JSON 1.0). One transformer per WireMock server: a regional server answers RDS and SSM for its
 * region, the global one Route 53 and ARC. Every request is counted by operation; a request of an
 * operation this stand-in does not know is answered 400 so a test fails loudly.
 */
final class AwsStandIn {

    static final String SEOUL = "ap-northeast-2";
    static final String TOKYO = "ap-northeast-1";
    static final String GLOBAL = "orders-global";
    static final String SEOUL_CLUSTER = "arn:aws:rds:ap-northeast-2:123456789012:cluster:orders-seoul";
    static final String TOKYO_CLUSTER = "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-tokyo";
    static final String SEOUL_CELL =
            "arn:aws:route53-recovery-control::123456789012:controlpanel/abc/routingcontrol/seoul-cell";
    static final String TOKYO_CELL =
            "arn:aws:route53-recovery-control::123456789012:controlpanel/abc/routingcontrol/tokyo-cell";
    static final String ZONE = "Z1D633PJN98FT9";
    static final String REPLICA = "orders-tokyo";
    static final Set<String> MUTATING = Set.of(
            "SwitchoverGlobalCluster",
            "FailoverGlobalCluster",
            "PromoteReadReplica",
            "UpdateRoutingControlState",
            "UpdateRoutingControlStates",
            "ChangeResourceRecordSets",
            "PutParameter",
            "DeleteParameter");

    private static final String RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    private static final String R53_NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final ObjectMapper JSON = new ObjectMapper();

    // --- state, guarded by this
    private String writerRegion = SEOUL;
    private String globalStatus = "available";
    private String pendingTarget;
    private boolean pendingDataLoss;
    private int describesUntilDone;
    private final Map<String, String> arc = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> parameters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> records = new TreeMap<>();
    private int changeCounter;
    private final Map<String, Integer> pendingChanges = new ConcurrentHashMap<>();
    private String replicaStatus = "available";
    private String replicaSource = "arn:aws:rds:ap-northeast-2:123456789012:db:orders-seoul";
    private int promotionPolls;
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();
    private final Map<String, Integer> skipping = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    private final List<String> requestIdsOf = new java.util.concurrent.CopyOnWriteArrayList<>();

    AwsStandIn() {
        arc.put(SEOUL_CELL, "On");
        arc.put(TOKYO_CELL, "Off");
        parameters.put(SEOUL, new ConcurrentHashMap<>());
        parameters.put(TOKYO, new ConcurrentHashMap<>());
        putRecord(
                "service-be.example.com.",
                "A",
                "Z14GRHDCWA56QT",
                "dualstack.orders-seoul-1234.ap-northeast-2.elb.amazonaws.com.");
    }

    /** The transformer of a region's server (RDS, SSM) or, for region {@code null}, the global one. */
    ResponseDefinitionTransformerV2 server(String region) {
        return new ResponseDefinitionTransformerV2() {
            @Override
            public String getName() {
                return "aws-stand-in";
            }

            @Override
            public boolean applyGlobally() {
                return true;
            }

            @Override
            public ResponseDefinition transform(ServeEvent event) {
                try {
                    return answer(region, event.getRequest());
                } catch (Exception e) {
                    return new ResponseDefinition(500, "stand-in failure: " + e);
                }
            }
        };
    }

    // --- what tests set and read

    /** Where the writer is: the Aurora writer's region, or Tokyo once the RDS replica there was promoted. */
    synchronized String writerRegion() {
        return replicaSource == null ? TOKYO : writerRegion;
    }

    synchronized String arcState(String arn) {
        return arc.get(arn);
    }

    synchronized String recordTarget(String name) {
        Map<String, String> r = records.get(name + "|A|");
        return r == null ? null : r.get("DNSName");
    }

    synchronized void putRecord(String name, String type, String aliasZone, String dnsName) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("Name", name);
        r.put("Type", type);
        r.put("HostedZoneId", aliasZone);
        r.put("DNSName", dnsName);
        r.put("EvaluateTargetHealth", "true");
        records.put(name + "|" + type + "|", r);
    }

    /** A weighted alias record (the active/active recipe), replacing any record of that set. */
    synchronized void putWeighted(String name, String setIdentifier, long weight, String dnsName) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("Name", name);
        r.put("Type", "A");
        r.put("SetIdentifier", setIdentifier);
        r.put("Weight", String.valueOf(weight));
        r.put("HostedZoneId", "Z14GRHDCWA56QT");
        r.put("DNSName", dnsName);
        r.put("EvaluateTargetHealth", "true");
        records.put(name + "|A|" + setIdentifier, r);
    }

    /** The weight of a weighted record set, or {@code null}. */
    synchronized String weight(String name, String setIdentifier) {
        Map<String, String> r = records.get(name + "|A|" + setIdentifier);
        return r == null ? null : r.get("Weight");
    }

    String parameter(String region, String name) {
        return parameters.get(region).get(name);
    }

    void putParameter(String region, String name, String value) {
        parameters.get(region).put(name, value);
    }

    synchronized String replicaStatus() {
        return replicaStatus + (replicaSource == null ? "" : " replica of " + replicaSource);
    }

    /** After {@code skip} more requests of an operation, the next {@code times} are answered with a 500. */
    void failLater(String operation, int skip, int times) {
        skipping.put(operation, skip);
        failing.put(operation, times);
    }

    /** The next {@code times} requests of an operation are answered with a 500 InternalFailure. */
    void fail(String operation, int times) {
        failing.put(operation, times);
    }

    int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    int mutatingCalls() {
        return MUTATING.stream().mapToInt(this::calls).sum();
    }

    /** The request ids given to an operation's answers, in order. */
    List<String> requestIds(String operation) {
        return requestIdsOf.stream()
                .filter(s -> s.startsWith(operation + "="))
                .map(s -> s.substring(operation.length() + 1))
                .toList();
    }

    // --- dispatch

    private ResponseDefinition answer(String region, Request request) throws Exception {
        String target = request.getHeader("X-Amz-Target");
        String body = request.getBodyAsString();
        String path = request.getUrl();
        if (region == null && target != null && target.startsWith("ToggleCustomerAPI.")) {
            return arc(target.substring("ToggleCustomerAPI.".length()), JSON.readTree(body));
        }
        if (region == null && path.startsWith("/2013-04-01/")) {
            return route53(request.getMethod().getName(), path, body);
        }
        if (region != null && target != null && target.startsWith("AmazonSSM.")) {
            return ssm(region, target.substring("AmazonSSM.".length()), JSON.readTree(body));
        }
        if (region != null && body.contains("Action=")) {
            return rds(region, form(body));
        }
        return new ResponseDefinition(400, "the stand-in does not serve " + request.getMethod() + " " + path);
    }

    private String count(String operation) {
        calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        String id = String.format("7f3a%04d-1c2d-4e5f-8a9b-%012d", requestIds.incrementAndGet(), requestIds.get());
        requestIdsOf.add(operation + "=" + id);
        return id;
    }

    private boolean failNow(String operation) {
        Integer skip = skipping.get(operation);
        if (skip != null && skip > 0) {
            skipping.put(operation, skip - 1);
            return false;
        }
        Integer left = failing.get(operation);
        if (left == null || left <= 0) {
            return false;
        }
        failing.put(operation, left - 1);
        return true;
    }

    private static ResponseDefinition response(int status, String contentType, String id, String body) {
        return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", contentType)
                .withHeader("x-amzn-RequestId", id)
                .withBody(body)
                .build();
    }

    // --- RDS (Query protocol, XML answers)

    private synchronized ResponseDefinition rds(String region, Map<String, String> form) {
        String action = form.get("Action");
        String id = count(action);
        if (failNow(action)) {
            return rdsError(500, "InternalFailure", "the stand-in was told to fail " + action, id);
        }
        switch (action) {
            case "DescribeGlobalClusters":
                if (pendingTarget != null && --describesUntilDone <= 0) {
                    writerRegion = pendingTarget;
                    pendingTarget = null;
                    globalStatus = "available";
                }
                return rdsOk(
                        action, "<GlobalClusters>" + globalCluster("GlobalClusterMember") + "</GlobalClusters>", id);
            case "SwitchoverGlobalCluster":
            case "FailoverGlobalCluster":
                if (pendingTarget != null) {
                    return rdsError(400, "InvalidGlobalClusterStateFault", "a change is in progress", id);
                }
                String targetArn = form.get("TargetDbClusterIdentifier");
                pendingTarget = targetArn.equals(TOKYO_CLUSTER) ? TOKYO : SEOUL;
                pendingDataLoss = action.equals("FailoverGlobalCluster");
                globalStatus = pendingDataLoss ? "failing-over" : "switching-over";
                describesUntilDone = 2;
                return rdsOk(action, globalCluster("GlobalCluster"), id);
            case "DescribeDBInstances":
                if (replicaSource == null && !replicaStatus.equals("available") && ++promotionPolls >= 2) {
                    replicaStatus = "available";
                }
                return rdsOk(action, "<DBInstances>" + dbInstance() + "</DBInstances>", id);
            case "PromoteReadReplica":
                if (replicaSource == null) {
                    return rdsError(400, "InvalidDBInstanceState", "DB instance is not a read replica.", id);
                }
                replicaSource = null;
                replicaStatus = "modifying";
                return rdsOk(action, dbInstance(), id);
            default:
                return rdsError(400, "InvalidAction", "the stand-in does not serve " + action, id);
        }
    }

    private String globalCluster(String element) {
        String writer = writerRegion.equals(SEOUL) ? SEOUL_CLUSTER : TOKYO_CLUSTER;
        String secondary = writerRegion.equals(SEOUL) ? TOKYO_CLUSTER : SEOUL_CLUSTER;
        String failover = pendingTarget == null
                ? ""
                : "<FailoverState><Status>" + (pendingDataLoss ? "failing-over" : "switching-over")
                        + "</Status><FromDbClusterArn>" + writer + "</FromDbClusterArn><ToDbClusterArn>"
                        + (pendingTarget.equals(TOKYO) ? TOKYO_CLUSTER : SEOUL_CLUSTER)
                        + "</ToDbClusterArn><IsDataLossAllowed>" + pendingDataLoss
                        + "</IsDataLossAllowed></FailoverState>";
        return "<" + element + "><GlobalClusterIdentifier>" + GLOBAL + "</GlobalClusterIdentifier>"
                + "<GlobalClusterArn>arn:aws:rds::123456789012:global-cluster:" + GLOBAL + "</GlobalClusterArn>"
                + "<Status>" + globalStatus + "</Status><Engine>aurora-mysql</Engine>"
                + "<EngineVersion>8.0.mysql_aurora.3.05.2</EngineVersion><GlobalClusterMembers>"
                + "<GlobalClusterMember><DBClusterArn>" + writer + "</DBClusterArn><Readers><member>" + secondary
                + "</member></Readers><IsWriter>true</IsWriter><SynchronizationStatus>connected"
                + "</SynchronizationStatus></GlobalClusterMember>"
                + "<GlobalClusterMember><DBClusterArn>" + secondary + "</DBClusterArn><Readers/>"
                + "<IsWriter>false</IsWriter><SynchronizationStatus>connected</SynchronizationStatus>"
                + "</GlobalClusterMember></GlobalClusterMembers>" + failover + "</" + element + ">";
    }

    private String dbInstance() {
        return "<DBInstance><DBInstanceIdentifier>" + REPLICA + "</DBInstanceIdentifier><DBInstanceClass>db.r6g.large"
                + "</DBInstanceClass><Engine>postgres</Engine><DBInstanceStatus>" + replicaStatus
                + "</DBInstanceStatus>"
                + (replicaSource == null
                        ? ""
                        : "<ReadReplicaSourceDBInstanceIdentifier>" + replicaSource
                                + "</ReadReplicaSourceDBInstanceIdentifier>")
                + "</DBInstance>";
    }

    private static ResponseDefinition rdsOk(String action, String result, String id) {
        return response(
                200,
                "text/xml",
                id,
                "<" + action + "Response xmlns=\"" + RDS_NS + "\"><" + action
                        + "Result>" + result + "</" + action + "Result><ResponseMetadata><RequestId>" + id
                        + "</RequestId></ResponseMetadata></" + action + "Response>");
    }

    private static ResponseDefinition rdsError(int status, String code, String message, String id) {
        return response(
                status,
                "text/xml",
                id,
                "<ErrorResponse xmlns=\"" + RDS_NS + "\"><Error><Type>"
                        + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code + "</Code><Message>"
                        + message
                        + "</Message></Error><RequestId>" + id + "</RequestId></ErrorResponse>");
    }

    // --- SSM (JSON 1.1)

    private ResponseDefinition ssm(String region, String operation, JsonNode body) {
        String id = count(operation);
        Map<String, String> store = parameters.get(region);
        String type = "application/x-amz-json-1.1";
        switch (operation) {
            case "GetParameter": {
                String name = body.path("Name").asText();
                String value = store.get(name);
                if (value == null) {
                    return response(400, type, id, "{\"__type\":\"ParameterNotFound\",\"message\":\"\"}");
                }
                ObjectNode answer = JSON.createObjectNode();
                answer.set("Parameter", parameterJson(region, name, value));
                return response(200, type, id, answer.toString());
            }
            case "GetParametersByPath": {
                String prefix = body.path("Path").asText() + "/";
                ObjectNode answer = JSON.createObjectNode();
                var list = answer.putArray("Parameters");
                new TreeMap<>(store).forEach((name, value) -> {
                    if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                        list.add(parameterJson(region, name, value));
                    }
                });
                return response(200, type, id, answer.toString());
            }
            case "PutParameter":
                store.put(body.path("Name").asText(), body.path("Value").asText());
                return response(200, type, id, "{\"Version\":1,\"Tier\":\"Standard\"}");
            case "DeleteParameter":
                if (store.remove(body.path("Name").asText()) == null) {
                    return response(400, type, id, "{\"__type\":\"ParameterNotFound\",\"message\":\"\"}");
                }
                return response(200, type, id, "{}");
            default:
                return response(400, type, id, "{\"__type\":\"InvalidAction\",\"message\":\"" + operation + "\"}");
        }
    }

    private static ObjectNode parameterJson(String region, String name, String value) {
        ObjectNode p = JSON.createObjectNode();
        p.put("Name", name).put("Type", "String").put("Value", value).put("Version", 1);
        p.put("LastModifiedDate", 1.9e9).put("ARN", "arn:aws:ssm:" + region + ":123456789012:parameter" + name);
        p.put("DataType", "text");
        return p;
    }

    // --- Route 53 ARC cluster (JSON 1.0)

    private synchronized ResponseDefinition arc(String operation, JsonNode body) {
        String id = count(operation);
        String type = "application/x-amz-json-1.0";
        if (failNow(operation)) {
            return response(500, type, id, "{\"__type\":\"InternalServerException\",\"message\":\"told to fail\"}");
        }
        switch (operation) {
            case "GetRoutingControlState": {
                String arn = body.path("RoutingControlArn").asText();
                if (!arc.containsKey(arn)) {
                    return response(
                            404,
                            type,
                            id,
                            "{\"__type\":\"ResourceNotFoundException\",\"message\":\"" + arn + "\",\"resourceId\":\""
                                    + arn + "\",\"resourceType\":\"RoutingControl\"}");
                }
                return response(
                        200,
                        type,
                        id,
                        "{\"RoutingControlArn\":\"" + arn + "\",\"RoutingControlState\":\""
                                + arc.get(arn) + "\",\"RoutingControlName\":\""
                                + arn.substring(arn.lastIndexOf('/') + 1)
                                + "\"}");
            }
            case "UpdateRoutingControlState":
                arc.put(
                        body.path("RoutingControlArn").asText(),
                        body.path("RoutingControlState").asText());
                return response(200, type, id, "{}");
            case "UpdateRoutingControlStates":
                for (JsonNode entry : body.path("UpdateRoutingControlStateEntries")) {
                    arc.put(
                            entry.path("RoutingControlArn").asText(),
                            entry.path("RoutingControlState").asText());
                }
                return response(200, type, id, "{}");
            default:
                return response(
                        400, type, id, "{\"__type\":\"ValidationException\",\"message\":\"" + operation + "\"}");
        }
    }

    // --- Route 53 (REST-XML)

    private synchronized ResponseDefinition route53(String method, String url, String body) throws Exception {
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        if (method.equals("POST") && path.matches("/2013-04-01/hostedzone/" + ZONE + "/rrset/?")) {
            String id = count("ChangeResourceRecordSets");
            if (failNow("ChangeResourceRecordSets")) {
                return response(
                        500,
                        "text/xml",
                        id,
                        "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" + R53_NS
                                + "\"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>told to fail</Message>"
                                + "</Error><RequestId>" + id + "</RequestId></ErrorResponse>");
            }
            Document doc = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
            NodeList sets = doc.getElementsByTagName("ResourceRecordSet");
            for (int i = 0; i < sets.getLength(); i++) {
                Element set = (Element) sets.item(i);
                Map<String, String> r = new LinkedHashMap<>();
                for (String field : List.of(
                        "Name",
                        "Type",
                        "SetIdentifier",
                        "Failover",
                        "Weight",
                        "TTL",
                        "HealthCheckId",
                        "HostedZoneId",
                        "DNSName",
                        "EvaluateTargetHealth")) {
                    NodeList found = set.getElementsByTagName(field);
                    if (found.getLength() > 0) {
                        r.put(field, found.item(0).getTextContent());
                    }
                }
                String name = r.get("Name").endsWith(".") ? r.get("Name") : r.get("Name") + ".";
                r.put("Name", name);
                records.put(name + "|" + r.get("Type") + "|" + r.getOrDefault("SetIdentifier", ""), r);
            }
            String change = "C" + (++changeCounter) + "HXP0BZ4";
            pendingChanges.put(change, 1);
            return response(200, "text/xml", id, changeInfo("ChangeResourceRecordSetsResponse", change, "PENDING"));
        }
        if (method.equals("GET") && path.startsWith("/2013-04-01/change/")) {
            String id = count("GetChange");
            String change = path.substring("/2013-04-01/change/".length());
            int left = pendingChanges.getOrDefault(change, 0);
            pendingChanges.put(change, left - 1);
            return response(
                    200, "text/xml", id, changeInfo("GetChangeResponse", change, left > 0 ? "PENDING" : "INSYNC"));
        }
        if (method.equals("GET") && path.matches("/2013-04-01/hostedzone/" + ZONE + "/rrset/?")) {
            String id = count("ListResourceRecordSets");
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<ListResourceRecordSetsResponse xmlns=\"" + R53_NS + "\"><ResourceRecordSets>");
            for (Map<String, String> r : records.values()) {
                xml.append("<ResourceRecordSet><Name>")
                        .append(r.get("Name"))
                        .append("</Name><Type>")
                        .append(r.get("Type"))
                        .append("</Type>");
                if (r.containsKey("SetIdentifier")) {
                    xml.append("<SetIdentifier>").append(r.get("SetIdentifier")).append("</SetIdentifier>");
                }
                if (r.containsKey("Weight")) {
                    xml.append("<Weight>").append(r.get("Weight")).append("</Weight>");
                }
                if (r.containsKey("Failover")) {
                    xml.append("<Failover>").append(r.get("Failover")).append("</Failover>");
                }
                if (r.containsKey("DNSName")) {
                    xml.append("<AliasTarget><HostedZoneId>")
                            .append(r.get("HostedZoneId"))
                            .append("</HostedZoneId><DNSName>")
                            .append(r.get("DNSName"))
                            .append("</DNSName><EvaluateTargetHealth>")
                            .append(r.get("EvaluateTargetHealth"))
                            .append("</EvaluateTargetHealth></AliasTarget>");
                }
                if (r.containsKey("HealthCheckId")) {
                    xml.append("<HealthCheckId>").append(r.get("HealthCheckId")).append("</HealthCheckId>");
                }
                xml.append("</ResourceRecordSet>");
            }
            xml.append("</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>20</MaxItems>"
                    + "</ListResourceRecordSetsResponse>");
            return response(200, "text/xml", id, xml.toString());
        }
        return new ResponseDefinition(400, "the stand-in does not serve Route 53 " + method + " " + url);
    }

    private static String changeInfo(String root, String change, String status) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root + " xmlns=\"" + R53_NS
                + "\"><ChangeInfo><Id>/change/"
                + change + "</Id><Status>" + status + "</Status><SubmittedAt>2030-03-01T09:00:00.512Z</SubmittedAt>"
                + "</ChangeInfo></" + root + ">";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    static List<String> list(String... values) {
        return new ArrayList<>(List.of(values));
    }
}
