package io.github.drkit.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives a test class one {@link MariaDbCluster}, started before the first
 * test of the class and closed after the last, plus any {@link FaultProxy proxies} the tests ask
 * for (closed with it). Register it on a {@code static} field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MariaDbClusterExtension DB =
 *         MariaDbClusterExtension.builder().replicas(1).build();
 *
 * @Test
 * void readsOnReplica() throws Exception {
 *     try (Connection c = DB.cluster().replica(0).connect()) { ... }
 * }
 * }</pre>
 *
 * <p>Tests that crash or promote nodes change the cluster for the tests after them; give such
 * classes one scenario each, or build a {@link MariaDbCluster} per test. Thread-safe.
 */
public final class MariaDbClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private final UnaryOperator<MariaDbCluster.Builder> configuration;
    private final List<FaultProxy> proxies = new ArrayList<>();
    private volatile MariaDbCluster cluster;

    private MariaDbClusterExtension(UnaryOperator<MariaDbCluster.Builder> configuration) {
        this.configuration = configuration;
    }

    /**
     * Starts configuring the extension; its options are those of {@link MariaDbCluster.Builder}.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = configuration.apply(MariaDbCluster.builder()).start();
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
        MariaDbCluster c = cluster;
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
    public MariaDbCluster cluster() {
        MariaDbCluster c = cluster;
        if (c == null) {
            throw new IllegalStateException("no cluster: register MariaDbClusterExtension on a static field"
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
    public FaultProxy proxy(MariaDbNode node) {
        FaultProxy p = FaultProxy.forNode(node);
        synchronized (proxies) {
            proxies.add(p);
        }
        return p;
    }

    /** Configures a {@link MariaDbClusterExtension}. */
    public static final class Builder {
        private UnaryOperator<MariaDbCluster.Builder> configuration = UnaryOperator.identity();

        private Builder() {}

        private Builder and(UnaryOperator<MariaDbCluster.Builder> step) {
            UnaryOperator<MariaDbCluster.Builder> before = configuration;
            configuration = b -> step.apply(before.apply(b));
            return this;
        }

        /**
         * See {@link MariaDbCluster.Builder#replicas(int)}.
         *
         * @param count replicas
         * @return this builder
         */
        public Builder replicas(int count) {
            MariaDbCluster.builder().replicas(count); // validate now, at declaration
            return and(b -> b.replicas(count));
        }

        /**
         * See {@link MariaDbCluster.Builder#semiSync(boolean)}.
         *
         * @param enabled whether to enable it
         * @return this builder
         */
        public Builder semiSync(boolean enabled) {
            return and(b -> b.semiSync(enabled));
        }

        /**
         * See {@link MariaDbCluster.Builder#startTimeout(Duration)}.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            MariaDbCluster.builder().startTimeout(timeout);
            return and(b -> b.startTimeout(timeout));
        }

        /**
         * See {@link MariaDbCluster.Builder#setting(String, String)}.
         *
         * @param name the setting
         * @param value its value
         * @return this builder
         */
        public Builder setting(String name, String value) {
            MariaDbCluster.builder().setting(name, value);
            return and(b -> b.setting(name, value));
        }

        /**
         * See {@link MariaDbCluster.Builder#binaries(MariaDbBinaries)}.
         *
         * @param binaries the binaries
         * @return this builder
         */
        public Builder binaries(MariaDbBinaries binaries) {
            MariaDbCluster.builder().binaries(binaries);
            return and(b -> b.binaries(binaries));
        }

        /**
         * Creates the extension; the cluster starts in {@code beforeAll}.
         *
         * @return the extension
         */
        public MariaDbClusterExtension build() {
            return new MariaDbClusterExtension(configuration);
        }
    }
}
