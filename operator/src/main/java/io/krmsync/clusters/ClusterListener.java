package io.krmsync.clusters;

/** Told when a remote cluster can be worked with, when it cannot, and when it is gone. Called on registry threads. */
public interface ClusterListener {

    /** The cluster answered (first contact, or back after being unreachable): resync everything to it. */
    void clusterReachable(RemoteCluster cluster);

    /** Stop writing to the cluster; its informers may keep retrying on their own. */
    default void clusterUnreachable(RemoteCluster cluster) {
    }

    /** The cluster left the registry (or its kubeconfig changed and a new client replaces it): release its resources. */
    void clusterRemoved(RemoteCluster cluster);
}
