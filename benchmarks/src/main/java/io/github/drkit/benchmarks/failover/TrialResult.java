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
 * @param promotionToFirstWriteNanos from the harness starting the promotion (PostgreSQL: calling {@code
 *     pg_promote()}; MariaDB: {@code STOP SLAVE IO_THREAD}) to the first write acknowledged by the new
 *     primary; -1 if none came within the window
 * @param writableToFirstWriteNanos from the moment the promoted node was made writable (MariaDB: the
 *     harness sending {@code SET GLOBAL read_only = 0}, the last step of the promotion) to that write:
 *     the client's own reaction; -1 if none, or unknown (PostgreSQL: {@code pg_promote()} does not say
 *     when the node left recovery)
 * @param faultToFirstWriteNanos from the fault to that write; -1 if none
 * @param promoteCallNanos how long the promotion took: {@code pg_promote(true, 60)} to return (it polls
 *     every 100 ms, so a client can write before it returns); MariaDB: from {@code STOP SLAVE
 *     IO_THREAD} to {@code SET GLOBAL read_only = 0} returning
 * @param acked writes acknowledged by the running client
 * @param wrongNodeWrites acknowledged writes, over every call of the trial (load threads and fresh
 *     client, whenever they started), whose acknowledging server (the port each write returned) was
 *     not the writer at the server time of the write (the time each write returned): the old
 *     primary from the moment it stopped being the writer, any node other than the two
 * @param dbAckedRows rows in the old primary's own table written (its clock) after it stopped being
 *     the writer and acknowledged to a client (the cross-check of {@code wrongNodeWrites} on that
 *     node); -1 where its table cannot be read (scenario 4: rebuilt as a standby)
 * @param dbInDoubtRows rows in its table written after it stopped being the writer whose call never
 *     got an acknowledgement (the client got an error, or the statement was already on its way when
 *     the fault came); -1 where its table cannot be read
 * @param dbWrongDetail for each row after it stopped being the writer, the writer thread ({@code 99} =
 *     the fresh client), {@code a} if acknowledged, and how many ms after that moment it was written
 * @param freshWrites writes attempted by the fresh client (scenario 3), else 0
 * @param freshWrong of those, acknowledged by the old primary
 * @param stuckThreads load threads that spent more than 5 s inside one call
 * @param threadsLeft load threads still alive after the client and the servers were closed
 * @param errors failed calls by type, fresh client's prefixed with {@code fresh: }
 * @param load1 the machine's 1-minute load average when the trial started ({@code NaN} if unknown)
 */
record TrialResult(
        Scenario scenario,
        ClientKind client,
        int trial,
        String setupFailure,
        long promotionToFirstWriteNanos,
        long writableToFirstWriteNanos,
        long faultToFirstWriteNanos,
        long promoteCallNanos,
        int acked,
        int wrongNodeWrites,
        long dbAckedRows,
        long dbInDoubtRows,
        String dbWrongDetail,
        int freshWrites,
        int freshWrong,
        int stuckThreads,
        int threadsLeft,
        Map<String, Integer> errors,
        double load1) {

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
     * @param load1 the 1-minute load average at the trial's start
     * @return the result
     */
    static TrialResult failed(
            Scenario scenario, ClientKind client, int trial, String why, Map<String, Integer> errors, double load1) {
        return new TrialResult(
                scenario, client, trial, why, -1, -1, -1, -1, 0, 0, -1, -1, "", 0, 0, 0, 0, errors, load1);
    }
}
