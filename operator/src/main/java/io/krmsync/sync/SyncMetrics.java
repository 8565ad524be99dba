package io.krmsync.sync;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
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
    static final String SYNCER_READY = "krm_sync.syncer.ready";
    static final String SYNCER_LAST_SYNC = "krm_sync.syncer.last.sync.timestamp";
    static final String SYNCER_LAST_READY = "krm_sync.syncer.last.ready.timestamp";

    public enum Operation {
        CREATE, UPDATE, RECREATE, DELETE
    }

    private record SyncerId(String reconciler, String namespace, String name) {
    }

    private final MeterRegistry registry;
    private final Map<SyncerId, SyncerGauges> syncers = new ConcurrentHashMap<>();

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

    public void error(String reconciler, String cluster, String reason) {
        Counter.builder(ERRORS).description("Failed sync attempts, by reason")
                .tags("reconciler", reconciler, "cluster", cluster, "reason", reason).register(registry).increment();
    }

    /** Time from the operator first seeing a source version to a copy of it being written. */
    public void copyLatency(String reconciler, String cluster, Duration latency) {
        Timer.builder(LATENCY).description("Source change observed to copy written")
                .tags("reconciler", reconciler, "cluster", cluster)
                .publishPercentileHistogram()
                .register(registry).record(latency);
    }

    /**
     * Publishes the status a reconciliation settled on for a syncer (a ConfigMapSyncer or KRMSyncer): whether it is
     * Ready, its status.lastSyncTime, and, when Ready, that it was found Ready now. lastSyncTime moves only when
     * something was written or the outcome changed, so an idle syncer in sync shows that it is still looked after by
     * its last-Ready time.
     */
    public void syncerStatus(String reconciler, HasMetadata syncer, List<Condition> conditions, String lastSyncTime,
            Instant now) {
        syncers.computeIfAbsent(idOf(reconciler, syncer), id -> new SyncerGauges(registry,
                Tags.of("reconciler", id.reconciler(), "namespace", id.namespace(), "name", id.name())))
                .update(StatusConditions.isTrue(conditions, StatusConditions.READY), parse(lastSyncTime), now);
    }

    /** A syncer being deleted no longer syncs: its series go, rather than stay behind with stale values. */
    public void syncerDeleted(String reconciler, HasMetadata syncer) {
        SyncerGauges gauges = syncers.remove(idOf(reconciler, syncer));
        if (gauges != null) {
            gauges.remove();
        }
    }

    /** A registry that outlives this bean (dev-mode reload, test restarts) must not keep reading its gauges. */
    @PreDestroy
    void stop() {
        syncers.values().forEach(SyncerGauges::remove);
        syncers.clear();
    }

    private static SyncerId idOf(String reconciler, HasMetadata syncer) {
        return new SyncerId(reconciler, syncer.getMetadata().getNamespace(), syncer.getMetadata().getName());
    }

    /** Status is writable by anyone allowed to edit it: a time that does not parse counts as none. */
    private static Optional<Instant> parse(String time) {
        if (time == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(time));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
