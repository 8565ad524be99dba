package io.krmsync.clusters;

/**
 * Where a remote cluster's kubeconfig comes from. When two sources name the same cluster, the earlier one here wins
 * and the other is reported as a duplicate.
 */
public enum ClusterSource {
    /** {@code -provider-kubeconfigs} / {@code krm-sync.clusters.provider-kubeconfigs}. */
    FLAG,
    /** Files in {@code krm-sync.clusters.directory}. */
    DIRECTORY,
    /** Labelled Secrets in the operator's namespace. */
    SECRET
}
