package io.github.drkit.spring.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Adds the {@code dr} health group ({@code /actuator/health/dr}, member {@code drRegion}) and, unless
 * asked to keep it, takes {@code drRegion} out of the aggregate {@code /actuator/health}: Boot has no
 * property to exclude a contributor from the aggregate, {@link HealthEndpointGroupsPostProcessor} is
 * its public hook. The group shows details and components, aggregates statuses and maps them to HTTP
 * codes as the aggregate health does ({@code management.endpoint.health.*}). A group named {@code dr}
 * that the application configures itself ({@code management.endpoint.health.group.dr.*}) is kept as
 * it is. Not API.
 */
public final class DrHealthGroups implements HealthEndpointGroupsPostProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(DrHealthGroups.class);

    private final boolean keepInAggregate;

    /**
     * Creates the post-processor.
     *
     * @param keepInAggregate whether {@code drRegion} stays in the aggregate health too
     */
    public DrHealthGroups(boolean keepInAggregate) {
        this.keepInAggregate = keepInAggregate;
    }

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        HealthEndpointGroup primary = groups.getPrimary();
        Map<String, HealthEndpointGroup> additional = new LinkedHashMap<>();
        for (String name : groups.getNames()) {
            additional.put(name, groups.get(name));
        }
        if (additional.containsKey(RegionHealth.GROUP)) {
            LOG.info(
                    "the application configures the health group '{}' itself: drkit leaves it as it is ({} is a"
                            + " member only if it includes it)",
                    RegionHealth.GROUP,
                    RegionHealth.CONTRIBUTOR);
        } else {
            additional.put(RegionHealth.GROUP, new Group(primary, null));
        }
        return HealthEndpointGroups.of(
                keepInAggregate ? primary : new Group(primary, RegionHealth.CONTRIBUTOR), additional);
    }

    /**
     * With {@code excluded == null}: the {@code dr} group (only {@code drRegion}); else the aggregate
     * without {@code excluded}. Everything else as {@code primary}.
     */
    private static final class Group implements HealthEndpointGroup {

        private final HealthEndpointGroup primary;
        private final String excluded;

        Group(HealthEndpointGroup primary, String excluded) {
            this.primary = Objects.requireNonNull(primary, "primary");
            this.excluded = excluded;
        }

        @Override
        public boolean isMember(String name) {
            if (excluded == null) {
                return RegionHealth.CONTRIBUTOR.equals(name);
            }
            return !excluded.equals(name) && primary.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return primary.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return primary.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return primary.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return primary.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return excluded == null ? null : primary.getAdditionalPath();
        }
    }
}
