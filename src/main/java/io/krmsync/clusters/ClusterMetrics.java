package io.krmsync.clusters;

import java.util.Arrays;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code krm_sync_clusters{state}}: how many remote clusters are in each state;
 * {@code krm_sync_cluster_reachable{cluster}}: 1 or 0 per remote cluster, for alerts on one cluster down for minutes;
 * {@code krm_sync_cluster_kubeconfig_problems}: kubeconfigs that did not become clusters.
 */
@ApplicationScoped
public class ClusterMetrics implements ClusterListener {

    private final ClusterRegistry registry;
    private final MultiGauge reachable;

    public ClusterMetrics(ClusterRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        Arrays.stream(RemoteCluster.State.values()).forEach(state -> Gauge
                .builder("krm_sync.clusters", registry,
                        r -> r.clusters().stream().filter(cluster -> cluster.state() == state).count())
                .description("Remote clusters by state")
                .tag("state", state.name().toLowerCase(Locale.ROOT))
                .register(meters));
        Gauge.builder("krm_sync.cluster.kubeconfig.problems", registry, r -> r.problems().size())
                .description("Cluster kubeconfigs that were refused or could not be read")
                .register(meters);
        this.reachable = MultiGauge.builder("krm_sync.cluster.reachable")
                .description("1 when the remote cluster answered its last probe, 0 otherwise")
                .register(meters);
    }

    void start(@Observes StartupEvent event) {
        registry.addListener(this);
    }

    @Override
    public void clusterReachable(RemoteCluster cluster) {
        refreshRows();
    }

    @Override
    public void clusterUnreachable(RemoteCluster cluster) {
        refreshRows();
    }

    @Override
    public void clusterRemoved(RemoteCluster cluster) {
        refreshRows();
    }

    /** One row per remote cluster that has been contacted; values are read at scrape time. */
    private synchronized void refreshRows() {
        reachable.register(registry.clusters().stream()
                .filter(cluster -> cluster.state() != RemoteCluster.State.LOCAL)
                .map(cluster -> MultiGauge.Row.of(Tags.of("cluster", cluster.name()), cluster,
                        c -> c.state() == RemoteCluster.State.REACHABLE ? 1 : 0))
                .toList(), true);
    }
}
