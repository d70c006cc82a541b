package io.github.drkit.spring.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The RDS clients of an Aurora global database's member regions, in the configured order, owned by
 * the application context and closed with it. Not API.
 */
public final class RegionalRdsClients implements AutoCloseable {

    private final Map<String, RdsClient> clients;

    /**
     * Holds the clients.
     *
     * @param clients one client per region, in the order reads should try them
     */
    public RegionalRdsClients(Map<String, RdsClient> clients) {
        this.clients = new LinkedHashMap<>(clients);
    }

    /**
     * The clients by region.
     *
     * @return an unmodifiable view, in order
     */
    public Map<String, RdsClient> byRegion() {
        return java.util.Collections.unmodifiableMap(clients);
    }

    /** Closes every client. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (RdsClient client : clients.values()) {
            try {
                client.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
