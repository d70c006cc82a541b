package io.github.drkit.jdbc.idempotency;

import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Real PostgreSQL connections with failures injected where a failover would cause them: at
 * connection time, on the first statement, or around the commit (the commit really happens or
 * really does not, then the answer is lost). The database decides everything else.
 */
final class FaultInjectingDataSource implements DataSource {

    enum CommitFault {
        /** The commit happens, then the answer is lost. */
        COMMITTED_THEN_ANSWER_LOST,
        /** The commit does not happen (rolled back), and the answer is lost. */
        NOT_COMMITTED_ANSWER_LOST
    }

    private final DataSource target;
    private final Queue<SQLException> connectionFaults = new ConcurrentLinkedQueue<>();
    private final Queue<SQLException> firstStatementFaults = new ConcurrentLinkedQueue<>();
    private final Queue<CommitFault> commitFaults = new ConcurrentLinkedQueue<>();
    final AtomicInteger connectionsOpened = new AtomicInteger();

    FaultInjectingDataSource(DataSource target) {
        this.target = target;
    }

    void failNextConnection(SQLException e) {
        connectionFaults.add(e);
    }

    void failFirstStatementOfNextConnection(SQLException e) {
        firstStatementFaults.add(e);
    }

    void onNextCommit(CommitFault fault) {
        commitFaults.add(fault);
    }

    @Override
    public Connection getConnection() throws SQLException {
        SQLException fault = connectionFaults.poll();
        if (fault != null) {
            throw fault;
        }
        Connection real = target.getConnection();
        connectionsOpened.incrementAndGet();
        SQLException statementFault = firstStatementFaults.poll();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                new Handler(real, statementFault));
    }

    private final class Handler implements InvocationHandler {
        private final Connection real;
        private SQLException statementFault;

        Handler(Connection real, SQLException statementFault) {
            this.real = real;
            this.statementFault = statementFault;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (statementFault != null && (name.equals("prepareStatement") || name.equals("createStatement"))) {
                SQLException e = statementFault;
                statementFault = null;
                throw e;
            }
            if (name.equals("prepareStatement")
                    && args.length > 0
                    && args[0] instanceof String sql
                    && sql.endsWith("COMMIT")
                    && !commitFaults.isEmpty()) {
                // the store's record and COMMIT in one round trip (PostgreSQL): the fault hits there
                return commitCarrying((PreparedStatement) method.invoke(real, args), commitFaults.poll());
            }
            if (name.equals("commit")) {
                CommitFault fault = commitFaults.poll();
                if (fault == CommitFault.COMMITTED_THEN_ANSWER_LOST) {
                    real.commit();
                    throw new CommitOutcomeUnknownException("connection lost during COMMIT (injected)", null);
                }
                if (fault == CommitFault.NOT_COMMITTED_ANSWER_LOST) {
                    real.rollback();
                    throw new CommitOutcomeUnknownException("connection lost during COMMIT (injected)", null);
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /**
     * A statement whose text ends with {@code COMMIT}: its execution commits (or, injected, does
     * not), then the connection breaks before the answer arrives (SQLState 08006, as pgjdbc
     * reports an I/O error).
     */
    private PreparedStatement commitCarrying(PreparedStatement real, CommitFault fault) {
        return (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                    if (m.getName().startsWith("execute")) {
                        if (fault == CommitFault.COMMITTED_THEN_ANSWER_LOST) {
                            m.invoke(real, a);
                        } else {
                            real.getConnection().rollback();
                        }
                        throw new SQLException("connection lost with COMMIT in flight (injected)", "08006");
                    }
                    try {
                        return m.invoke(real, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("not used");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("not used");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
