package io.krmsync.propagation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Reason;

/**
 * The last outcome of each source in each provider, so that Events on the source ConfigMap mark transitions (a
 * cluster starts failing, a conflict appears, a cluster recovers) instead of repeating on every reconcile.
 */
final class ProviderOutcomes {

    enum Kind {
        SYNCED, CONFLICT, FAILED
    }

    record Outcome(String cluster, Kind kind, Reason reason, String message) {

        static Outcome synced(String cluster) {
            return new Outcome(cluster, Kind.SYNCED, null, null);
        }

        static Outcome conflict(String cluster, String message) {
            return new Outcome(cluster, Kind.CONFLICT, Reason.Conflict, message);
        }

        static Outcome failed(String cluster, Reason reason, String message) {
            return new Outcome(cluster, Kind.FAILED, reason, message);
        }
    }

    private final EventRecorder events;
    private final Map<ResourceID, Map<String, Outcome>> lastOutcomes = new ConcurrentHashMap<>();
    private final Map<ResourceID, Reason> notPropagated = new ConcurrentHashMap<>();

    ProviderOutcomes(EventRecorder events) {
        this.events = events;
    }

    /**
     * Records this reconcile's outcomes and emits the Events for what changed.
     *
     * @return true when a write failed in a way worth retrying
     */
    boolean record(ConfigMap source, List<Outcome> outcomes) {
        ResourceID id = ResourceID.fromResource(source);
        Map<String, Outcome> previous = lastOutcomes.getOrDefault(id, Map.of());
        Map<String, Outcome> next = new HashMap<>(previous);
        boolean retry = false;
        for (Outcome outcome : outcomes) {
            Outcome before = previous.get(outcome.cluster());
            next.put(outcome.cluster(), outcome);
            retry |= outcome.kind() == Kind.FAILED;
            if (outcome.kind() == Kind.SYNCED) {
                if (before != null && before.kind() != Kind.SYNCED) {
                    events.normal(source, Reason.PropagationRecovered, "propagated to cluster " + outcome.cluster()
                            + " again");
                }
            } else if (!Objects.equals(before, outcome)) {
                events.warning(source, outcome.kind() == Kind.CONFLICT ? Reason.Conflict : Reason.PropagationFailed,
                        "cluster " + outcome.cluster() + ": " + (outcome.kind() == Kind.FAILED
                                ? outcome.reason() + ": " : "") + outcome.message());
            }
        }
        lastOutcomes.put(id, Map.copyOf(next));
        notPropagated.remove(id);
        return retry;
    }

    /**
     * A labelled ConfigMap that is not propagated at all; reported once per reason. What its copies did before is
     * forgotten: once propagated again, it starts afresh.
     */
    void notPropagated(ConfigMap source, Reason reason, String message) {
        ResourceID id = ResourceID.fromResource(source);
        lastOutcomes.remove(id);
        if (reason != notPropagated.put(id, reason)) {
            events.warning(source, reason, message);
        }
    }

    void forget(ResourceID id) {
        lastOutcomes.remove(id);
        notPropagated.remove(id);
    }
}
