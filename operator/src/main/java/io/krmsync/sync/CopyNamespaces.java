package io.krmsync.sync;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The namespaces known to exist in one target cluster. A copy's namespace is created when the cluster lacks it and the
 * reconciler is allowed to (labelled with the reconciler that created it); krm-sync never deletes a namespace.
 */
public final class CopyNamespaces {

    private final KubernetesClient client;
    private final String reconciler;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public CopyNamespaces(KubernetesClient client, String reconciler) {
        this.client = client;
        this.reconciler = reconciler;
    }

    /**
     * @return true when this call created the namespace
     * @throws KubernetesClientException when the namespace can neither be read nor created
     */
    public boolean ensure(String namespace) {
        if (namespace == null || exists(namespace)) {
            return false;
        }
        boolean created = false;
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels(TrackingMetadata.MANAGED_BY_LABEL, reconciler).endMetadata().build()).create();
            created = true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        known.add(namespace);
        return created;
    }

    /**
     * Whether the namespace exists; asks the target cluster until it has once answered yes.
     *
     * @throws KubernetesClientException when the namespace cannot be read
     */
    public boolean exists(String namespace) {
        if (known.contains(namespace)) {
            return true;
        }
        if (client.namespaces().withName(namespace).get() == null) {
            return false;
        }
        known.add(namespace);
        return true;
    }
}
