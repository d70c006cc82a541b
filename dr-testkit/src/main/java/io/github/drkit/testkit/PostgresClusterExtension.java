package io.github.drkit.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives a test class one {@link PostgresCluster}, started before the first
 * test of the class and closed after the last, plus any {@link FaultProxy proxies} the tests ask
 * for (closed with it). Register it on a {@code static} field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresClusterExtension PG =
 *         PostgresClusterExtension.builder().standbys(1).build();
 *
 * @Test
 * void readsOnStandby() throws Exception {
 *     try (Connection c = PG.cluster().standby(0).connect()) { ... }
 * }
 * }</pre>
 *
 * <p>Tests that crash or promote nodes change the cluster for the tests after them; give such
 * classes one scenario each, or build a {@link PostgresCluster} per test. Thread-safe.
 */
public final class PostgresClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private final UnaryOperator<PostgresCluster.Builder> configuration;
    private final List<FaultProxy> proxies = new ArrayList<>();
    private volatile PostgresCluster cluster;

    private PostgresClusterExtension(UnaryOperator<PostgresCluster.Builder> configuration) {
        this.configuration = configuration;
    }

    /**
     * Starts configuring the extension; its options are those of {@link PostgresCluster.Builder}.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = configuration.apply(PostgresCluster.builder()).start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RuntimeException failure = null;
        synchronized (proxies) {
            for (FaultProxy p : proxies) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            proxies.clear();
        }
        PostgresCluster c = cluster;
        cluster = null;
        if (c != null) {
            c.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The running cluster.
     *
     * @return the cluster of this test class
     * @throws IllegalStateException outside the class's lifecycle, or when the extension is not
     *     registered on a static field
     */
    public PostgresCluster cluster() {
        PostgresCluster c = cluster;
        if (c == null) {
            throw new IllegalStateException("no cluster: register PostgresClusterExtension on a static field"
                    + " with @RegisterExtension and use it only inside the test class's lifecycle");
        }
        return c;
    }

    /**
     * Starts a {@link FaultProxy} in front of a node; it is closed with the cluster.
     *
     * @param node a node of this cluster
     * @return the proxy, in {@link FaultProxy.Mode#PASS}
     */
    public FaultProxy proxy(PostgresNode node) {
        FaultProxy p = FaultProxy.forNode(node);
        synchronized (proxies) {
            proxies.add(p);
        }
        return p;
    }

    /** Configures a {@link PostgresClusterExtension}. */
    public static final class Builder {
        private UnaryOperator<PostgresCluster.Builder> configuration = UnaryOperator.identity();

        private Builder() {}

        private Builder and(UnaryOperator<PostgresCluster.Builder> step) {
            UnaryOperator<PostgresCluster.Builder> before = configuration;
            configuration = b -> step.apply(before.apply(b));
            return this;
        }

        /**
         * See {@link PostgresCluster.Builder#standbys(int)}.
         *
         * @param count standbys
         * @return this builder
         */
        public Builder standbys(int count) {
            PostgresCluster.builder().standbys(count); // validate now, at declaration
            return and(b -> b.standbys(count));
        }

        /**
         * See {@link PostgresCluster.Builder#replication(ReplicationMode)}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder replication(ReplicationMode mode) {
            PostgresCluster.builder().replication(mode);
            return and(b -> b.replication(mode));
        }

        /**
         * See {@link PostgresCluster.Builder#applyDelay(int, Duration)}.
         *
         * @param standbyIndex the standby
         * @param delay the delay
         * @return this builder
         */
        public Builder applyDelay(int standbyIndex, Duration delay) {
            PostgresCluster.builder().applyDelay(standbyIndex, delay);
            return and(b -> b.applyDelay(standbyIndex, delay));
        }

        /**
         * See {@link PostgresCluster.Builder#setting(String, String)}.
         *
         * @param name the setting
         * @param value its value
         * @return this builder
         */
        public Builder setting(String name, String value) {
            PostgresCluster.builder().setting(name, value);
            return and(b -> b.setting(name, value));
        }

        /**
         * See {@link PostgresCluster.Builder#binaries(PostgresBinaries)}.
         *
         * @param binaries the binaries
         * @return this builder
         */
        public Builder binaries(PostgresBinaries binaries) {
            PostgresCluster.builder().binaries(binaries);
            return and(b -> b.binaries(binaries));
        }

        /**
         * Creates the extension; the cluster starts in {@code beforeAll}.
         *
         * @return the extension
         */
        public PostgresClusterExtension build() {
            return new PostgresClusterExtension(configuration);
        }
    }
}
