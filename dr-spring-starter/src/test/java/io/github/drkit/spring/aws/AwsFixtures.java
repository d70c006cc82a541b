package io.github.drkit.spring.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

/** Test credentials, wire-format answers (as in dr-aws's tests) and thread bookkeeping. */
final class AwsFixtures {

    /** The test access key id (AWS's documentation example). */
    static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

    /** The test secret key; tests assert it never appears in logs or endpoints. */
    static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    static final String SSM_PATH = "/drkit/orders-service/prod/switches";

    static final String RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    static final String GLOBAL = "orders-global";
    static final String SEOUL = "arn:aws:rds:ap-northeast-2:123456789012:cluster:orders-seoul";
    static final String TOKYO = "arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-tokyo";
    static final String WRITER_ENDPOINT = GLOBAL + ".global-f5982077e3b5aabb.global.rds.amazonaws.com";

    static final String TOKYO_CELL =
            "arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef/routingcontrol/abcdefghijkl";

    private AwsFixtures() {}

    /** Static test credentials and region ap-northeast-2 as the application's beans. */
    @Configuration(proxyBeanMethods = false)
    static class StaticAws {
        @Bean
        AwsCredentialsProvider testCredentials() {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
        }

        @Bean
        AwsRegionProvider testRegion() {
            return () -> Region.AP_NORTHEAST_2;
        }
    }

    /** A GetParametersByPath page in SSM's JSON 1.1 format, one parameter per {name, value}. */
    static ResponseDefinitionBuilder ssmPage(String... nameValues) {
        StringBuilder parameters = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            String name = SSM_PATH + "/" + nameValues[i];
            parameters
                    .append(i == 0 ? "" : ",")
                    .append("{\"ARN\":\"arn:aws:ssm:ap-northeast-2:123456789012:parameter")
                    .append(name)
                    .append("\",\"DataType\":\"text\",\"LastModifiedDate\":1898586000.125,\"Name\":\"")
                    .append(name)
                    .append("\",\"Type\":\"String\",\"Value\":\"")
                    .append(nameValues[i + 1].replace("\"", "\\\""))
                    .append("\",\"Version\":")
                    .append(i / 2 + 1)
                    .append('}');
        }
        return aResponse()
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"Parameters\":[" + parameters + "]}");
    }

    /** An SSM error in the JSON 1.1 format. */
    static ResponseDefinitionBuilder ssmError(int status, String type, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    /** A DescribeGlobalClusters answer (RDS Query/XML) with the given writer. */
    static ResponseDefinitionBuilder describeGlobalCluster(String writer) {
        String secondary = writer.equals(SEOUL) ? TOKYO : SEOUL;
        return aResponse()
                .withHeader("Content-Type", "text/xml")
                .withBody("<DescribeGlobalClustersResponse xmlns=\"" + RDS_NS + "\"><DescribeGlobalClustersResult>"
                        + "<GlobalClusters><GlobalClusterMember><GlobalClusterIdentifier>" + GLOBAL
                        + "</GlobalClusterIdentifier><GlobalClusterResourceId>cluster-f5982077e3b5aabb"
                        + "</GlobalClusterResourceId><GlobalClusterArn>arn:aws:rds::123456789012:global-cluster:"
                        + GLOBAL + "</GlobalClusterArn><Status>available</Status><Engine>aurora-mysql</Engine>"
                        + "<EngineVersion>8.0.mysql_aurora.3.05.2</EngineVersion>"
                        + "<StorageEncrypted>true</StorageEncrypted><DeletionProtection>true</DeletionProtection>"
                        + "<Endpoint>" + WRITER_ENDPOINT + "</Endpoint>"
                        + "<GlobalClusterMembers><GlobalClusterMember><DBClusterArn>" + writer
                        + "</DBClusterArn><Readers><member>" + secondary + "</member></Readers>"
                        + "<IsWriter>true</IsWriter><SynchronizationStatus>connected</SynchronizationStatus>"
                        + "</GlobalClusterMember><GlobalClusterMember><DBClusterArn>" + secondary
                        + "</DBClusterArn><Readers/><IsWriter>false</IsWriter>"
                        + "<SynchronizationStatus>connected</SynchronizationStatus></GlobalClusterMember>"
                        + "</GlobalClusterMembers></GlobalClusterMember></GlobalClusters>"
                        + "</DescribeGlobalClustersResult><ResponseMetadata>"
                        + "<RequestId>4b0a3c1e-7f5d-4e43-9f3a-2c0d1e5b6a71</RequestId></ResponseMetadata>"
                        + "</DescribeGlobalClustersResponse>");
    }

    /** A GetRoutingControlState answer (ARC's JSON 1.0). */
    static ResponseDefinitionBuilder routingControlState(String arn, String state) {
        return aResponse()
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"RoutingControlArn\":\"" + arn + "\",\"RoutingControlName\":\"tokyo-cell\","
                        + "\"RoutingControlState\":\"" + state + "\"}");
    }

    /** A loopback URL on which nothing listens (connections are refused). */
    static String refusingUrl() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Live threads that drkit or the AWS SDK started. */
    static Set<Thread> drkitAndSdkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive()
                        && (t.getName().startsWith("drkit-") || t.getName().startsWith("sdk-")))
                .collect(Collectors.toSet());
    }
}
