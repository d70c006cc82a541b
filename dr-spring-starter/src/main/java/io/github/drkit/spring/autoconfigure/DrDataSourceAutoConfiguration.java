package io.github.drkit.spring.autoconfigure;

import io.github.drkit.core.WriteGate;
import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.Endpoint;
import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.jdbc.observation.FailoverObservationConvention;
import io.github.drkit.spring.internal.BootAutoConfigurations;
import io.github.drkit.spring.internal.DeferredWriteGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Makes the {@link RegionRoutingDataSource} the application's {@link DataSource} when {@code
 * dr.datasource.endpoints} are configured and the application defines no {@code DataSource} of its
 * own. Writes go to the writer of the moment, reads (including {@code @Transactional(readOnly =
 * true)}, whose read-only flag is set after the connection is taken: the connection binds to a node
 * lazily) to a fresh reader. The data source's write gate is the kill-switch registry's write switch,
 * bound once the registry exists.
 */
@AutoConfiguration(beforeName = {BootAutoConfigurations.DATA_SOURCE, BootAutoConfigurations.DATA_SOURCE_BOOT3})
@ConditionalOnClass(RegionRoutingDataSource.class)
@ConditionalOnProperty(prefix = "dr.datasource", name = "enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "dr.datasource.endpoints[0].url")
@EnableConfigurationProperties(DrProperties.class)
public final class DrDataSourceAutoConfiguration {

    /** Creates the auto-configuration; used by Spring. */
    public DrDataSourceAutoConfiguration() {}

    /**
     * The write gate given to the routing data source, bound later to the write kill switch.
     *
     * @return a gate that allows writes until bound
     */
    @Bean
    @ConditionalOnMissingBean(WriteGate.class)
    public DeferredWriteGate drWriteGate() {
        return new DeferredWriteGate();
    }

    /**
     * The routing data source, built from {@code dr.datasource.*}.
     *
     * @param properties drkit's properties
     * @param writeGate the write gate
     * @param meters the meter registry, if any
     * @param observations the observation registry, if any (failovers are observed, see {@link
     *     io.github.drkit.jdbc.observation.FailoverObservationDocumentation})
     * @param failoverConventions the application's failover observation convention, if it defines one
     * @param clock an application {@link Clock}, if any (else the UTC system clock)
     * @return the started data source; closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DataSource.class)
    public RegionRoutingDataSource dataSource(
            DrProperties properties,
            WriteGate writeGate,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<FailoverObservationConvention> failoverConventions,
            ObjectProvider<Clock> clock) {
        DrProperties.Datasource d = properties.getDatasource();
        RegionRoutingDataSource.Builder b = RegionRoutingDataSource.builder()
                .name(d.getName())
                .localRegion(properties.getRegion())
                .poolMaximumSize(d.getPool().getMaximumSize())
                .poolMinimumIdle(d.getPool().getMinimumIdle())
                .connectionTimeout(d.getPool().getConnectionTimeout())
                .probeInterval(d.getMonitor().getProbeInterval())
                .fastProbeInterval(d.getMonitor().getFastProbeInterval())
                .probeTimeout(d.getMonitor().getProbeTimeout())
                .failureThreshold(d.getMonitor().getFailureThreshold())
                .socketTimeout(d.getMonitor().getSocketTimeout())
                .writerWaitTimeout(d.getWriterWaitTimeout())
                .maxReplicaLag(d.getMaxReplicaLag())
                .maxReplicaLagBytes(d.getMaxReplicaLagBytes())
                .crossRegionReads(d.isCrossRegionReads())
                .readsFromWriter(d.isReadsFromWriter())
                .writerTieBreak(d.getWriterTieBreak())
                .writeGate(writeGate)
                .clock(clock.getIfAvailable(Clock::systemUTC));
        if (!"auto".equalsIgnoreCase(d.getDialect())) {
            b.dialect(DatabaseDialect.named(d.getDialect()));
        }
        MeterRegistry registry = meters.getIfUnique();
        if (registry != null) {
            b.meterRegistry(registry);
        }
        b.observationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP))
                .failoverObservationConvention(failoverConventions.getIfUnique());
        for (int i = 0; i < d.getEndpoints().size(); i++) {
            DrProperties.Endpoint e = d.getEndpoints().get(i);
            try {
                b.endpoint(Endpoint.builder(e.getName(), e.getRegion())
                        .jdbcUrl(e.getUrl())
                        .credentials(e.getUsername(), e.getPassword())
                        .build());
            } catch (IllegalArgumentException ex) {
                throw DrProperties.invalid("dr.datasource.endpoints[" + i + "]", e.getName(), ex.getMessage());
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException ex) {
            throw DrProperties.invalid("dr.datasource", d.getName(), ex.getMessage());
        }
    }
}
