package io.github.drkit.aws;

import io.github.drkit.aws.internal.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * One Route 53 record set that a runbook step UPSERTs: a plain record ({@code service-be.example.com
 * A 60 192.0.2.44}), an alias to a load balancer, one half of a failover pair (with a set
 * identifier, a {@link FailoverRole} and usually a health check), or one member of a weighted set
 * (with a set identifier and a weight: the active/active recipe, where a runbook drains a region by
 * setting its weight to 0). Immutable and thread-safe; build it with {@link #builder(String,
 * String)}.
 */
public final class Route53Record {

    private static final int MAX_NAME_LENGTH = 1024;
    private static final int MAX_SET_IDENTIFIER_LENGTH = 128;
    private static final long MAX_TTL_SECONDS = 2_147_483_647L;
    private static final long MAX_WEIGHT = 255;

    private final String name;
    private final String type;
    private final Duration ttl;
    private final List<String> values;
    private final AliasTarget aliasTarget;
    private final String setIdentifier;
    private final FailoverRole failover;
    private final Long weight;
    private final String healthCheckId;

    private Route53Record(Builder builder) {
        this.name = builder.name;
        this.type = builder.type;
        this.ttl = builder.ttl;
        this.values = List.copyOf(builder.values);
        this.aliasTarget = builder.aliasTarget;
        this.setIdentifier = builder.setIdentifier;
        this.failover = builder.failover;
        this.weight = builder.weight;
        this.healthCheckId = builder.healthCheckId;
    }

    /**
     * Starts a builder.
     *
     * @param name the record name, such as {@code "service-be.example.com"}
     * @param type the record type, such as {@code "A"}, {@code "AAAA"} or {@code "CNAME"}
     * @return a builder, validated by {@link Builder#build()}
     */
    public static Builder builder(String name, String type) {
        return new Builder(name, type);
    }

    /**
     * The record name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The record type.
     *
     * @return the type, upper case
     */
    public String type() {
        return type;
    }

    /**
     * The TTL of a plain record.
     *
     * @return the TTL; empty for an alias record
     */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /**
     * The values of a plain record.
     *
     * @return the values; empty for an alias record
     */
    public List<String> values() {
        return values;
    }

    /**
     * The alias target of an alias record.
     *
     * @return the target; empty for a plain record
     */
    public Optional<AliasTarget> aliasTarget() {
        return Optional.ofNullable(aliasTarget);
    }

    /**
     * The set identifier of a failover or weighted record.
     *
     * @return the identifier; empty for a simple record
     */
    public Optional<String> setIdentifier() {
        return Optional.ofNullable(setIdentifier);
    }

    /**
     * The failover role of a failover record.
     *
     * @return the role; empty for a simple record
     */
    public Optional<FailoverRole> failover() {
        return Optional.ofNullable(failover);
    }

    /**
     * The weight of a weighted record: Route 53 answers with it in proportion to its weight among
     * the records of the same name and type; 0 stops traffic to it (unless all weights are 0).
     *
     * @return the weight, 0-255; empty for a record that is not weighted
     */
    public Optional<Long> weight() {
        return Optional.ofNullable(weight);
    }

    /**
     * The health check that decides whether Route 53 answers with this record.
     *
     * @return the health check id, if any
     */
    public Optional<String> healthCheckId() {
        return Optional.ofNullable(healthCheckId);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Route53Record that
                && name.equals(that.name)
                && type.equals(that.type)
                && Objects.equals(ttl, that.ttl)
                && values.equals(that.values)
                && Objects.equals(aliasTarget, that.aliasTarget)
                && Objects.equals(setIdentifier, that.setIdentifier)
                && failover == that.failover
                && Objects.equals(weight, that.weight)
                && Objects.equals(healthCheckId, that.healthCheckId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, ttl, values, aliasTarget, setIdentifier, failover, weight, healthCheckId);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append(' ').append(type);
        if (aliasTarget != null) {
            text.append(" ALIAS ").append(aliasTarget.dnsName());
        } else {
            text.append(' ').append(ttl.toSeconds()).append(' ').append(String.join(",", values));
        }
        if (failover != null) {
            text.append(" failover=").append(failover).append(" set=").append(setIdentifier);
        }
        if (weight != null) {
            text.append(" weight=").append(weight).append(" set=").append(setIdentifier);
        }
        if (healthCheckId != null) {
            text.append(" healthCheck=").append(healthCheckId);
        }
        return text.toString();
    }

    /** Builds a {@link Route53Record}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final String name;
        private final String type;
        private Duration ttl;
        private final List<String> values = new ArrayList<>();
        private AliasTarget aliasTarget;
        private String setIdentifier;
        private FailoverRole failover;
        private Long weight;
        private String healthCheckId;

        private Builder(String name, String type) {
            this.name = name;
            this.type = type;
        }

        /**
         * Sets the TTL of a plain record (Route 53 keeps whole seconds).
         *
         * @param ttl 0 s to 2,147,483,647 s, whole seconds
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * Adds values of a plain record, such as IP addresses.
         *
         * @param values one or more values
         * @return this builder
         */
        public Builder values(String... values) {
            this.values.addAll(List.of(values));
            return this;
        }

        /**
         * Makes this an alias record.
         *
         * @param aliasTarget the target
         * @return this builder
         */
        public Builder aliasTarget(AliasTarget aliasTarget) {
            this.aliasTarget = aliasTarget;
            return this;
        }

        /**
         * Makes this one half of a failover pair.
         *
         * @param setIdentifier the set identifier that tells the two records apart, 1-128 characters
         * @param role primary or secondary
         * @return this builder
         */
        public Builder failover(String setIdentifier, FailoverRole role) {
            this.setIdentifier = setIdentifier;
            this.failover = role;
            return this;
        }

        /**
         * Makes this one member of a weighted set (the active/active recipe): Route 53 answers with
         * each record of the same name and type in proportion to its weight.
         *
         * @param setIdentifier the set identifier that tells the records apart, 1-128 characters
         * @param weight 0-255; 0 sends no traffic to this record while another has a weight above 0
         * @return this builder
         */
        public Builder weighted(String setIdentifier, long weight) {
            this.setIdentifier = setIdentifier;
            this.weight = weight;
            return this;
        }

        /**
         * Attaches a health check.
         *
         * @param healthCheckId the health check id
         * @return this builder
         */
        public Builder healthCheckId(String healthCheckId) {
            this.healthCheckId = healthCheckId;
            return this;
        }

        /**
         * Validates and builds the record.
         *
         * @return the record
         * @throws NullPointerException if the name or type is {@code null}
         * @throws IllegalArgumentException naming the field, if the name is blank or too long, the
         *     type unknown, a plain record lacks a TTL or values or has a bad TTL, an alias record
         *     has a TTL or values, a CNAME has more than one value, a failover or weighted set
         *     identifier is blank or too long, a weight is outside 0-255, or the record is both
         *     failover and weighted
         */
        public Route53Record build() {
            Require.text("name", name);
            if (name.length() > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException(
                        "name must be at most " + MAX_NAME_LENGTH + " characters (was " + name.length() + ")");
            }
            Require.text("type", type);
            if (RRType.fromValue(type) == RRType.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException(
                        "type must be a Route 53 record type such as A, AAAA or CNAME (was \"" + type + "\")");
            }
            if (aliasTarget != null) {
                if (ttl != null || !values.isEmpty()) {
                    throw new IllegalArgumentException("an alias record of " + name
                            + " must not have a ttl or values (was ttl " + ttl + ", values " + values + ")");
                }
            } else {
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(
                            "values must not be empty for a record of " + name + " without an aliasTarget");
                }
                for (String value : values) {
                    Require.text("values of " + name, value);
                }
                Objects.requireNonNull(ttl, "ttl must not be null for a record of " + name + " without an aliasTarget");
                if (ttl.isNegative() || ttl.getNano() != 0 || ttl.getSeconds() > MAX_TTL_SECONDS) {
                    throw new IllegalArgumentException(
                            "ttl must be whole seconds from 0 to " + MAX_TTL_SECONDS + " s (was " + ttl + ")");
                }
                if (type.equals("CNAME") && values.size() > 1) {
                    throw new IllegalArgumentException(
                            "a CNAME record of " + name + " takes exactly one value (was " + values + ")");
                }
            }
            if (failover != null && weight != null) {
                throw new IllegalArgumentException("a record of " + name + " is either failover or weighted, not both"
                        + " (was failover " + failover + ", weight " + weight + ")");
            }
            if (weight != null && (weight < 0 || weight > MAX_WEIGHT)) {
                throw new IllegalArgumentException(
                        "weight must be from 0 to " + MAX_WEIGHT + " (was " + weight + ") for a record of " + name);
            }
            if (failover != null || weight != null) {
                Require.text("setIdentifier", setIdentifier);
                if (setIdentifier.length() > MAX_SET_IDENTIFIER_LENGTH) {
                    throw new IllegalArgumentException("setIdentifier must be at most " + MAX_SET_IDENTIFIER_LENGTH
                            + " characters (was " + setIdentifier.length() + ")");
                }
            } else if (setIdentifier != null) {
                throw new IllegalArgumentException(
                        "setIdentifier \"" + setIdentifier + "\" needs a failover role or a weight");
            }
            if (healthCheckId != null) {
                Require.text("healthCheckId", healthCheckId);
            }
            return new Route53Record(this);
        }
    }
}
