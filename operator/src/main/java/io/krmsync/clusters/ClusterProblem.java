package io.krmsync.clusters;

import io.krmsync.status.Reason;

/**
 * A kubeconfig that did not become a cluster, and why. Messages never carry credentials.
 *
 * @param origin the file or Secret, e.g. "file clusters.d/prod.kubeconfig"
 * @param reason CamelCase reason, as in status conditions and metrics
 */
public record ClusterProblem(ClusterSource source, String origin, Reason reason, String message) {

    static ClusterProblem of(ClusterSource source, String origin, InvalidKubeconfigException e) {
        return new ClusterProblem(source, origin, e.reason(), e.getMessage());
    }
}
