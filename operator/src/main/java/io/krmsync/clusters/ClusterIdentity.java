package io.krmsync.clusters;

import java.util.Locale;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What tells two kubeconfigs for the same cluster apart from two clusters: the UID of the kube-system namespace,
 * which survives renamed contexts and different server addresses; the server URL where it cannot be read.
 */
final class ClusterIdentity {

    private ClusterIdentity() {
    }

    /**
     * @throws KubernetesClientException when the cluster does not answer
     */
    static String of(KubernetesClient client) {
        try {
            Namespace kubeSystem = client.namespaces().withName("kube-system").get();
            if (kubeSystem != null && kubeSystem.getMetadata().getUid() != null) {
                return "uid:" + kubeSystem.getMetadata().getUid();
            }
        } catch (KubernetesClientException e) {
            // Forbidden still proves the cluster answered with these credentials; Unauthorized does not.
            if (e.getCode() != 403) {
                throw e;
            }
        }
        return "server:" + normalized(client.getConfiguration().getMasterUrl());
    }

    static String normalized(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
