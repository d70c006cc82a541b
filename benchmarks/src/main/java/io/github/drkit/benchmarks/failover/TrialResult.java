package io.github.drkit.benchmarks.failover;

import java.util.Map;

/**
 * What one failover trial measured, for one scenario and one client.
 *
 * @param scenario the scenario
 * @param client the client
 * @param trial the trial number, from 1
 * @param setupFailure why the trial could not measure a failover (the client could not be created
 *     or never wrote before the fault), or {@code null}
 * @param promotionToFirstWriteNanos from the harness calling {@code pg_promote()} to the first write
 *     acknowledged by the new primary; -1 if none came within the window
 * @param faultToFirstWriteNanos from the fault to that write; -1 if none
 * @param promoteCallNanos how long {@code pg_promote(true, 60)} took to return (it polls every
 *     100 ms, so a client can write before it returns)
 * @param acked writes acknowledged by the running client
 * @param wrongNodeWrites acknowledged writes, started after the old primary was out, that landed on
 *     a node other than the new primary (from the port each write returned), fresh client included
 * @param dbWrongRows rows the old primary wrote (server clock) after writes had resumed elsewhere
 *     (scenario 2: it is black-holed, not down) or after it restarted (scenario 3), counted in its table afterwards; -1 where there is nothing to
 *     inspect (scenarios 1 and 4: crashed, or rebuilt as a standby)
 * @param dbWrongDetail for each such row, the writer thread ({@code 99} = the fresh client) and how
 *     many ms after the reference time it was written, or empty
 * @param freshWrites writes attempted by the fresh client (scenario 3), else 0
 * @param freshWrong of those, acknowledged by the old primary
 * @param stuckThreads load threads that spent more than 5 s inside one call
 * @param threadsLeft load threads still alive after the client and the servers were closed
 * @param errors failed calls by type, fresh client's prefixed with {@code fresh: }
 */
record TrialResult(
        Scenario scenario,
        ClientKind client,
        int trial,
        String setupFailure,
        long promotionToFirstWriteNanos,
        long faultToFirstWriteNanos,
        long promoteCallNanos,
        int acked,
        int wrongNodeWrites,
        long dbWrongRows,
        String dbWrongDetail,
        int freshWrites,
        int freshWrong,
        int stuckThreads,
        int threadsLeft,
        Map<String, Integer> errors) {

    TrialResult {
        errors = Map.copyOf(errors);
    }

    /**
     * A trial that could not measure a failover.
     *
     * @param scenario the scenario
     * @param client the client
     * @param trial the trial number
     * @param why the reason
     * @param errors failures seen before giving up
     * @return the result
     */
    static TrialResult failed(
            Scenario scenario, ClientKind client, int trial, String why, Map<String, Integer> errors) {
        return new TrialResult(scenario, client, trial, why, -1, -1, -1, 0, 0, -1, "", 0, 0, 0, 0, errors);
    }
}
