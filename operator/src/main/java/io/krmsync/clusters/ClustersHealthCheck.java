package io.krmsync.clusters;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Every remote cluster's state in {@code /q/health}. Always UP: one unreachable cluster must not take the operator
 * out of service, since the other clusters and the local reconcilers still work.
 */
@Readiness
@ApplicationScoped
public class ClustersHealthCheck implements HealthCheck {

    static final String NAME = "krm-sync remote clusters";

    private final ClusterRegistry registry;

    public ClustersHealthCheck(ClusterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        for (RemoteCluster cluster : registry.clusters()) {
            String detail = switch (cluster.state()) {
                case REACHABLE -> "reachable";
                case LOCAL -> "the local cluster (not written to as a remote)";
                case CONNECTING -> "connecting";
                case UNREACHABLE -> "unreachable since " + cluster.stateSince() + ": "
                        + cluster.lastError().orElse("no answer");
            };
            response.withData(cluster.name(), detail);
        }
        for (ClusterProblem problem : registry.problems()) {
            response.withData(problem.origin(), "not used: " + problem.reason() + ": " + problem.message());
        }
        return response.build();
    }
}
