package io.krmsync.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * The floor: the writes the operator makes, made by a plain fabric8 client with no operator running, each benchmark's
 * baseline. {@code threads} threads (the operator's concurrency; named benchmark-floor-N, which {@link Cpu} groups as
 * "floor threads") take the writes in the order given; the benchmark observes the result the way it observes the
 * operator's, in a profiled window.
 */
final class Floor {

    /** One write of the floor, e.g. one create. */
    @FunctionalInterface
    interface Write {
        void run() throws Exception;
    }

    /** The benchmark's wait for what the writes made to be seen. */
    @FunctionalInterface
    interface Observation {
        /** @return when the last of it was seen (System.nanoTime) */
        long convergedAfter(long start) throws InterruptedException;
    }

    private Floor() {
    }

    /** A watch that reads nothing: with it open, the server pays for the events an informer's watch costs it. */
    static <T> Watcher<T> ignoringWatcher() {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T resource) {
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        };
    }

    /**
     * Makes {@code writes} on {@code threads} threads and waits for {@code observation}.
     *
     * @return the phase: from the first write submitted until converged, marked when the last write was answered
     */
    static Phase measure(BenchmarkHarness harness, String label, int threads, List<? extends Write> writes,
            Observation observation) throws Exception {
        AtomicLong threadNumber = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads,
                task -> new Thread(task, "benchmark-floor-" + threadNumber.incrementAndGet()));
        try {
            PhaseWindow window = harness.profiled(label, null);
            AtomicLong lastAnswered = new AtomicLong();
            List<Future<?>> tasks = new ArrayList<>();
            for (Write write : writes) {
                tasks.add(pool.submit(() -> {
                    write.run();
                    lastAnswered.accumulateAndGet(System.nanoTime(), Math::max);
                    return null;
                }));
            }
            long converged = observation.convergedAfter(window.start());
            for (Future<?> task : tasks) {
                task.get();
            }
            return window.mark(lastAnswered.get()).converged(converged).settled(converged);
        } finally {
            pool.shutdownNow();
        }
    }
}
