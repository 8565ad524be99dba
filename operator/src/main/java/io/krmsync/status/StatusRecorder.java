package io.krmsync.status;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The one place a syncer's settled status reaches the user: the Events its transitions call for, the per-syncer gauges
 * ({@code krm_sync_syncer_*}), and the status patch, only when the status changed.
 */
@ApplicationScoped
public class StatusRecorder {

    static final String SYNCER_READY = "krm_sync.syncer.ready";
    static final String SYNCER_LAST_SYNC = "krm_sync.syncer.last.sync.timestamp";
    static final String SYNCER_LAST_READY = "krm_sync.syncer.last.ready.timestamp";

    private record SyncerId(String reconciler, String namespace, String name) {
    }

    private final MeterRegistry registry;
    private final EventRecorder events;
    private final Map<SyncerId, SyncerGauges> syncers = new ConcurrentHashMap<>();

    public StatusRecorder(MeterRegistry registry, EventRecorder events) {
        this.registry = registry;
        this.events = events;
    }

    /** After a reconciliation: the status is patched only when it changed. */
    public <R extends CustomResource<?, S>, S extends SyncerStatus> UpdateControl<R> record(String reconciler,
            R syncer, StatusUpdate<S> update) {
        if (!publish(reconciler, syncer, update)) {
            return UpdateControl.noUpdate();
        }
        syncer.setStatus(update.status());
        return UpdateControl.patchStatus(syncer);
    }

    /** After a reconciliation that threw: the same, through the operator SDK's error-status path. */
    public <R extends CustomResource<?, S>, S extends SyncerStatus> ErrorStatusUpdateControl<R> recordError(
            String reconciler, R syncer, StatusUpdate<S> update) {
        if (!publish(reconciler, syncer, update)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        syncer.setStatus(update.status());
        return ErrorStatusUpdateControl.patchStatus(syncer);
    }

    /** A syncer being deleted no longer syncs: its series go, rather than stay behind with stale values. */
    public void forget(String reconciler, HasMetadata syncer) {
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

    /** Raises the update's Events and publishes its gauges; true when the status must be written. */
    private boolean publish(String reconciler, HasMetadata syncer, StatusUpdate<?> update) {
        update.events().forEach(event -> events.record(syncer, event));
        SyncerStatus status = update.status();
        syncers.computeIfAbsent(idOf(reconciler, syncer), id -> new SyncerGauges(registry,
                Tags.of("reconciler", id.reconciler(), "namespace", id.namespace(), "name", id.name())))
                .update(StatusConditions.isTrue(status.getConditions(), StatusConditions.READY),
                        parse(status.getLastSyncTime()), update.settledAt());
        return update.changed();
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
