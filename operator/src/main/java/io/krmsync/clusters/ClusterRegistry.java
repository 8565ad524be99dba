package io.krmsync.clusters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krmsync.clusters.RemoteCluster.State;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.Reason;

/**
 * The remote clusters krm-sync writes to, merged from every source (flags, a watched directory, Secrets) and kept
 * while the operator runs: a source reports its whole current set, and the registry adds, rebuilds and removes
 * clusters to match. Each cluster has its own client (own rate limit, timeouts and retries) and its own probe thread,
 * so an unreachable cluster never holds up the others; it is retried with a capped backoff until it answers.
 */
@ApplicationScoped
public class ClusterRegistry {

    private static final Logger LOG = Logger.getLogger(ClusterRegistry.class);
    private static final Duration FIRST_RECONNECT_INTERVAL = Duration.ofSeconds(1);

    private record SourceState(List<ClusterKubeconfig> kubeconfigs, List<ClusterProblem> problems) {
    }

    private record Wanted(ClusterSource source, ClusterKubeconfig kubeconfig) {
    }

    private final KubernetesClient localClient;
    private final RemoteClients clients;
    private final ClustersConfig config;
    private final Map<ClusterSource, SourceState> sources = new EnumMap<>(ClusterSource.class);
    private final Map<String, RemoteCluster> clusters = new ConcurrentHashMap<>();
    private final Map<String, ScheduledExecutorService> probes = new ConcurrentHashMap<>();
    private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private volatile List<ClusterProblem> problems = List.of();
    private volatile String localIdentity;

    public ClusterRegistry(KubernetesClient localClient, RemoteClients clients, ClustersConfig config) {
        this.localClient = localClient;
        this.clients = clients;
        this.config = config;
    }

    /** Replaces everything one source contributes; clusters whose kubeconfig changed get a new client. */
    public synchronized void update(ClusterSource source, List<ClusterKubeconfig> kubeconfigs,
            List<ClusterProblem> sourceProblems) {
        sources.put(source, new SourceState(List.copyOf(kubeconfigs), List.copyOf(sourceProblems)));
        Map<String, Wanted> wanted = new LinkedHashMap<>();
        List<ClusterProblem> allProblems = new ArrayList<>();
        for (ClusterSource each : ClusterSource.values()) {
            SourceState state = sources.get(each);
            if (state == null) {
                continue;
            }
            allProblems.addAll(state.problems());
            for (ClusterKubeconfig kubeconfig : state.kubeconfigs()) {
                Wanted taken = wanted.get(kubeconfig.name());
                if (taken != null) {
                    allProblems.add(new ClusterProblem(each, kubeconfig.origin(), Reason.DuplicateClusterName,
                            "cluster name " + kubeconfig.name() + " is already taken by " + taken.kubeconfig().origin()
                                    + "; " + kubeconfig.origin() + " is ignored until one of them is renamed"));
                } else {
                    wanted.put(kubeconfig.name(), new Wanted(each, kubeconfig));
                }
            }
        }
        for (RemoteCluster cluster : List.copyOf(clusters.values())) {
            Wanted want = wanted.get(cluster.name());
            if (want == null) {
                remove(cluster, "its kubeconfig is gone");
            } else if (want.source() != cluster.source()
                    || !want.kubeconfig().fingerprint().equals(cluster.kubeconfig().fingerprint())) {
                remove(cluster, "its kubeconfig changed");
            }
        }
        for (Wanted want : wanted.values()) {
            if (!clusters.containsKey(want.kubeconfig().name())) {
                add(want, allProblems);
            }
        }
        Set<ClusterProblem> known = new HashSet<>(problems);
        allProblems.stream().filter(problem -> !known.contains(problem)).forEach(problem -> LOG.warnf(
                "Cluster kubeconfig %s (%s) not used: %s: %s", problem.origin(), problem.source(), problem.reason(),
                problem.message()));
        problems = List.copyOf(allProblems);
    }

    /** Every registered cluster, by name. */
    public List<RemoteCluster> clusters() {
        return clusters.values().stream().sorted(Comparator.comparing(RemoteCluster::name)).toList();
    }

    /** The clusters to write to now: reachable and not the local cluster. */
    public List<RemoteCluster> reachable() {
        return clusters().stream().filter(cluster -> cluster.state() == State.REACHABLE).toList();
    }

    public Optional<RemoteCluster> get(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    /** Kubeconfigs that did not become clusters (invalid, refused, duplicate names). */
    public List<ClusterProblem> problems() {
        return problems;
    }

    /** Registers a listener and tells it about the clusters that are already reachable. */
    public void addListener(ClusterListener listener) {
        listeners.add(listener);
        reachable().forEach(listener::clusterReachable);
    }

    public void removeListener(ClusterListener listener) {
        listeners.remove(listener);
    }

    /**
     * The local cluster's identity, as {@link RemoteCluster#identity()} computes it for remote ones.
     *
     * @throws KubernetesClientException while the local API server does not answer
     */
    public String localIdentity() {
        String identity = localIdentity;
        if (identity == null) {
            identity = ClusterIdentity.of(localClient);
            localIdentity = identity;
        }
        return identity;
    }

    /**
     * A request to the cluster failed without an answer: stop writing to it now and probe again soon, rather than
     * waiting for the next scheduled probe.
     */
    public void connectionFailed(RemoteCluster cluster, KubernetesClientException failure) {
        if (clusters.get(cluster.name()) == cluster && cluster.failed(ApiErrors.message(failure))) {
            unreachable(cluster);
            schedule(cluster, FIRST_RECONNECT_INTERVAL);
        }
    }

    @PreDestroy
    synchronized void close() {
        List.copyOf(clusters.values()).forEach(cluster -> remove(cluster, "the operator is stopping"));
    }

    private void add(Wanted want, List<ClusterProblem> problems) {
        ClusterKubeconfig kubeconfig = want.kubeconfig();
        KubernetesClient client;
        try {
            client = clients.newClient(kubeconfig.config());
        } catch (RuntimeException e) {
            problems.add(new ClusterProblem(want.source(), kubeconfig.origin(), Reason.ClientFailed,
                    "could not build a client for cluster " + kubeconfig.name() + ": " + e.getClass().getSimpleName()));
            return;
        }
        RemoteCluster cluster = new RemoteCluster(kubeconfig, want.source(), client,
                config.client().maxConcurrentRequests());
        clusters.put(cluster.name(), cluster);
        probes.put(cluster.name(), Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("krm-sync-cluster-" + cluster.name()).daemon().factory()));
        LOG.infof("Cluster %s added from %s (%s)", cluster.name(), kubeconfig.origin(),
                kubeconfig.config().getMasterUrl());
        schedule(cluster, Duration.ZERO);
    }

    private void remove(RemoteCluster cluster, String why) {
        clusters.remove(cluster.name(), cluster);
        ScheduledExecutorService probe = probes.remove(cluster.name());
        if (probe != null) {
            probe.shutdownNow();
        }
        LOG.infof("Cluster %s removed: %s; its copies stay where they are", cluster.name(), why);
        for (ClusterListener listener : listeners) {
            try {
                listener.clusterRemoved(cluster);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Releasing cluster %s failed", cluster.name());
            }
        }
        cluster.client().close();
    }

    private void schedule(RemoteCluster cluster, Duration delay) {
        ScheduledExecutorService probe = probes.get(cluster.name());
        if (probe != null && clusters.get(cluster.name()) == cluster) {
            try {
                probe.schedule(() -> probe(cluster), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debugf("Cluster %s was removed before its next probe", cluster.name());
            }
        }
    }

    /** The cluster answered: a change of state is logged, and a cluster newly reachable is handed to the listeners. */
    private void answered(RemoteCluster cluster, String identity, State state) {
        if (!cluster.contacted(identity, state)) {
            return;
        }
        if (state == State.LOCAL) {
            LOG.infof("Cluster %s (%s) is the local cluster the operator runs in; it is not written to as a remote"
                    + " cluster", cluster.name(), cluster.origin());
            return;
        }
        LOG.infof("Cluster %s is reachable", cluster.name());
        for (ClusterListener listener : listeners) {
            listener.clusterReachable(cluster);
        }
    }

    /** One contact attempt; schedules the next one: the health interval when it answered, a growing backoff if not. */
    private void probe(RemoteCluster cluster) {
        if (clusters.get(cluster.name()) != cluster) {
            return;
        }
        String local;
        try {
            local = localIdentity();
        } catch (KubernetesClientException e) {
            // Without it the local cluster listed among the remote ones could not be recognised: wait for it.
            LOG.debugf("Cluster %s: the local cluster's identity is not known yet (%s)", cluster.name(),
                    ApiErrors.reason(e));
            schedule(cluster, FIRST_RECONNECT_INTERVAL);
            return;
        }
        try {
            String identity = ClusterIdentity.of(cluster.client());
            answered(cluster, identity, identity.equals(local) ? State.LOCAL : State.REACHABLE);
            schedule(cluster, config.healthCheckInterval());
        } catch (KubernetesClientException e) {
            Duration wait = reconnectInterval(cluster);
            if (cluster.failed(ApiErrors.reason(e) + ": " + ApiErrors.message(e))) {
                LOG.warnf("Cluster %s is unreachable (%s); retrying with a backoff up to %s", cluster.name(),
                        cluster.lastError().orElse(""), config.maxReconnectInterval());
                unreachable(cluster);
            }
            schedule(cluster, wait);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Probing cluster %s failed", cluster.name());
            cluster.failed(e.getClass().getSimpleName());
            schedule(cluster, reconnectInterval(cluster));
        }
    }

    private void unreachable(RemoteCluster cluster) {
        for (ClusterListener listener : listeners) {
            listener.clusterUnreachable(cluster);
        }
    }

    /** Doubles from one second with the time already spent unreachable, up to the configured maximum. */
    private Duration reconnectInterval(RemoteCluster cluster) {
        if (cluster.state() != State.UNREACHABLE) {
            return FIRST_RECONNECT_INTERVAL;
        }
        Duration down = Duration.between(cluster.stateSince(), Instant.now());
        Duration next = down.isNegative() || down.compareTo(FIRST_RECONNECT_INTERVAL) < 0 ? FIRST_RECONNECT_INTERVAL
                : down;
        return next.compareTo(config.maxReconnectInterval()) > 0 ? config.maxReconnectInterval() : next;
    }
}
