package io.krmsync.benchmark;

import java.io.IOException;
import java.util.Map;

import jdk.jfr.Recording;

/**
 * One phase being measured: opened just before the phase's action (request counts at every counted server, the
 * operator's reconciler calls, this JVM's CPU, a JFR profile where asked), told when the phase converged and when it
 * settled, and closed into a {@link Phase}. Opened by {@link BenchmarkHarness#open} or {@link BenchmarkHarness#profiled}.
 */
final class PhaseWindow {

    private final BenchmarkHarness harness;
    private final String label;
    private final Map<String, RequestCounts> before;
    private final Cpu cpuBefore;
    private final Recording recording;
    private RunningOperator<?> operator;
    private ReconcileTracker.Calls callsBefore;
    private long start;
    private long mark;
    private boolean cpuUntilSettled;
    private long converged = -1;
    private Map<String, RequestCounts> untilConverged = Map.of();
    private Cpu cpu;

    PhaseWindow(BenchmarkHarness harness, String label, RunningOperator<?> operator, boolean profiled) {
        this.harness = harness;
        this.label = label;
        this.operator = operator;
        this.before = harness.requests();
        this.callsBefore = operator == null ? ReconcileTracker.Calls.NONE : operator.probe().calls();
        this.cpuBefore = Cpu.now();
        this.recording = harness.startRecording(profiled);
        this.start = System.nanoTime();
        this.mark = start;
    }

    /** When the phase began: when the window opened, unless an operator {@link #started} in it. */
    long start() {
        return start;
    }

    /**
     * The phase is the start of {@code started}: it begins when that operator's start began, its mark is when the
     * start returned, and its reconciler calls are all that operator's.
     */
    PhaseWindow started(RunningOperator<?> started) {
        this.operator = started;
        this.callsBefore = ReconcileTracker.Calls.NONE;
        this.start = started.startNanos();
        this.mark = started.startedNanos();
        return this;
    }

    /** The phase's {@link Phase#markNanos} moment. */
    PhaseWindow mark(long nanos) {
        this.mark = nanos;
        return this;
    }

    /** The phase's CPU is measured until it settled, not until it converged. */
    PhaseWindow cpuUntilSettled() {
        this.cpuUntilSettled = true;
        return this;
    }

    /**
     * The phase converged at {@code at} (-1: it did not, and its CPU runs until now): stops the profile, and counts
     * the requests and the CPU until now.
     */
    PhaseWindow converged(long at) throws IOException {
        harness.stopRecording(recording, label);
        if (!cpuUntilSettled) {
            cpu = harness.cpuSince(cpuBefore, (at < 0 ? System.nanoTime() : at) - start);
        }
        untilConverged = harness.requests();
        untilConverged.replaceAll((server, counts) -> counts.minus(before.get(server)));
        converged = at;
        return this;
    }

    /** What {@code server} answered from the opening until converged; after {@link #converged}. */
    RequestCounts untilConverged(String server) {
        return untilConverged.getOrDefault(server, RequestCounts.EMPTY);
    }

    /** The operator settled at {@code at}: counts the requests (and, where asked, the CPU) until now. */
    Phase settled(long at) {
        if (cpuUntilSettled) {
            cpu = harness.cpuSince(cpuBefore, at - start);
        }
        Map<String, RequestCounts> untilSettled = harness.requests();
        untilSettled.replaceAll((server, counts) -> counts.minus(before.get(server)));
        ReconcileTracker.Calls calls = operator == null ? ReconcileTracker.Calls.NONE
                : operator.probe().calls().minus(callsBefore);
        return new Phase(label, start, mark, converged, at, untilConverged, untilSettled, calls, cpu, null);
    }
}
