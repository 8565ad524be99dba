package io.krmsync.configmapsyncer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Namespace;
import io.krmsync.sync.LabelSelectors;
import io.krmsync.tenancy.Authority;

/**
 * A valid spec's target namespaces: the named ones plus the selected ones, never the source's. The selector only ever
 * selects namespaces the syncer may write into; those it matched but may not are counted, so that status can say so.
 *
 * @param byName each target's state, sorted by name
 * @param leftOut namespaces matching namespaceSelector that do not accept this syncer's copies
 */
record TargetNamespaces(SortedMap<String, State> byName, int leftOut) {

    enum State {
        ACTIVE,
        /** Being deleted: skipped quietly, its copy goes with it. */
        TERMINATING,
        /** Named in the spec but not (yet) there: reported, synced when it appears. */
        MISSING,
        /** Named in the spec, but it does not accept this syncer's copies: reported, and no copy is kept there. */
        NOT_ACCEPTING;

        /** Whether a copy of this syncer's may stay in such a namespace. */
        boolean keepsCopy() {
            return this != NOT_ACCEPTING;
        }
    }

    static TargetNamespaces resolve(ConfigMapSyncerSpec spec, Collection<Namespace> namespaces, Authority authority) {
        Map<String, Namespace> byName = new TreeMap<>();
        namespaces.forEach(ns -> byName.put(nameOf(ns), ns));

        SortedMap<String, State> targets = new TreeMap<>();
        for (String name : SpecValidator.nullToEmpty(spec.getTargetNamespaces())) {
            targets.put(name, stateOf(byName.get(name), authority));
        }
        targets.remove(spec.getSourceNamespace());
        Map<Boolean, List<Namespace>> selectedByAccepting = selected(spec, byName.values())
                .filter(ns -> !targets.containsKey(nameOf(ns)))
                .collect(Collectors.partitioningBy(authority::mayWriteInto));
        selectedByAccepting.get(true).forEach(ns -> targets.put(nameOf(ns), stateOf(ns, authority)));
        return new TargetNamespaces(targets, selectedByAccepting.get(false).size());
    }

    /** The namespaces the selector matches, but the source's. */
    private static Stream<Namespace> selected(ConfigMapSyncerSpec spec, Collection<Namespace> namespaces) {
        if (spec.getNamespaceSelector() == null) {
            return Stream.empty();
        }
        return namespaces.stream().filter(ns -> !nameOf(ns).equals(spec.getSourceNamespace())
                && LabelSelectors.matches(spec.getNamespaceSelector(), ns.getMetadata().getLabels()));
    }

    /** The namespaces targeted, not counting those being deleted. */
    int targeted() {
        return (int) byName.values().stream().filter(state -> state != State.TERMINATING).count();
    }

    /** Whether this syncer's copy in that namespace is still wanted, if it copies the right object there. */
    boolean keepCopyIn(String namespace) {
        State state = byName.get(namespace);
        return state != null && state.keepsCopy();
    }

    private static State stateOf(Namespace namespace, Authority authority) {
        if (namespace == null) {
            return State.MISSING;
        }
        if (!authority.mayWriteInto(namespace)) {
            return State.NOT_ACCEPTING;
        }
        boolean terminating = namespace.getMetadata().getDeletionTimestamp() != null
                || (namespace.getStatus() != null && "Terminating".equals(namespace.getStatus().getPhase()));
        return terminating ? State.TERMINATING : State.ACTIVE;
    }

    private static String nameOf(Namespace namespace) {
        return namespace.getMetadata().getName();
    }
}
