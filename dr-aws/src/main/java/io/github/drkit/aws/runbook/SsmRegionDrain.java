package io.github.drkit.aws.runbook;

import io.github.drkit.aws.AwsOperationException;
import io.github.drkit.aws.internal.AwsErrors;
import io.github.drkit.aws.internal.Require;
import io.github.drkit.aws.internal.SwitchEntries;
import io.github.drkit.core.internal.json.JsonWriter;
import io.github.drkit.killswitch.DrainSwitchNames;
import io.github.drkit.killswitch.SwitchSetting;
import io.github.drkit.killswitch.SwitchState;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Drains a region by writing drkit's drain switch into that region's SSM Parameter Store, where the
 * region's instances read it through {@link io.github.drkit.aws.SsmSwitchSource} (one parameter per
 * switch under a path): draining puts {@code <path>/<switch>} with {@code
 * {"state":"killed","reason":...,"actor":...}}, undraining deletes it. Each region has its own
 * parameters (and client), so draining Seoul never needs Tokyo's SSM and the reverse.
 *
 * <p>Uses the given clients and never closes them. Thread-safe.
 */
public final class SsmRegionDrain implements RegionDrain {

    /**
     * The drain switch's name before the starter made it per region ({@code region-traffic}); set it
     * with {@link Builder#switchName(String)} where the instances still use {@code
     * dr.health.drain-switch: region-traffic}.
     */
    public static final String LEGACY_SWITCH = DrainSwitchNames.PREFIX;

    private static final int MAX_ACTOR_LENGTH = 128;
    private static final int MAX_REASON_LENGTH = 1024;

    private final Map<String, SsmClient> clients;
    private final String path;
    private final String switchName; // null: DrainSwitchNames.forRegion(region)
    private final Clock clock;

    private SsmRegionDrain(Builder builder) {
        this.clients = Map.copyOf(builder.clients);
        this.path = builder.path;
        this.switchName = builder.switchName; // null: the starter's default, per region
        this.clock = builder.clock;
    }

    /**
     * Starts a builder.
     *
     * @param path the parameter path the regions' {@code SsmSwitchSource} reads, such as {@code
     *     "/drkit/orders-service/prod/switches"}
     * @return a builder
     */
    public static Builder builder(String path) {
        return new Builder(path);
    }

    @Override
    public boolean drained(String region) {
        SsmClient ssm = client(region);
        String value;
        try {
            value = ssm.getParameter(r -> r.name(parameter(region))).parameter().value();
        } catch (ParameterNotFoundException e) {
            return false;
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "GetParameter", "cannot read drain switch " + describe(region) + ": " + AwsErrors.describe(e), e);
        }
        SwitchSetting setting = SwitchEntries.parse(switchFor(region), value, describe(region), clock.instant());
        return setting.state() == SwitchState.KILLED && setting.isActiveAt(clock.instant());
    }

    @Override
    public void drain(String region, String actor, String reason) {
        Require.text("actor", actor);
        Require.text("reason", reason);
        // the limits of drkit's other switch writers (operator overrides, the JDBC table)
        if (actor.length() > MAX_ACTOR_LENGTH) {
            throw new IllegalArgumentException(
                    "actor must be at most " + MAX_ACTOR_LENGTH + " characters (was " + actor.length() + ")");
        }
        if (reason.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException(
                    "reason must be at most " + MAX_REASON_LENGTH + " characters (was " + reason.length() + ")");
        }
        SsmClient ssm = client(region);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("state", "killed");
        entry.put("reason", reason);
        entry.put("actor", actor);
        String json = JsonWriter.compact(entry);
        try {
            ssm.putParameter(r -> r.name(parameter(region))
                    .type(ParameterType.STRING)
                    .overwrite(true)
                    .value(json)
                    .description("drkit drain of " + region));
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "PutParameter", "cannot drain " + describe(region) + ": " + AwsErrors.describe(e), e);
        }
    }

    @Override
    public void undrain(String region, String actor, String reason) {
        SsmClient ssm = client(region);
        try {
            ssm.deleteParameter(r -> r.name(parameter(region)));
        } catch (ParameterNotFoundException e) {
            // already undrained
        } catch (SdkException e) {
            throw new AwsOperationException(
                    "DeleteParameter", "cannot undrain " + describe(region) + ": " + AwsErrors.describe(e), e);
        }
    }

    @Override
    public String describe(String region) {
        return "ssm " + region + ":" + parameter(region);
    }

    private String parameter(String region) {
        return path + "/" + switchFor(region);
    }

    /**
     * The drain switch a region's instances read: the configured name, or the starter's default for
     * that region ({@link DrainSwitchNames#forRegion(String)}, {@code region-traffic.<region>}).
     *
     * @param region the region
     * @return the switch name
     */
    public String switchFor(String region) {
        return switchName != null ? switchName : DrainSwitchNames.forRegion(region);
    }

    private SsmClient client(String region) {
        SsmClient ssm = clients.get(region);
        if (ssm == null) {
            throw new IllegalArgumentException(
                    "no SsmClient is configured for region " + region + " (configured: " + clients.keySet() + ")");
        }
        return ssm;
    }

    /** Builds an {@link SsmRegionDrain}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {

        private final String path;
        private final Map<String, SsmClient> clients = new LinkedHashMap<>();
        private String switchName;
        private Clock clock = Clock.systemUTC();

        private Builder(String path) {
            this.path = path;
        }

        /**
         * Adds the SSM client of a region.
         *
         * @param region the region
         * @param ssm its SSM client (not closed by drkit)
         * @return this builder
         */
        public Builder region(String region, SsmClient ssm) {
            Require.text("region", region);
            clients.put(region, Objects.requireNonNull(ssm, "ssm client of " + region + " must not be null"));
            return this;
        }

        /**
         * Sets the drain switch's name, the same in every region. Without it each region's switch is
         * the starter's default for that region, {@code region-traffic.<region>} (the instances'
         * {@code dr.health.drain-switch} must name the same switch).
         *
         * @param switchName such as {@link #LEGACY_SWITCH}
         * @return this builder
         */
        public Builder switchName(String switchName) {
            this.switchName = switchName;
            return this;
        }

        /**
         * Sets the clock used to judge a drain's expiry.
         *
         * @param clock default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the drain
         * @throws IllegalArgumentException naming the field if a value is invalid
         */
        public SsmRegionDrain build() {
            Require.text("path", path);
            if (!path.startsWith("/") || path.endsWith("/")) {
                throw new IllegalArgumentException("path must start with / and not end with / (was " + path + ")");
            }
            if (switchName != null) {
                Require.text("switchName", switchName);
            }
            if (clients.isEmpty()) {
                throw new IllegalArgumentException("at least one region's SsmClient is required (was none)");
            }
            Objects.requireNonNull(clock, "clock must not be null");
            return new SsmRegionDrain(this);
        }
    }
}
