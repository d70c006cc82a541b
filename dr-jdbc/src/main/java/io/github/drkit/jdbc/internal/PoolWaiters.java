package io.github.drkit.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads waiting in one endpoint's pool, so that they can be released at once when the endpoint
 * is lost instead of at the pool's timeout. A release interrupts the waiting thread (HikariCP stops
 * waiting on interrupt); the waiter then clears that interrupt, so the application never sees it,
 * and re-routes. A handshake makes sure an interrupt is only ever delivered to a thread still inside
 * {@link #borrow} and is consumed there (an application's own interrupt that arrives at that very
 * moment is consumed with it). Not API.
 */
public final class PoolWaiters {

    private static final int IDLE = 0;
    private static final int WAITING = 1;
    private static final int RELEASING = 2;
    private static final int RELEASED = 3;

    /** One per thread, reused: a thread waits in at most one pool at a time. */
    private static final ThreadLocal<Waiter> WAITER = ThreadLocal.withInitial(Waiter::new);

    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();

    /**
     * Borrows from {@code pool}, unless endpoint {@code index} no longer serves the intent once this
     * thread is registered, or the endpoint is lost while it waits.
     *
     * @return the connection, or {@code null} when the endpoint was lost (re-route)
     * @throws SQLException when the pool gives no connection within its timeout
     */
    public Connection borrow(
            HikariDataSource pool, TopologyMonitor monitor, int index, boolean read, boolean readsFromWriter)
            throws SQLException {
        Waiter w = WAITER.get();
        w.state.set(WAITING);
        waiting.add(w);
        Connection c = null;
        SQLException failure = null;
        try {
            // Registered first, then checked: a loss published after this read finds us registered.
            if (monitor.topology().serves(index, read, readsFromWriter)) {
                if (!read && pool.getHikariPoolMXBean().getThreadsAwaitingConnection() > 0) {
                    // others already wait for a connection (one counter read): is the writer still answering?
                    monitor.writerBusy(index);
                }
                c = pool.getConnection();
            }
        } catch (SQLException e) {
            failure = e;
        } finally {
            waiting.remove(w);
        }
        if (!w.state.compareAndSet(WAITING, IDLE)) {
            while (w.state.get() != RELEASED) {
                Thread.onSpinWait(); // the releaser is between its claim and its interrupt
            }
            Thread.interrupted(); // ours, not the application's
            w.state.set(IDLE);
            if (c != null) {
                pool.evictConnection(c);
            }
            return null;
        }
        if (failure != null) {
            throw failure;
        }
        return c;
    }

    /**
     * Releases every thread waiting now.
     *
     * @return how many were released
     */
    public int releaseAll() {
        int n = 0;
        for (Waiter w : waiting) {
            if (w.state.compareAndSet(WAITING, RELEASING)) {
                w.thread.interrupt();
                w.state.set(RELEASED);
                n++;
            }
        }
        return n;
    }

    /** How many threads wait now (for tests and diagnostics). */
    public int size() {
        return waiting.size();
    }

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final AtomicInteger state = new AtomicInteger(IDLE);
    }
}
