package io.github.drkit.aws;

import io.github.drkit.aws.internal.Require;

/**
 * The target of a Route 53 alias record, such as an Application Load Balancer.
 *
 * @param hostedZoneId the hosted zone of the target (for an ALB, the load balancer's canonical
 *     hosted zone id, such as {@code "ZWKZPGTI48KDX"} in ap-northeast-2)
 * @param dnsName the target's DNS name, such as {@code
 *     "orders-alb-123456.ap-northeast-1.elb.amazonaws.com"}
 * @param evaluateTargetHealth whether Route 53 should consider the target's health
 */
public record AliasTarget(String hostedZoneId, String dnsName, boolean evaluateTargetHealth) {

    /**
     * Validates the components.
     *
     * @param hostedZoneId see the record component
     * @param dnsName see the record component
     * @param evaluateTargetHealth see the record component
     * @throws NullPointerException if a component is {@code null}
     * @throws IllegalArgumentException if {@code hostedZoneId} or {@code dnsName} is blank
     */
    public AliasTarget {
        Require.text("aliasTarget.hostedZoneId", hostedZoneId);
        Require.text("aliasTarget.dnsName", dnsName);
    }
}
