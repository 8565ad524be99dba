package io.krmsync.clusters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.PreDestroy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code krm_sync_clusters{state}}: how many remote clusters are in each state;
 * {@code krm_sync_cluster_reachable{cluster}}: 1 or 0 per registered cluster, for alerts on one cluster down for minutes;
 * {@code krm_sync_cluster_kubeconfig_problems}: kubeconfigs that did not become clusters.
 */
@ApplicationScoped
public class ClusterMetrics implements ClusterListener {

    private final ClusterRegistry registry;
    private final MeterRegistry meters;
    private final List<Meter> gauges = new ArrayList<>();
    private final MultiGauge reachable;

    public ClusterMetrics(ClusterRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        this.meters = meters;
        Arrays.stream(RemoteCluster.State.values()).forEach(state -> gauges.add(Gauge
                .builder("krm_sync.clusters", registry,
                        r -> r.clusters().stream().filter(cluster -> cluster.state() == state).count())
                .description("Remote clusters by state")
                .tag("state", state.name().toLowerCase(Locale.ROOT))
                .register(meters)));
        gauges.add(Gauge.builder("krm_sync.cluster.kubeconfig.problems", registry, r -> r.problems().size())
                .description("Cluster kubeconfigs that were refused or could not be read")
                .register(meters));
        this.reachable = MultiGauge.builder("krm_sync.cluster.reachable")
                .description("1 when the cluster answered its last probe, 0 otherwise")
                .register(meters);
    }

    void start(@Observes StartupEvent event) {
        registry.addListener(this);
    }

    /**
     * A gauge reads the bean it was registered with; a registry that outlives this application (dev-mode reload,
     * test restarts) would otherwise keep reading the stopped one.
     */
    @PreDestroy
    void stop() {
        registry.removeListener(this);
        gauges.forEach(meters::remove);
        reachable.register(List.of(), true);
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

    /** One row per registered cluster; values are read at scrape time. */
    private synchronized void refreshRows() {
        reachable.register(registry.clusters().stream()
                .map(cluster -> MultiGauge.Row.of(Tags.of("cluster", cluster.name()), cluster,
                        c -> c.state() == RemoteCluster.State.REACHABLE
                                || c.state() == RemoteCluster.State.LOCAL ? 1 : 0))
                .toList(), true);
    }
}
