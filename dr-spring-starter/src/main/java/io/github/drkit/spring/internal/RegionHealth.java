package io.github.drkit.spring.internal;

import io.github.drkit.spring.FailoverObservation;
import io.github.drkit.spring.ReadinessReason;
import io.github.drkit.spring.RegionReadiness;
import io.github.drkit.spring.RegionReadinessMonitor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What the region's health contributors say, independent of the Spring Boot generation: the status
 * and the details of {@code drRegion} (the truth: {@code UP}, {@code OUT_OF_SERVICE} when only
 * drained, {@code DOWN}) and of {@code drRegionInfo} (always {@code UP}, the same details plus
 * {@code ready}), and the names of the contributors and of the {@code dr} health group. Reads the
 * monitor's precomputed answer; no I/O. Thread-safe. Not API.
 */
public final class RegionHealth {

    /** The contributor that tells the truth about readiness (member of the {@code dr} group). */
    public static final String CONTRIBUTOR = "drRegion";

    /** The contributor of the aggregate health: always {@code UP}, readiness as detail. */
    public static final String INFO_CONTRIBUTOR = "drRegionInfo";

    /** The health group that holds {@link #CONTRIBUTOR}: {@code /actuator/health/dr}. */
    public static final String GROUP = "dr";

    /** The Boot status codes this class answers with. */
    public enum Level {
        /** Ready. */
        UP,
        /** Not ready only because the operator drained the region. */
        OUT_OF_SERVICE,
        /** Not ready for any other reason. */
        DOWN
    }

    private RegionHealth() {}

    /**
     * The truthful status of a readiness answer.
     *
     * @param r the answer
     * @return its level
     */
    public static Level level(RegionReadiness r) {
        if (r.ready()) {
            return Level.UP;
        }
        return r.reasons().equals(List.of(ReadinessReason.DRAINED)) ? Level.OUT_OF_SERVICE : Level.DOWN;
    }

    /**
     * The details of a readiness answer: region, declared and local role, reason codes, time, the last
     * observed failover; with {@code withReady}, first {@code ready} and where the truth is served.
     *
     * @param monitor the monitor
     * @param r its answer
     * @param withReady whether to add {@code ready} and {@code group} (for {@code drRegionInfo})
     * @return the details, in a stable order
     */
    public static Map<String, Object> details(RegionReadinessMonitor monitor, RegionReadiness r, boolean withReady) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (withReady) {
            d.put("ready", r.ready());
        }
        List<String> codes = new ArrayList<>(r.reasons().size());
        for (ReadinessReason reason : r.reasons()) {
            codes.add(reason.code());
        }
        d.put("region", r.region());
        d.put("declaredRole", monitor.role().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        d.put("localRole", r.role());
        d.put("reasons", codes);
        d.put("computedAt", r.computedAt().toString());
        monitor.lastFailover().map(FailoverObservation::duration).ifPresent(x -> d.put("lastFailover", x.toString()));
        if (withReady) {
            d.put("group", GROUP);
        }
        return d;
    }

    /**
     * Checks that a node answers through {@code readView} (drkit's routing data source's read view: a
     * fresh reader, else the writer), for the {@code db} health contributor. Blocking I/O, bounded by
     * the routing data source's timeouts and a 2 s validation.
     *
     * @param readView the data source to check through
     * @return details: the database product and that the connection is valid
     * @throws SQLException if no node answers, or the connection is not valid
     */
    public static Map<String, Object> checkDatabase(DataSource readView) throws SQLException {
        try (Connection c = readView.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (!c.isValid(2)) {
                throw new SQLException("the connection to " + product + " is not valid", "08006");
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("database", product);
            d.put("validationQuery", "isValid() with read intent");
            return d;
        }
    }
}
