package io.krmsync.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.Event;

/**
 * The operator SDK's metrics hook used as a probe: how many reconciler calls ran and how long they took (wall and CPU
 * time), whether one is running, and when the controller last did anything (event received, reconciliation submitted,
 * started or finished).
 */
class ReconcileTracker implements Metrics {

    /** Every thread that has run a reconciler call, in any operator of the run. */
    static final java.util.Set<Long> RECONCILER_THREADS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Reconciler calls (reconcile or cleanup) so far, or in a window: subtract two. */
    record Calls(long executions, long failures, long nanos, long cpuNanos) {

        static final Calls NONE = new Calls(0, 0, 0, 0);

        Calls minus(Calls earlier) {
            return new Calls(executions - earlier.executions, failures - earlier.failures, nanos - earlier.nanos,
                    cpuNanos - earlier.cpuNanos);
        }
    }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong executions = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final LongAdder callNanos = new LongAdder();
    private final LongAdder callCpuNanos = new LongAdder();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());

    @Override
    public void eventReceived(Event event, Map<String, Object> metadata) {
        events.incrementAndGet();
        touch();
    }

    @Override
    public void reconciliationSubmitted(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        touch();
    }

    @Override
    public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
        started(resource, touch());
    }

    /** A reconciliation of this resource began at {@code nanos} (System.nanoTime); for benchmarks that time it. */
    void started(HasMetadata resource, long nanos) {
    }

    @Override
    public void reconciliationFailed(HasMetadata resource, RetryInfo retryInfo, Exception exception,
            Map<String, Object> metadata) {
        failures.incrementAndGet();
        touch();
    }

    @Override
    public void reconciliationFinished(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        touch();
    }

    /** Wraps each call of the reconciler's reconcile or cleanup. */
    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        inFlight.incrementAndGet();
        RECONCILER_THREADS.add(Thread.currentThread().threadId());
        long start = touch();
        long cpu = THREADS.getCurrentThreadCpuTime();
        try {
            return execution.execute();
        } finally {
            callCpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu);
            callNanos.add(System.nanoTime() - start);
            executions.incrementAndGet();
            inFlight.decrementAndGet();
            touch();
        }
    }

    private long touch() {
        long now = System.nanoTime();
        lastActivityNanos.accumulateAndGet(now, Math::max);
        return now;
    }

    int inFlight() {
        return inFlight.get();
    }

    long executions() {
        return executions.get();
    }

    long failures() {
        return failures.get();
    }

    long events() {
        return events.get();
    }

    Calls calls() {
        return new Calls(executions.get(), failures.get(), callNanos.sum(), callCpuNanos.sum());
    }

    long lastActivityNanos() {
        return lastActivityNanos.get();
    }

    /**
     * Waits until the operator has done nothing for {@code quiet}: no reconciliation submitted, running or finished,
     * no event received, no write by it ({@code lastWriteNanos}: the last one any API server answered, in
     * System.nanoTime); and at least {@code minExecutions} reconciler calls in all.
     *
     * @return when it last did something (at least {@code from})
     */
    long awaitQuiet(long from, long minExecutions, LongSupplier lastWriteNanos, Duration quiet, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long last = Math.max(from, Math.max(lastActivityNanos(), lastWriteNanos.getAsLong()));
            if (inFlight() == 0 && executions() >= minExecutions && System.nanoTime() - last >= quiet.toNanos()) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the operator did not go quiet within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
