package io.krmsync.benchmark;

import java.util.Map;

/**
 * What one timed phase of a benchmark did (a floor, a convergence, a restart, a run of updates, a deletion), measured
 * by a {@link PhaseWindow}. Times are System.nanoTime.
 *
 * @param startNanos when the phase's action began (for a phase that starts an operator: when its start began)
 * @param markNanos a moment within the phase that the benchmark reports: the floor's last write answered, the last
 *        source created, the operator's start returned; the start when there is none
 * @param convergedNanos when the benchmark saw the result (the last copy, say); -1 if it never did
 * @param settledNanos when the operator last did something before it went quiet; the converged time where no operator
 *        runs
 * @param untilConverged requests each counted API server (or group of servers) answered from the start until converged
 * @param untilSettled the same until settled
 * @param calls the operator's reconciler calls during the phase ({@link ReconcileTracker.Calls#NONE} with no operator)
 * @param cpu this JVM's CPU from the start until converged (until settled where the benchmark asked)
 * @param copyWrites how the writer's copy writes went at the servers, where the benchmark measures it; else null
 */
record Phase(String label, long startNanos, long markNanos, long convergedNanos, long settledNanos,
        Map<String, RequestCounts> untilConverged, Map<String, RequestCounts> untilSettled,
        ReconcileTracker.Calls calls, Cpu cpu, CopyWrites copyWrites) {

    /**
     * The copy writes of one writer (the operator or the floor) as the API server saw them.
     *
     * @param firstNanos when the first was received, -1 if none was
     * @param lastNanos when the last was answered, -1 if none was
     * @param serverNanos the server's time handling them, in all
     * @param maxInFlight the most the server had at once
     */
    record CopyWrites(String agent, long firstNanos, long lastNanos, long serverNanos, int maxInFlight) {
    }

    /** From the start until converged. */
    double seconds() {
        return (convergedNanos - startNanos) / 1e9;
    }

    RequestCounts untilConverged(String server) {
        return untilConverged.getOrDefault(server, RequestCounts.EMPTY);
    }

    RequestCounts untilSettled(String server) {
        return untilSettled.getOrDefault(server, RequestCounts.EMPTY);
    }

    Phase with(CopyWrites writes) {
        return new Phase(label, startNanos, markNanos, convergedNanos, settledNanos, untilConverged, untilSettled, calls,
                cpu, writes);
    }
}
