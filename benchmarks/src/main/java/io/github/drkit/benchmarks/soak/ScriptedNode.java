package io.github.drkit.benchmarks.soak;

import io.github.drkit.jdbc.DatabaseDialect;
import io.github.drkit.jdbc.internal.DataSourceBase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scripted database node for the soak: a {@link DataSource} that hands out trivial fake
 * {@link Connection}s (dynamic proxies that run no SQL) and counts how many were opened and closed,
 * and the state the {@link ScriptedDialect} reports for it. The script changes the state; the monitor
 * sees the change at its next probe. Thread-safe.
 */
final class ScriptedNode extends DataSourceBase {

    /** What a probe of the node answers; {@code up == false} makes connects and probes fail. */
    record State(boolean up, boolean writable, long timeline, String incarnation) {}

    private final String name;
    private volatile State state;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();

    ScriptedNode(String name, State initial) {
        this.name = name;
        this.state = initial;
    }

    String name() {
        return name;
    }

    State state() {
        return state;
    }

    void set(State s) {
        state = s;
    }

    /** Fake connections opened and not yet closed or aborted. */
    long open() {
        return opened.get() - closed.get();
    }

    long opened() {
        return opened.get();
    }

    /** The probe the dialect answers for this node. */
    DatabaseDialect.Probe probe() throws SQLException {
        State s = state;
        if (!s.up()) {
            throw new SQLException(name + " is down (scripted)", "08006");
        }
        return new DatabaseDialect.Probe(
                s.writable(), s.timeline(), s.timeline() * 1_000_000L, Duration.ZERO, "soak", s.incarnation(), "");
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!state.up()) {
            throw new SQLException("connection to " + name + " refused (scripted)", "08001");
        }
        opened.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, new Handler());
    }

    /** The fake connection: answers what a pool asks, counts its close once. */
    private final class Handler implements InvocationHandler {
        private final AtomicBoolean isClosed = new AtomicBoolean();
        private volatile boolean autoCommit = true;

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws SQLException {
            switch (m.getName()) {
                case "close", "abort" -> {
                    if (isClosed.compareAndSet(false, true)) {
                        closed.incrementAndGet();
                    }
                    return null;
                }
                case "isClosed" -> {
                    return isClosed.get();
                }
                case "isValid" -> {
                    return !isClosed.get() && state.up();
                }
                case "unwrap" -> {
                    if (args[0] == ScriptedNode.class) {
                        return ScriptedNode.this;
                    }
                    throw new SQLException("not a wrapper for " + args[0]);
                }
                case "isWrapperFor" -> {
                    return args[0] == ScriptedNode.class;
                }
                case "getAutoCommit" -> {
                    return autoCommit;
                }
                case "setAutoCommit" -> {
                    autoCommit = (Boolean) args[0];
                    return null;
                }
                case "getTransactionIsolation" -> {
                    return Connection.TRANSACTION_READ_COMMITTED;
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "fake connection to " + name;
                }
                default -> {
                    return defaultValue(m.getReturnType());
                }
            }
        }
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }
}
