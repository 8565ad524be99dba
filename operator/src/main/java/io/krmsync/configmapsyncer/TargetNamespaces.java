package io.krmsync.configmapsyncer;

import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Namespace;
import io.krmsync.sync.LabelSelectors;

/** Resolves a valid spec to its target namespaces: the named ones plus the selected ones, never the source's. */
final class TargetNamespaces {

    enum State {
        ACTIVE,
        /** Being deleted: skipped quietly, its copy goes with it. */
        TERMINATING,
        /** Named in the spec but not (yet) there: reported, synced when it appears. */
        MISSING
    }

    private TargetNamespaces() {
    }

    static SortedMap<String, State> resolve(ConfigMapSyncerSpec spec, Collection<Namespace> namespaces) {
        Map<String, Namespace> byName = new TreeMap<>();
        namespaces.forEach(ns -> byName.put(ns.getMetadata().getName(), ns));

        SortedMap<String, State> targets = new TreeMap<>();
        for (String name : SpecValidator.nullToEmpty(spec.getTargetNamespaces())) {
            targets.put(name, stateOf(byName.get(name)));
        }
        if (spec.getNamespaceSelector() != null) {
            byName.values().stream()
                    .filter(ns -> LabelSelectors.matches(spec.getNamespaceSelector(), ns.getMetadata().getLabels()))
                    .forEach(ns -> targets.put(ns.getMetadata().getName(), stateOf(ns)));
        }
        targets.remove(spec.getSourceNamespace());
        return targets;
    }

    private static State stateOf(Namespace namespace) {
        if (namespace == null) {
            return State.MISSING;
        }
        boolean terminating = namespace.getMetadata().getDeletionTimestamp() != null
                || (namespace.getStatus() != null && "Terminating".equals(namespace.getStatus().getPhase()));
        return terminating ? State.TERMINATING : State.ACTIVE;
    }
}
