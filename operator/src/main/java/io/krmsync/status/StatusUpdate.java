package io.krmsync.status;

import java.time.Instant;
import java.util.List;

/**
 * What one reconciliation settled for a syncer's status: the status, whether it differs from the one stored (a steady
 * state writes nothing), the Events its transitions call for, and when it was settled.
 */
public record StatusUpdate<S extends SyncerStatus>(S status, boolean changed, List<TransitionEvent> events,
        Instant settledAt) {
}
