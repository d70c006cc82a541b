package io.github.drkit.aws.runbook;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Records the AWS requests a runbook makes (service, operation, request id, HTTP status) so that the
 * evidence can name them. Add it to each SDK client you give the runbook ({@code
 * overrideConfiguration(o -> o.addExecutionInterceptor(log))}); for clients drkit builds itself
 * ({@link io.github.drkit.aws.ArcRoutingControls}), wrap the HTTP client given to them with {@link
 * #wrap(SdkHttpClient, String)}, which reads the request id from the response headers. Thread-safe.
 */
public final class AwsRequestLog implements ExecutionInterceptor {

    private final Clock clock;
    private final List<AwsCall> calls = new CopyOnWriteArrayList<>();

    /**
     * Creates an empty log.
     *
     * @param clock stamps each call
     */
    public AwsRequestLog(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /**
     * How many calls are recorded: a mark for {@link #since(int)}.
     *
     * @return the count
     */
    public int mark() {
        return calls.size();
    }

    /**
     * The calls recorded after a mark.
     *
     * @param mark a value of {@link #mark()}
     * @return the calls since, in order
     */
    public List<AwsCall> since(int mark) {
        List<AwsCall> all = List.copyOf(calls);
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        String requestId = response instanceof AwsResponse aws && aws.responseMetadata() != null
                ? Objects.requireNonNullElse(aws.responseMetadata().requestId(), "")
                : "";
        if ("UNKNOWN".equals(requestId)) {
            requestId = "";
        }
        record(attributes, requestId, context.httpResponse().statusCode());
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        if (failure instanceof AwsServiceException service) {
            record(attributes, Objects.requireNonNullElse(service.requestId(), ""), service.statusCode());
        } else {
            record(
                    attributes,
                    "",
                    context.httpResponse().map(SdkHttpResponse::statusCode).orElse(-1));
        }
    }

    private void record(ExecutionAttributes attributes, String requestId, int status) {
        String service = Objects.requireNonNullElse(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), "?");
        String operation =
                Objects.requireNonNullElse(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), "?");
        calls.add(new AwsCall(service, operation, requestId, status, clock.instant()));
    }

    /**
     * Wraps an HTTP client so that every request through it is recorded, with the operation taken from
     * the {@code X-Amz-Target} header (JSON protocols, such as Route 53 ARC's cluster API) and the
     * request id from the {@code x-amzn-RequestId} header. Closing the wrapper closes {@code delegate}.
     *
     * @param delegate the HTTP client that sends
     * @param service the service name to record, such as {@code "Route53RecoveryCluster"}
     * @return the recording client
     */
    public SdkHttpClient wrap(SdkHttpClient delegate, String service) {
        Objects.requireNonNull(delegate, "delegate must not be null");
        Objects.requireNonNull(service, "service must not be null");
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                ExecutableHttpRequest inner = delegate.prepareRequest(request);
                String target = request.httpRequest()
                        .firstMatchingHeader("X-Amz-Target")
                        .map(t -> t.substring(t.indexOf('.') + 1))
                        .orElse(request.httpRequest().method() + " "
                                + request.httpRequest().encodedPath());
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        try {
                            HttpExecuteResponse response = inner.call();
                            Optional<String> id = response.httpResponse()
                                    .firstMatchingHeader("x-amzn-RequestId")
                                    .or(() -> response.httpResponse().firstMatchingHeader("x-amz-request-id"));
                            calls.add(new AwsCall(
                                    service,
                                    target,
                                    id.orElse(""),
                                    response.httpResponse().statusCode(),
                                    clock.instant()));
                            return response;
                        } catch (IOException | RuntimeException e) {
                            calls.add(new AwsCall(service, target, "", -1, clock.instant()));
                            throw e;
                        }
                    }

                    @Override
                    public void abort() {
                        inner.abort();
                    }
                };
            }

            @Override
            public String clientName() {
                return delegate.clientName();
            }

            @Override
            public void close() {
                delegate.close();
            }
        };
    }
}
