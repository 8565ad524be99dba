package io.krmsync.status;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
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

    private static final Logger LOG = Logger.getLogger(StatusRecorder.class);

    private record SyncerId(String reconciler, String namespace, String name) {
    }

    private final MeterRegistry registry;
    private final EventRecorder events;
    private final Map<SyncerId, SyncerGauges> syncers = new ConcurrentHashMap<>();

    public StatusRecorder(MeterRegistry registry, EventRecorder events) {
        this.registry = registry;
        this.events = events;
    }

    /**
     * After a reconciliation: the status is written only when it changed, and the syncer is looked at again after
     * {@code lookAgain}, if given, or at once when the write shows a change this reconciliation did not see
     * ({@link #writeStatus} says why).
     */
    public <R extends CustomResource<?, S>, S extends SyncerStatus> UpdateControl<R> record(String reconciler,
            R syncer, StatusUpdate<S> update, Context<R> context, Optional<Duration> lookAgain) {
        UpdateControl<R> control = UpdateControl.noUpdate();
        if (publish(reconciler, syncer, update)
                && changedMeanwhile(syncer, writeStatus(syncer, update.status(), context))) {
            return control.reschedule();
        }
        lookAgain.ifPresent(control::rescheduleAfter);
        return control;
    }

    /**
     * After a reconciliation that threw: the same, and a syncer that changed meanwhile is looked at again at once
     * instead of having what failed retried. When the write fails, what failed is retried all the same.
     */
    public <R extends CustomResource<?, S>, S extends SyncerStatus> ErrorStatusUpdateControl<R> recordError(
            String reconciler, R syncer, StatusUpdate<S> update, Context<R> context) {
        try {
            if (publish(reconciler, syncer, update)
                    && changedMeanwhile(syncer, writeStatus(syncer, update.status(), context))) {
                return ErrorStatusUpdateControl.<R> noStatusUpdate().withNoRetry().reschedule();
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("%s %s/%s: writing the status of a failed reconciliation failed (%s); it is retried",
                    syncer.getKind(), syncer.getMetadata().getNamespace(), syncer.getMetadata().getName(),
                    ApiErrors.message(e));
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /**
     * Writes the status as the operator SDK does for {@code UpdateControl.patchStatus} (a JSON patch of the status
     * subresource without resourceVersion, through the SDK's own-write event filter and cache), but keeps the answer,
     * which the SDK drops. Without a resourceVersion, a change that reached the API server after this reconciliation
     * read the syncer (a delete, a spec edit) does not conflict, on any API server: it is in the answer, and JOSDK
     * 5.3.2 drops the change's watch event as an echo of its own write, its resourceVersion being older than the
     * write's ({@code TemporaryResourceCache.onAddOrUpdateEvent},
     * {@code EventFilterDetails.getLatestEventAfterLastUpdateEvent}; reworked in 5.3.5 by
     * operator-framework/java-operator-sdk#3414). Nothing would reconcile the change before the next periodic
     * reconciliation (maxReconciliationInterval, 10 minutes): a deleted syncer would keep its finalizer that long.
     *
     * @return the syncer as the API server stored it
     */
    private static <R extends CustomResource<?, S>, S> R writeStatus(R syncer, S status, Context<R> context) {
        R unlocked = context.getClient().getKubernetesSerialization().clone(syncer);
        unlocked.getMetadata().setResourceVersion(null);
        return context.resourceOperations().jsonPatchPrimaryStatus(unlocked, written -> {
            written.setStatus(status);
            return written;
        });
    }

    /** Whether the written syncer has what the operator SDK reconciles and this reconciliation did not see. */
    private static boolean changedMeanwhile(HasMetadata read, HasMetadata written) {
        return written.isMarkedForDeletion()
                || !Objects.equals(written.getMetadata().getGeneration(), read.getMetadata().getGeneration());
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
