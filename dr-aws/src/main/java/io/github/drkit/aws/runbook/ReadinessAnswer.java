package io.github.drkit.aws.runbook;

import java.time.Instant;
import java.util.Objects;

/**
 * One answer of a region's drkit Route 53 health path ({@code /dr/route53}). Immutable.
 *
 * @param region the region asked
 * @param url the URL asked
 * @param status the HTTP status, or {@code -1} if no answer came (the body then says why)
 * @param body the first line of the body (at most 200 characters), or the failure
 * @param ready whether the answer is drkit's ready answer: 2xx and the body starts with the match
 *     string ({@code DR_READY} by default)
 * @param at when the answer came, by the runner's clock
 */
public record ReadinessAnswer(String region, String url, int status, String body, boolean ready, Instant at) {

    /**
     * Validates the components.
     *
     * @param region see the record component
     * @param url see the record component
     * @param status see the record component
     * @param body see the record component
     * @param ready see the record component
     * @param at see the record component
     * @throws NullPointerException if a component is {@code null}
     */
    public ReadinessAnswer {
        Objects.requireNonNull(region, "region must not be null");
        Objects.requireNonNull(url, "url must not be null");
        Objects.requireNonNull(body, "body must not be null");
        Objects.requireNonNull(at, "at must not be null");
    }

    /**
     * One line for plans and evidence.
     *
     * @return such as {@code "ap-northeast-1 503 UNAVAILABLE region=ap-northeast-1 role=writer reasons=drained"}
     */
    public String summary() {
        return region + " " + (status < 0 ? "no answer" : String.valueOf(status)) + " " + body;
    }
}
