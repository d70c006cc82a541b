package io.github.drkit.spring.autoconfigure;

import io.github.drkit.killswitch.AuditSink;
import io.github.drkit.killswitch.DrainSwitchNames;
import io.github.drkit.killswitch.FileSwitchSource;
import io.github.drkit.killswitch.JdbcSwitchSource;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.killswitch.LoggingAuditSink;
import io.github.drkit.killswitch.SourceStatus;
import io.github.drkit.killswitch.SwitchSource;
import io.github.drkit.killswitch.SwitchState;
import io.github.drkit.spring.endpoint.FleetSource;
import io.github.drkit.spring.internal.AuditEventRepositorySink;
import io.github.drkit.spring.internal.BootAutoConfigurations;
import io.github.drkit.spring.internal.DeferredWriteGate;
import io.github.drkit.spring.internal.FleetSourceSelection;
import io.github.drkit.spring.internal.ReadIntent;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link KillSwitchRegistry} from {@code dr.killswitch.*}: the declared switches and profiles,
 * the built-in write switch {@code drkit.writes} (bound to the routing data source's write gate),
 * this region's drain switch ({@code dr.health.drain-switch}, by default {@code
 * region-traffic.<dr.region>}), an optional watched
 * file, an optional fleet table read through the routing data source's readers, and every {@link
 * SwitchSource} bean of the context (later sources win for a switch they both set). Changes are
 * audited to the log and, when there is one, to Boot's {@code AuditEventRepository}. Backs off when
 * the application defines its own registry or audit sink.
 */
@AutoConfiguration(
        after = DrDataSourceAutoConfiguration.class,
        afterName = {BootAutoConfigurations.DATA_SOURCE, BootAutoConfigurations.DATA_SOURCE_BOOT3})
@ConditionalOnClass(KillSwitchRegistry.class)
@ConditionalOnProperty(prefix = "dr.killswitch", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(DrProperties.class)
public final class DrKillSwitchAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DrKillSwitchAutoConfiguration.class);

    /** Creates the auto-configuration; used by Spring. */
    public DrKillSwitchAutoConfiguration() {}

    /**
     * Binds the routing data source's write gate to the write switch of whichever kill-switch
     * registry the context holds, as soon as that registry is created.
     *
     * @param gate the deferred write gate, if the starter created the data source
     * @return the post-processor
     */
    @Bean
    public static BeanPostProcessor drWriteSwitchBinding(ObjectProvider<DeferredWriteGate> gate) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof KillSwitchRegistry registry) {
                    gate.ifAvailable(g -> g.bind(registry.writeGate()));
                }
                return bean;
            }
        };
    }

    /**
     * The kill-switch registry.
     *
     * @param properties drkit's properties
     * @param auditSink where changes are recorded
     * @param dataSources the application's data source for the fleet table (through the readers of a
     *     routing data source)
     * @param clock an application {@link Clock}, if any
     * @param sources the context's {@link SwitchSource} beans (such as drkit's SSM and AppConfig
     *     sources from {@code dr.aws.kill-switches.*}), added after the file and table sources in
     *     their {@code @Order}; the registry owns and closes them
     * @return the started registry; closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public KillSwitchRegistry killSwitchRegistry(
            DrProperties properties,
            AuditSink auditSink,
            ObjectProvider<DataSource> dataSources,
            ObjectProvider<Clock> clock,
            ObjectProvider<SwitchSource> sources) {
        DrProperties.Killswitch k = properties.getKillswitch();
        Clock time = clock.getIfAvailable(Clock::systemUTC);
        KillSwitchRegistry.Builder b = KillSwitchRegistry.builder()
                .clock(time)
                .auditSink(auditSink)
                .historySize(k.getHistorySize())
                .staleAfterFailures(k.getStaleAfterFailures())
                .expiryCheckInterval(k.getExpiryCheckInterval())
                .startupTimeout(k.getStartupTimeout())
                .maxTtl(k.getEndpoint().getMaxTtl());
        for (Map.Entry<String, DrProperties.Switch> e : k.getSwitches().entrySet()) {
            SwitchState state = e.getValue().getDefaultState() == DrProperties.SwitchDefault.KILLED
                    ? SwitchState.KILLED
                    : SwitchState.ENABLED;
            b.declare(e.getKey(), state, e.getValue().getDescription());
        }
        String drain = properties.getHealth().resolvedDrainSwitch(properties.getRegion());
        if (drain != null && !k.getSwitches().containsKey(drain)) {
            b.declare(
                    drain,
                    SwitchState.ENABLED,
                    "Traffic to region " + (properties.getRegion() == null ? "(this region)" : properties.getRegion())
                            + " (killed: drained, the Route 53 health path answers 503)");
        }
        warnAboutLegacyDrainSwitch(properties, drain);
        k.getProfiles().forEach(b::profile);
        if (k.getFile().getPath() != null) {
            try {
                b.source(FileSwitchSource.builder(Path.of(k.getFile().getPath()))
                        .pollInterval(k.getFile().getPollInterval())
                        .watch(k.getFile().isWatch())
                        .build());
            } catch (RuntimeException e) {
                throw DrProperties.invalid(
                        "dr.killswitch.file.path", k.getFile().getPath(), e.getMessage());
            }
        }
        if (k.getJdbc().isEnabled()) {
            DataSource ds = ReadIntent.of(dataSources.getIfUnique());
            if (ds == null) {
                throw DrProperties.invalid(
                        "dr.killswitch.jdbc.enabled", true, "needs a DataSource (configure dr.datasource.endpoints)");
            }
            b.source(JdbcSwitchSource.builder(ds)
                    .table(k.getJdbc().getTable())
                    .pollInterval(k.getJdbc().getPollInterval())
                    .queryTimeout(k.getJdbc().getQueryTimeout())
                    .clock(time)
                    .build());
        }
        sources.orderedStream().forEach(b::source);
        if (k.getLocalSnapshot() != null) {
            b.localSnapshot(Path.of(k.getLocalSnapshot()));
        }
        return b.build();
    }

    /**
     * The drain switch used to be {@code region-traffic} in every region: a drain of that name written
     * to a fleet source that several regions read (the replicated switch table) drained them all. It is
     * now per region; runbooks that still say {@code region-traffic} must learn the new name, so say
     * it once, loudly, at start-up. No alias: honouring the old name would bring the fleet-wide drain
     * back.
     */
    private static void warnAboutLegacyDrainSwitch(DrProperties properties, String drain) {
        if (drain == null || !properties.getHealth().isDrainSwitchDefault()) {
            return;
        }
        String legacy = DrainSwitchNames.PREFIX;
        String scope = "this region's drain switch is '" + drain + "' (per region; set dr.health.drain-switch to"
                + " choose another name)";
        if (properties.getKillswitch().getSwitches().containsKey(legacy)) {
            LOG.warn(
                    "dr.killswitch.switches declares '{}', which no longer drains anything: {}. Killing '{}' on"
                            + " one instance (Actuator) or in a fleet source drains only this region.",
                    legacy,
                    scope,
                    drain);
        } else {
            LOG.info(
                    "{}; a '{}' switch, as older runbooks name it, is ignored (a source that sets it is warned"
                            + " about): kill '{}' instead",
                    scope,
                    legacy,
                    drain);
        }
    }

    /**
     * The fleet-wide source that the {@code killswitches} endpoint writes to for {@code "scope":
     * "fleet"}: {@code dr.killswitch.endpoint.fleet-source} if set, else the last writable fleet source
     * the registry reads (the switch table, SSM), else the last read-only one (AppConfig, OpenFeature:
     * the endpoint answers how it is changed instead), else none. The switch table is read through the
     * readers but written through the application's data source, which reaches the writer.
     *
     * @param properties drkit's properties
     * @param registry the registry whose sources count
     * @param dataSources the application's data source (writes to the switch table)
     * @param clock an application {@link Clock}, if any
     * @param sources the context's {@link SwitchSource} beans
     * @return the selection
     */
    @Bean
    @ConditionalOnMissingBean
    public FleetSourceSelection drFleetSwitchSource(
            DrProperties properties,
            KillSwitchRegistry registry,
            ObjectProvider<DataSource> dataSources,
            ObjectProvider<Clock> clock,
            ObjectProvider<SwitchSource> sources) {
        DrProperties.Killswitch k = properties.getKillswitch();
        List<FleetSource> candidates = new ArrayList<>();
        DataSource writes = dataSources.getIfUnique();
        if (k.getJdbc().isEnabled() && writes != null) {
            JdbcSwitchSource writer = JdbcSwitchSource.builder(writes)
                    .table(k.getJdbc().getTable())
                    .pollInterval(k.getJdbc().getPollInterval())
                    .queryTimeout(k.getJdbc().getQueryTimeout())
                    .maxTtl(k.getEndpoint().getMaxTtl())
                    .clock(clock.getIfAvailable(Clock::systemUTC))
                    .build();
            candidates.add(FleetSource.writable(writer.name(), writer));
        }
        sources.orderedStream().forEach(s -> candidates.add(FleetSourceSelection.candidate(s)));
        List<String> read =
                registry.sourceStatuses().stream().map(SourceStatus::name).toList();
        try {
            return FleetSourceSelection.select(candidates, read, k.getEndpoint().getFleetSource());
        } catch (IllegalArgumentException e) {
            throw DrProperties.invalid(
                    "dr.killswitch.endpoint.fleet-source", k.getEndpoint().getFleetSource(), e.getMessage());
        }
    }

    /**
     * Audit into Boot's {@code AuditEventRepository} (when the application has one) and the log.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(AuditEventRepository.class)
    static final class ActuatorAudit {

        @Bean
        @ConditionalOnMissingBean
        AuditSink drKillSwitchAuditSink(ObjectProvider<AuditEventRepository> repository) {
            return new AuditEventRepositorySink(repository);
        }
    }

    /**
     * Audit into the log when Actuator is absent.
     *
     * @return the sink
     */
    @Bean
    @ConditionalOnMissingBean
    public AuditSink drKillSwitchLogAuditSink() {
        return new LoggingAuditSink();
    }
}
