package io.krmsync.sync;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.krmsync.status.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * krm-sync's own sync metrics. Every meter of a name always carries the same tag keys, as Prometheus requires.
 */
@ApplicationScoped
public class SyncMetrics {

    static final String WRITES = "krm_sync.copy.writes";
    static final String DRIFT_CORRECTED = "krm_sync.drift.corrected";
    static final String CONFLICTS = "krm_sync.conflicts";
    static final String ERRORS = "krm_sync.errors";
    static final String LATENCY = "krm_sync.copy.latency";

    public enum Operation {
        CREATE, UPDATE, RECREATE, DELETE
    }

    private final MeterRegistry registry;

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void written(String reconciler, String cluster, Operation operation) {
        Counter.builder(WRITES).description("Copies written, by operation")
                .tags("reconciler", reconciler, "cluster", cluster, "operation", operation.name().toLowerCase())
                .register(registry).increment();
    }

    public void driftCorrected(String reconciler, String cluster) {
        Counter.builder(DRIFT_CORRECTED).description("Copies edited in the target and reverted to the source")
                .tags("reconciler", reconciler, "cluster", cluster).register(registry).increment();
    }

    public void conflict(String reconciler, String cluster) {
        Counter.builder(CONFLICTS).description("Copies not written because the target object belongs to someone else")
                .tags("reconciler", reconciler, "cluster", cluster).register(registry).increment();
    }

    public void error(String reconciler, String cluster, Reason reason) {
        Counter.builder(ERRORS).description("Failed sync attempts, by reason")
                .tags("reconciler", reconciler, "cluster", cluster, "reason", reason.name()).register(registry).increment();
    }

    /** Time from the operator first seeing a source version to a copy of it being written. */
    public void copyLatency(String reconciler, String cluster, Duration latency) {
        Timer.builder(LATENCY).description("Source change observed to copy written")
                .tags("reconciler", reconciler, "cluster", cluster)
                .publishPercentileHistogram()
                .register(registry).record(latency);
    }
}
