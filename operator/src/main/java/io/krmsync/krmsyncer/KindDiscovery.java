package io.krmsync.krmsyncer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krmsync.status.Reason;

/**
 * One cluster's discovery, as far as rules need it: a rule's group, version and kind resolved to the resource the
 * cluster serves. One instance per cluster client (the local cluster's in {@link SourceWatches}, each destination's in
 * its {@link DestinationCluster}), all with one policy: a kind found is trusted for {@link #TTL}, then looked up
 * again, because a CRD may be deleted, change scope or gain a status subresource while the operator runs; a kind not
 * found, and a failed lookup, are never remembered, so that a CRD installed later is picked up by the next pass and
 * an outage is not mistaken for a missing kind.
 */
final class KindDiscovery {

    static final Duration TTL = Duration.ofMinutes(1);

    private record Known(RuleKind kind, Instant until) {
    }

    private final KubernetesClient client;
    private final String where;
    private final Reason notServedReason;
    private final Clock clock;
    private final Map<GroupVersionKind, Known> kinds = new ConcurrentHashMap<>();

    /**
     * @param where "" for the source cluster, " at the destination" for the other, to finish messages
     * @param notServedReason the rule's failure reason when the cluster does not serve the kind
     */
    KindDiscovery(KubernetesClient client, String where, Reason notServedReason, Clock clock) {
        this.client = client;
        this.where = where;
        this.notServedReason = notServedReason;
        this.clock = clock;
    }

    /**
     * The rule's kind as this cluster serves it.
     *
     * @throws RuleFailure when the cluster does not serve the kind, or does not let it be listed and watched
     * @throws KubernetesClientException when discovery fails for another reason (unreachable, unauthorized)
     */
    RuleKind resolve(GroupVersionKind gvk) throws RuleFailure {
        Known known = kinds.get(gvk);
        if (known != null && known.until().isAfter(clock.instant())) {
            return known.kind();
        }
        RuleKind found = lookUp(gvk);
        kinds.put(gvk, new Known(found, clock.instant().plus(TTL)));
        return found;
    }

    private RuleKind lookUp(GroupVersionKind gvk) throws RuleFailure {
        String groupVersion = gvk.apiVersion();
        APIResourceList resources;
        try {
            resources = client.getApiResources(groupVersion);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            resources = null;
        }
        if (resources == null) {
            throw new RuleFailure(notServedReason, "API " + groupVersion + " is not served" + where);
        }
        List<APIResource> all = resources.getResources() == null ? List.of() : resources.getResources();
        Optional<APIResource> resource = all.stream()
                .filter(r -> gvk.kind().equals(r.getKind()) && !r.getName().contains("/")).findFirst();
        if (resource.isEmpty()) {
            throw new RuleFailure(notServedReason, "kind " + gvk.kind() + " is not served by API " + groupVersion + where);
        }
        APIResource found = resource.get();
        List<String> verbs = found.getVerbs() == null ? List.of() : found.getVerbs();
        if (!verbs.isEmpty() && !(verbs.contains("list") && verbs.contains("watch"))) {
            throw new RuleFailure(notServedReason, gvk.kind() + " in " + groupVersion
                    + " cannot be listed and watched" + where);
        }
        boolean status = all.stream().anyMatch(r -> (found.getName() + "/status").equals(r.getName()));
        return new RuleKind(gvk, found.getName(), Boolean.TRUE.equals(found.getNamespaced()), status);
    }
}
