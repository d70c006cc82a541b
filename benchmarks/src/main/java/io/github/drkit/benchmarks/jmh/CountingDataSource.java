package io.github.drkit.benchmarks.jmh;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A non-pooling data source that tells a listener about every connection it opens, on the thread
 * that opens it. The health-path benchmark gives it to drkit as the endpoints' data source, so any
 * database access on the request thread would be counted.
 */
final class CountingDataSource implements DataSource {

    private final DataSource delegate;
    private final Consumer<Thread> onConnect;

    CountingDataSource(DataSource delegate, Consumer<Thread> onConnect) {
        this.delegate = delegate;
        this.onConnect = onConnect;
    }

    @Override
    public Connection getConnection() throws SQLException {
        onConnect.accept(Thread.currentThread());
        return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        onConnect.accept(Thread.currentThread());
        return delegate.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
