package io.github.drkit.jdbc.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The connection an application gets from the routing data source. It is not bound to a node until
 * the first call that needs the server, so {@link #setReadOnly(boolean) setReadOnly(true)} before
 * the first statement gives read intent (Spring's transaction managers set it after taking the
 * connection). Settings made before binding are applied to the pooled connection when it binds.
 * Errors that mean a failover become drkit's typed exceptions, also from the statements it creates
 * (result sets are the driver's own). Like any JDBC connection, not for concurrent use. Not API.
 */
public final class RoutedConnection implements Connection {

    private static final int UNSET = Integer.MIN_VALUE;

    private final Router router;
    private Connection delegate;
    private int endpoint = -1;
    private boolean boundForRead;
    private boolean closed;
    private boolean readOnly;
    private boolean autoCommit = true;
    private int isolation = UNSET;
    private int holdability = UNSET;
    private String catalog;
    private String schema;
    private int networkTimeoutMillis = UNSET;
    private Executor networkTimeoutExecutor;

    /** Creates an unbound connection; {@code readOnly} presets read intent. */
    public RoutedConnection(Router router, boolean readOnly) {
        this.router = router;
        this.readOnly = readOnly;
    }

    /** Called by the router while binding. */
    public void attach(Connection pooled, int endpointIndex, boolean forRead) {
        this.delegate = pooled;
        this.endpoint = endpointIndex;
        this.boundForRead = forRead;
    }

    /**
     * The index of the endpoint this connection is bound to, or -1 while unbound.
     *
     * @return the index
     */
    public int boundEndpoint() {
        return endpoint;
    }

    private Connection bound() throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
        if (delegate == null) {
            bind();
        }
        return delegate;
    }

    private void bind() throws SQLException {
        router.bind(this, readOnly);
        Connection d = delegate;
        try {
            if (!autoCommit) {
                d.setAutoCommit(false);
            }
            if (readOnly) {
                d.setReadOnly(true);
            }
            if (isolation != UNSET) {
                d.setTransactionIsolation(isolation);
            }
            if (holdability != UNSET) {
                d.setHoldability(holdability);
            }
            if (catalog != null) {
                d.setCatalog(catalog);
            }
            if (schema != null) {
                d.setSchema(schema);
            }
            if (networkTimeoutMillis != UNSET) {
                d.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMillis);
            }
        } catch (SQLException e) {
            SQLException translated = router.translate(e, endpoint, readOnly, false, false);
            release();
            throw translated;
        }
    }

    private void release() {
        Connection d = delegate;
        delegate = null;
        endpoint = -1;
        if (d != null) {
            try {
                d.close();
            } catch (SQLException ignored) {
                // the pool discards a broken connection by itself
            }
        }
    }

    private SQLException fail(SQLException e) {
        return router.translate(e, endpoint, boundForRead, autoCommit, false);
    }

    // ---- calls that do not need a node --------------------------------------------------------

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
        if (delegate != null && boundForRead && !readOnly && autoCommit) {
            // Write intent on a connection bound to a reader between transactions: rebind lazily.
            release();
        }
        this.readOnly = readOnly;
        if (delegate != null) {
            try {
                delegate.setReadOnly(readOnly);
            } catch (SQLException e) {
                throw fail(e);
            }
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return readOnly;
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
        boolean commits = autoCommit && !this.autoCommit;
        this.autoCommit = autoCommit;
        if (delegate != null) {
            try {
                delegate.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                throw router.translate(e, endpoint, boundForRead, false, commits);
            }
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
        if (delegate == null) {
            return;
        }
        try {
            delegate.commit();
        } catch (SQLException e) {
            throw router.translate(e, endpoint, boundForRead, false, true);
        }
    }

    @Override
    public void rollback() throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
        if (delegate == null) {
            return;
        }
        try {
            delegate.rollback();
        } catch (SQLException e) {
            throw router.translate(e, endpoint, boundForRead, false, false);
        }
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        Connection d = delegate;
        delegate = null;
        if (d != null) {
            try {
                d.close();
            } catch (SQLException e) {
                String state = e.getSQLState();
                if (state != null && state.startsWith("08")) {
                    // the physical connection is gone already (drkit ended it when its node was lost,
                    // or the node did): there is nothing left to close, and the pool discards it
                    return;
                }
                throw router.translate(e, endpoint, boundForRead, false, false);
            }
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed;
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        closed = true;
        Connection d = delegate;
        delegate = null;
        if (d != null) {
            Aborts.now(d, executor);
        }
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must be >= 0 (was " + timeout + ")", "22023");
        }
        if (closed) {
            return false;
        }
        return delegate == null || delegate.isValid(timeout);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate == null ? null : delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        if (delegate != null) {
            delegate.clearWarnings();
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        isolation = level;
        if (delegate != null) {
            try {
                delegate.setTransactionIsolation(level);
            } catch (SQLException e) {
                throw fail(e);
            }
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return delegate == null && isolation != UNSET ? isolation : bound().getTransactionIsolation();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        this.holdability = holdability;
        if (delegate != null) {
            delegate.setHoldability(holdability);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate == null && holdability != UNSET ? holdability : bound().getHoldability();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        this.catalog = catalog;
        if (delegate != null) {
            delegate.setCatalog(catalog);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        return bound().getCatalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        this.schema = schema;
        if (delegate != null) {
            delegate.setSchema(schema);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        return bound().getSchema();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        this.networkTimeoutExecutor = executor;
        this.networkTimeoutMillis = milliseconds;
        if (delegate != null) {
            delegate.setNetworkTimeout(executor, milliseconds);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return delegate == null && networkTimeoutMillis != UNSET ? networkTimeoutMillis : bound().getNetworkTimeout();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return bound().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || bound().isWrapperFor(iface);
    }

    // ---- statements ---------------------------------------------------------------------------

    @Override
    public Statement createStatement() throws SQLException {
        try {
            return wrap(bound().createStatement(), Statement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        try {
            return wrap(bound().createStatement(resultSetType, resultSetConcurrency), Statement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        try {
            return wrap(
                    bound().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability),
                    Statement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        try {
            return wrap(bound().prepareStatement(sql), PreparedStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        try {
            return wrap(bound().prepareStatement(sql, resultSetType, resultSetConcurrency), PreparedStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(
            String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        try {
            return wrap(
                    bound().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability),
                    PreparedStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        try {
            return wrap(bound().prepareStatement(sql, autoGeneratedKeys), PreparedStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        try {
            return wrap(bound().prepareStatement(sql, columnIndexes), PreparedStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        try {
            return wrap(bound().prepareStatement(sql, columnNames), PreparedStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        try {
            return wrap(bound().prepareCall(sql), CallableStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        try {
            return wrap(bound().prepareCall(sql, resultSetType, resultSetConcurrency), CallableStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public CallableStatement prepareCall(
            String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        try {
            return wrap(
                    bound().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability),
                    CallableStatement.class);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    private <S extends Statement> S wrap(S statement, Class<S> type) {
        return type.cast(Proxy.newProxyInstance(
                RoutedConnection.class.getClassLoader(), new Class<?>[] {type}, new StatementHandler(statement)));
    }

    /** Forwards statement calls and translates failover errors. */
    private final class StatementHandler implements InvocationHandler {
        private final Statement target;

        StatementHandler(Statement target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "getConnection":
                    return RoutedConnection.this;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "drkit:" + target;
                case "unwrap":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException sql) {
                    throw fail(sql);
                }
                throw cause;
            }
        }
    }

    // ---- everything else binds and forwards ---------------------------------------------------

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return bound().nativeSQL(sql);
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        try {
            return bound().getMetaData();
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return bound().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        bound().setTypeMap(map);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        try {
            return bound().setSavepoint();
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        try {
            return bound().setSavepoint(name);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        try {
            bound().rollback(savepoint);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        try {
            bound().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw fail(e);
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        return bound().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return bound().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return bound().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return bound().createSQLXML();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        try {
            bound().setClientInfo(name, value);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        try {
            bound().setClientInfo(properties);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return bound().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return bound().getClientInfo();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return bound().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return bound().createStruct(typeName, attributes);
    }

    @Override
    public String toString() {
        return "drkit RoutedConnection[" + (delegate == null ? "unbound" : "endpoint #" + endpoint)
                + (readOnly ? ", read" : ", write") + "]";
    }
}
