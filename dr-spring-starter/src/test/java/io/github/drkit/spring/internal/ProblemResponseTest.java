package io.github.drkit.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.jdbc.NoWriterException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;

/**
 * Problems are built as Spring's {@link ProblemDetail}; the JSON the servlet filter writes itself is
 * exactly what drkit wrote before (members in order, compact, escaped), and the member map handed to
 * Actuator holds the same members in the same order.
 */
class ProblemResponseTest {

    @Test
    void theFilterJsonKeepsTheMembersAndTheirOrder() {
        ProblemDetail p = ProblemResponse.problem(
                409,
                "urn:drkit:problem:idempotency:in-progress",
                "Request in progress",
                "a request with this \"Idempotency-Key\" is still\nbeing processed",
                "/orders/1");
        p.setProperty("store", "jdbc");
        p.setProperty("leaseExpiresAt", "2030-01-01T00:00:00Z");

        assertThat(ProblemResponse.json(p))
                .isEqualTo("{\"type\":\"urn:drkit:problem:idempotency:in-progress\",\"title\":\"Request in progress\","
                        + "\"status\":409,\"detail\":\"a request with this \\\"Idempotency-Key\\\" is still\\nbeing"
                        + " processed\",\"instance\":\"/orders/1\",\"store\":\"jdbc\","
                        + "\"leaseExpiresAt\":\"2030-01-01T00:00:00Z\"}");
        assertThat(List.copyOf(ProblemResponse.members(p).keySet()))
                .containsExactly("type", "title", "status", "detail", "instance", "store", "leaseExpiresAt");
    }

    @Test
    void extensionValuesKeepTheirJsonTypesAndAPathThatIsNoUriIsQuoted() {
        ProblemDetail p = ProblemResponse.problem(409, "urn:drkit:problem:killswitch:x", "T", "d", "/a b|c");
        p.setProperty("retryable", true);
        p.setProperty("attempts", 3);

        assertThat(ProblemResponse.json(p)).endsWith(",\"instance\":\"/a%20b%7Cc\",\"retryable\":true,\"attempts\":3}");
    }

    @Test
    void aFailoverCauseIsAProblemWithItsTypeAndTitle() {
        FailoverProblem cause = FailoverProblem.of(new NoWriterException("no writer in any region"));
        ProblemDetail p = cause.problem(503, "retry with the same key", "/orders");

        assertThat(p.getType().toString()).isEqualTo("urn:drkit:problem:no-writer");
        assertThat(p.getTitle()).isEqualTo(cause.title());
        assertThat(p.getStatus()).isEqualTo(503);
    }
}
