package io.github.drkit.aws.internal;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Classifies and describes AWS SDK failures for drkit's retry decisions and messages. Not API.
 * Descriptions contain the error code, HTTP status, request id and the service's message, never
 * request headers or credentials.
 */
public final class AwsErrors {

    private static final int MAX_DESCRIPTION = 300;

    private AwsErrors() {}

    /**
     * Whether the service asked the caller to slow down: a throttling error code, HTTP 429, or HTTP
     * 503 (service unavailable / slow down).
     *
     * @param failure the SDK's exception
     * @return {@code true} for throttling
     */
    public static boolean isThrottling(Throwable failure) {
        return failure instanceof AwsServiceException service
                && (service.isThrottlingException() || service.statusCode() == 503);
    }

    /**
     * Whether trying again (later, or at another endpoint) may succeed: throttling, a 5xx answer, or a
     * client-side failure (connection refused, timeout, an unreadable answer).
     *
     * @param failure the SDK's exception
     * @return {@code true} if the failure is transient
     */
    public static boolean isTransient(Throwable failure) {
        if (failure instanceof SdkClientException) {
            return true;
        }
        if (failure instanceof AwsServiceException service) {
            return isThrottling(service) || service.statusCode() >= 500;
        }
        return false;
    }

    /**
     * A one-line description of an SDK failure for messages and logs.
     *
     * @param failure the failure
     * @return for a service error {@code "<code> (HTTP <status>, request id <id>): <message>"}; for
     *     a client error its class name and message
     */
    public static String describe(Throwable failure) {
        String text;
        if (failure instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails().errorMessage();
            text = (code == null ? service.getClass().getSimpleName() : code) + " (HTTP " + service.statusCode()
                    + (service.requestId() == null ? "" : ", request id " + service.requestId()) + ")"
                    + (message == null ? "" : ": " + message);
        } else if (failure instanceof SdkException) {
            text = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        } else {
            text = failure.toString();
        }
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION) + "...";
    }
}
