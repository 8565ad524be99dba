package io.krmsync.krmsyncer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krmsync.status.Reason;

/** Resolves a rule's group, version and kind against one cluster's discovery documents. */
final class KindDiscovery {

    private KindDiscovery() {
    }

    /**
     * @param where "" for the source cluster, " at the destination" for the other, to finish messages
     * @throws RuleFailure when the cluster does not serve the kind, or does not let it be listed and watched
     * @throws KubernetesClientException when discovery fails for another reason (unreachable, unauthorized)
     */
    static RuleKind resolve(KubernetesClient client, SyncRule rule, String where, Reason notServedReason)
            throws RuleFailure {
        String group = Objects.requireNonNullElse(rule.getGroup(), "");
        String groupVersion = group.isEmpty() ? rule.getVersion() : group + "/" + rule.getVersion();
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
                .filter(r -> rule.getKind().equals(r.getKind()) && !r.getName().contains("/")).findFirst();
        if (resource.isEmpty()) {
            throw new RuleFailure(notServedReason, "kind " + rule.getKind() + " is not served by API " + groupVersion + where);
        }
        APIResource found = resource.get();
        List<String> verbs = found.getVerbs() == null ? List.of() : found.getVerbs();
        if (!verbs.isEmpty() && !(verbs.contains("list") && verbs.contains("watch"))) {
            throw new RuleFailure(notServedReason, rule.getKind() + " in " + groupVersion
                    + " cannot be listed and watched" + where);
        }
        boolean status = all.stream().anyMatch(r -> (found.getName() + "/status").equals(r.getName()));
        return new RuleKind(group, rule.getVersion(), rule.getKind(), found.getName(),
                Boolean.TRUE.equals(found.getNamespaced()), status);
    }
}
