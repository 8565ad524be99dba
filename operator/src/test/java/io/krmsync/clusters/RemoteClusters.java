package io.krmsync.clusters;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Remote clusters for tests of what works with one, without a registry behind it. */
public final class RemoteClusters {

    private RemoteClusters() {
    }

    /** A cluster named {@code name}, reached with {@code client}, as the registry would hold it. */
    public static RemoteCluster of(String name, KubernetesClient client) {
        ClusterKubeconfig kubeconfig = new ClusterKubeconfig(name, "test", "test-" + name, client.getConfiguration());
        return new RemoteCluster(kubeconfig, ClusterSource.FLAG, client, 8);
    }
}
