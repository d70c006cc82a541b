package io.github.drkit.spring.autoconfigure;

import io.github.drkit.jdbc.RegionRoutingDataSource;
import io.github.drkit.killswitch.KillSwitchRegistry;
import io.github.drkit.spring.RegionReadinessMonitor;
import io.github.drkit.spring.internal.KillSwitchAgeMetrics;
import io.github.drkit.spring.internal.WriterAlarmMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The meters that drkit's alarm rules ({@code docs/alarms/}) need beyond those of the data source,
 * the readiness monitor and the kill-switch registry: whether a writer is known and where
 * ({@code drkit.readiness.writer.present}, {@code drkit.readiness.writer.remote}), the readiness
 * reasons one by one ({@code drkit.readiness.reason}), and how long kill switches have been killed
 * ({@code drkit.killswitch.killed.duration}, {@code drkit.killswitch.expiry.overdue}). Each binder
 * backs off for a bean of the application with the same name.
 */
@AutoConfiguration(
        after = {DrHealthAutoConfiguration.class, DrKillSwitchAutoConfiguration.class, DrActuatorAutoConfiguration.class
        })
@ConditionalOnClass(MeterBinder.class)
public final class DrAlarmMetricsAutoConfiguration {

    /** Creates the auto-configuration; used by Spring. */
    public DrAlarmMetricsAutoConfiguration() {}

    /** Writer and readiness-reason gauges: need the routing data source and the readiness monitor. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RegionRoutingDataSource.class)
    @ConditionalOnBean({RegionRoutingDataSource.class, RegionReadinessMonitor.class})
    static final class Writer {

        @Bean
        @ConditionalOnMissingBean(name = "drWriterAlarmMetrics")
        WriterAlarmMetrics drWriterAlarmMetrics(RegionRoutingDataSource dataSource, RegionReadinessMonitor readiness) {
            return new WriterAlarmMetrics(
                    dataSource, readiness, readiness.current().region());
        }
    }

    /** Kill-switch age gauges: need the kill-switch registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KillSwitchRegistry.class)
    @ConditionalOnBean(KillSwitchRegistry.class)
    static final class KillSwitches {

        @Bean
        @ConditionalOnMissingBean(name = "drKillSwitchAgeMetrics")
        KillSwitchAgeMetrics drKillSwitchAgeMetrics(KillSwitchRegistry registry, ObjectProvider<Clock> clock) {
            return new KillSwitchAgeMetrics(registry, clock.getIfAvailable(Clock::systemUTC));
        }
    }
}
