package io.krmsync.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Builds a syncer's next status from the one stored and what a reconciliation reports, settling what every syncer
 * settles the same way: {@code Ready} (carried forward: its lastTransitionTime moves only when its status does),
 * {@code observedGeneration}, {@code lastSyncTime} (moved only when copies were written or the outcome changed, so a
 * steady state writes nothing) and the Event a change of Ready's reason calls for. A subclass per syncer kind fills in
 * its own fields ({@link #next}) and derives Ready from them ({@link #readiness}).
 */
public abstract class SyncerStatusBuilder<S extends SyncerStatus> {

    /** Only compares two statuses; any mapper that writes them as the API server stores them will do. */
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    protected final S previous;
    private final Long generation;
    private final List<TransitionEvent> events = new ArrayList<>();
    private boolean wroteCopies;

    protected SyncerStatusBuilder(S previous, Long generation) {
        this.previous = previous;
        this.generation = generation;
    }

    /** Copies were created, updated or deleted: lastSyncTime moves even if the status otherwise stays the same. */
    public void wroteCopies() {
        wroteCopies = true;
    }

    /** This reconciliation's status, apart from observedGeneration, Ready and lastSyncTime. */
    protected abstract S next();

    /** The Ready condition the next status adds up to. */
    protected abstract Readiness readiness(S next);

    /** The conditions other than Ready: by default the stored ones, carried forward. */
    protected List<Condition> otherConditions(Instant now) {
        return previous.getConditions();
    }

    /** Whether this outcome means the copies are being kept in sync, so that lastSyncTime may move. */
    protected boolean syncing(Readiness readiness) {
        return readiness.ready();
    }

    /** Whether Ready changing to this reason is news worth an Event. */
    protected boolean announces(Readiness readiness) {
        return true;
    }

    protected final void announce(TransitionEvent event) {
        events.add(event);
    }

    protected final Long generation() {
        return generation;
    }

    public final StatusUpdate<S> build(Instant now) {
        S next = next();
        Readiness readiness = readiness(next);
        next.setObservedGeneration(generation);
        next.setConditions(StatusConditions.with(otherConditions(now), StatusConditions.READY, readiness.ready(),
                readiness.reason(), readiness.message(), generation, now));
        next.setLastSyncTime(previous.getLastSyncTime());
        boolean outcomeChanged = !JSON.asJson(next).equals(JSON.asJson(previous));
        if (syncing(readiness) && (wroteCopies || outcomeChanged || previous.getLastSyncTime() == null)) {
            next.setLastSyncTime(now.toString());
        }
        if (readyReasonChanged(readiness) && announces(readiness)) {
            announce(readiness.ready() ? TransitionEvent.normal(readiness.reason(), readiness.message())
                    : TransitionEvent.warning(readiness.reason(), readiness.message()));
        }
        boolean changed = outcomeChanged || !Objects.equals(next.getLastSyncTime(), previous.getLastSyncTime());
        return new StatusUpdate<>(next, changed, List.copyOf(events), now);
    }

    private boolean readyReasonChanged(Readiness readiness) {
        return StatusConditions.find(previous.getConditions(), StatusConditions.READY)
                .map(ready -> !readiness.reason().name().equals(ready.getReason())).orElse(true);
    }
}
