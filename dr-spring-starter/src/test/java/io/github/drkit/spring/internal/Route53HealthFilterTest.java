package io.github.drkit.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.drkit.spring.ReadinessReason;
import io.github.drkit.spring.RegionReadiness;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The Route 53 answer's exact bytes for each kind of readiness, and the methods it accepts. */
class Route53HealthFilterTest {

    private final Route53HealthFilter filter = new Route53HealthFilter("R53_OK");

    private MockHttpServletResponse call(String method) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(new MockHttpServletRequest(method, "/dr/route53"), response, chain);
        assertThat(chain.getRequest())
                .as("the request never reaches the application")
                .isNull();
        return response;
    }

    @Test
    void beforeTheFirstReadinessTheAnswerIs503() throws Exception {
        MockHttpServletResponse r = call("GET");

        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(r.getContentAsString()).isEqualTo("UNAVAILABLE reasons=not-running\n");
    }

    @Test
    void readyStartsWithTheMatchString() throws Exception {
        filter.accept(new RegionReadiness(true, "eu-west-1", "reader", List.of(), Instant.EPOCH));

        MockHttpServletResponse r = call("GET");

        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getContentAsString()).isEqualTo("R53_OK region=eu-west-1 role=reader\n");
        assertThat(r.getContentLength()).isEqualTo(r.getContentAsByteArray().length);
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void unreadyListsEveryReasonCodeInOrder() throws Exception {
        filter.accept(new RegionReadiness(
                false,
                "eu-west-1",
                "none",
                List.of(ReadinessReason.DRAINED, ReadinessReason.NO_WRITER, ReadinessReason.SWITCH_SOURCE_STALE),
                Instant.EPOCH));

        MockHttpServletResponse r = call("GET");

        assertThat(r.getStatus()).isEqualTo(503);
        assertThat(r.getContentAsString())
                .isEqualTo("UNAVAILABLE region=eu-west-1 role=none reasons=drained,no-writer,switch-source-stale\n")
                .doesNotContain("R53_OK");
    }

    @Test
    void headHasNoBodyAndOtherMethodsAre405() throws Exception {
        filter.accept(new RegionReadiness(true, "eu-west-1", "writer", List.of(), Instant.EPOCH));

        MockHttpServletResponse head = call("HEAD");
        MockHttpServletResponse post = call("POST");

        assertThat(head.getStatus()).isEqualTo(200);
        assertThat(head.getContentAsByteArray()).isEmpty();
        assertThat(post.getStatus()).isEqualTo(405);
        assertThat(post.getHeader("Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void theAnswerCostsLittleInProcess() throws Exception {
        filter.accept(new RegionReadiness(true, "eu-west-1", "writer", List.of(), Instant.EPOCH));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/dr/route53");
        MockFilterChain chain = new MockFilterChain();
        int n = 200_000;
        long t0 = 0;
        for (int i = 0; i < 2 * n; i++) {
            if (i == n) {
                t0 = System.nanoTime(); // the first half warms the JIT up
            }
            MockHttpServletResponse response = new MockHttpServletResponse();
            filter.doFilter(request, response, chain);
            assertThat(response.getStatus() == 200).isTrue();
        }
        long nanos = (System.nanoTime() - t0) / n;
        System.out.printf("Route 53 filter in process (with a mock response per call): %d ns per request%n", nanos);
    }
}
