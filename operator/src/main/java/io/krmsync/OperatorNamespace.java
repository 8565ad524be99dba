package io.krmsync;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The namespace the operator runs in, where its own objects live (cluster kubeconfig Secrets, the leader-election
 * Lease): the pod's namespace ({@code KUBERNETES_NAMESPACE}, set by the Deployment), else the local client's, else
 * {@code default} (a client configured by API server URL alone has none).
 */
@Singleton
public class OperatorNamespace {

    private final String name;

    public OperatorNamespace(@ConfigProperty(name = "kubernetes.namespace") Optional<String> podNamespace,
            KubernetesClient localClient) {
        this.name = podNamespace.or(() -> Optional.ofNullable(localClient.getNamespace())).orElse("default");
    }

    public String name() {
        return name;
    }
}
