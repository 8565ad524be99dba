package io.krmsync.krmsyncer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.krmsync.krmsyncer.SourceWatches.WatchKey;
import io.krmsync.status.Reason;
import io.krmsync.tenancy.Authority;
import io.krmsync.tenancy.Consent;

/**
 * What one kind's rules of one KRMSyncer may read, as its {@link Authority} allows: where its source watches look, and
 * which of the objects found there it syncs. A trusted KRMSyncer reads the namespaces its rules name, or every one
 * when a rule names none. A tenant's reads its own namespace when a rule names none, in other namespaces only the
 * objects their owners share with it ({@link Consent#SHARE_WITH}), and no cluster-scoped kind (docs/tenancy.md).
 */
final class SourceScope {

    /** Namespaces named in the message about objects not shared; the others are counted, so it stays short. */
    static final int MAX_LISTED_NAMESPACES = 3;

    private final Authority authority;
    private final Set<WatchKey> watchKeys;

    private SourceScope(Authority authority, Set<WatchKey> watchKeys) {
        this.authority = authority;
        this.watchKeys = watchKeys;
    }

    /**
     * @throws RuleFailure {@link Reason#ClusterScopedKindNotAllowed} for a tenant's rule on a cluster-scoped kind,
     *         before anything of that kind is listed
     */
    static SourceScope of(Authority authority, RuleKind kind, List<SyncRule> rules) throws RuleFailure {
        if (!kind.namespaced() && !authority.mayUseClusterScopedKinds()) {
            throw new RuleFailure(Reason.ClusterScopedKindNotAllowed, kind.kind() + " is cluster-scoped: a KRMSyncer"
                    + " in namespace " + authority.namespace() + ", which is not a trusted namespace, syncs namespaced"
                    + " kinds only; sync it from a KRMSyncer in a trusted namespace");
        }
        Set<String> namespaces = new HashSet<>();
        rules.forEach(rule -> namespaces.addAll(namespacesOf(authority, rule)));
        if (!kind.namespaced() || namespaces.contains(null)) {
            return new SourceScope(authority, Set.of(new WatchKey(kind, null)));
        }
        return new SourceScope(authority,
                namespaces.stream().map(namespace -> new WatchKey(kind, namespace)).collect(Collectors.toSet()));
    }

    /**
     * The namespaces a rule reads: those it names. When it names none, every namespace (null) for a trusted KRMSyncer,
     * the KRMSyncer's own for a tenant's; a blank name is no name, for a tenant (a watch "in namespace ''" is a watch
     * on every namespace).
     */
    private static List<String> namespacesOf(Authority authority, SyncRule rule) {
        List<String> named = rule.getNamespaces() == null ? List.of() : rule.getNamespaces();
        if (authority.trusted()) {
            return named.isEmpty() ? Collections.singletonList(null) : named;
        }
        List<String> names = named.stream().filter(Predicate.not(String::isBlank)).toList();
        return names.isEmpty() ? List.of(authority.namespace()) : names;
    }

    /** The source watches the rules need: one on every namespace, or one per namespace read. */
    Set<WatchKey> watchKeys() {
        return watchKeys;
    }

    /** The objects the watches hold, sorted into those the KRMSyncer may sync and those it may not read. */
    Sources sort(List<GenericKubernetesResource> objects) {
        List<GenericKubernetesResource> readable = new ArrayList<>();
        Map<String, Integer> notSharedByNamespace = new TreeMap<>();
        for (GenericKubernetesResource object : objects) {
            if (authority.mayRead(object)) {
                readable.add(object);
            } else {
                notSharedByNamespace.merge(object.getMetadata().getNamespace(), 1, Integer::sum);
            }
        }
        return new Sources(readable, notSharedByNamespace.isEmpty() ? Optional.empty()
                : Optional.of(NotShared.of(authority.namespace(), notSharedByNamespace)));
    }

    /**
     * @param readable the objects to sync
     * @param notShared the objects in other namespaces not shared with the KRMSyncer's, if any: never synced
     */
    record Sources(List<GenericKubernetesResource> readable, Optional<NotShared> notShared) {
    }

    /**
     * Objects a tenant's rules select but may not read, for the rule's status: how many, and where. Never their names:
     * a tenant may not learn what it may not read.
     */
    record NotShared(int count, String message) {

        static NotShared of(String syncerNamespace, Map<String, Integer> byNamespace) {
            int count = byNamespace.values().stream().mapToInt(Integer::intValue).sum();
            String where = byNamespace.entrySet().stream().limit(MAX_LISTED_NAMESPACES)
                    .map(entry -> entry.getKey() + " (" + entry.getValue() + ")").collect(Collectors.joining(", "))
                    + (byNamespace.size() > MAX_LISTED_NAMESPACES
                            ? " and " + (byNamespace.size() - MAX_LISTED_NAMESPACES) + " more namespaces" : "");
            String objects = count == 1 ? "1 object in " + where + " is" : count + " objects in " + where + " are";
            return new NotShared(count, objects + " not shared with namespace " + syncerNamespace + ": not synced,"
                    + " and copies made while shared are deleted. An object's owner shares it by annotating it "
                    + Consent.SHARE_WITH + ": " + syncerNamespace);
        }

        /** Counted as failed, with reason {@link Reason#SourceNotShared}. */
        void reportIn(RuleStatus status) {
            status.setFailed(status.getFailed() + count);
            status.problem(Reason.SourceNotShared, message);
        }
    }
}
