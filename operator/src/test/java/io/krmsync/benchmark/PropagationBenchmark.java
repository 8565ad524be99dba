package io.krmsync.benchmark;

import static io.krmsync.benchmark.Measurements.concat;
import static io.krmsync.benchmark.Measurements.fmt;
import static io.krmsync.benchmark.Measurements.median;
import static io.krmsync.benchmark.Measurements.pct;
import static io.krmsync.benchmark.Measurements.range;
import static io.krmsync.benchmark.Measurements.secs;
import static io.krmsync.benchmark.Measurements.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.krmsync.OperatorNamespace;
import io.krmsync.benchmark.PropagationClusters.RequestCounter;
import io.krmsync.benchmark.PropagationClusters.RequestCounter.Category;
import io.krmsync.clusters.ClusterKubeconfig;
import io.krmsync.clusters.ClusterRegistry;
import io.krmsync.clusters.ClusterSource;
import io.krmsync.clusters.ClustersConfig;
import io.krmsync.clusters.InvalidKubeconfigException;
import io.krmsync.clusters.Kubeconfigs;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.clusters.RemoteClients;
import io.krmsync.clusters.RemoteCluster;
import io.krmsync.leadership.Leadership;
import io.krmsync.propagation.PropagationConfig;
import io.krmsync.propagation.PropagationReconciler;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.tenancy.Tenancy;
import io.krmsync.tenancy.TenancyConfig;
import io.smallrye.config.SmallRyeConfig;

/**
 * PropagationReconciler benchmark: one local and ten provider in-memory API servers ({@link PropagationClusters}),
 * the operator built with the operator SDK directly ({@link RunningOperator}, no Quarkus, as in the other benchmarks),
 * so that it can be stopped and a fresh one started against the same servers. Prints a table of figures (and writes it
 * to target/benchmark-reports/propagation.txt); asserts only that the copies arrived, never anything about time.
 * <p>
 * Figures: (1) latency from a local update to all providers updated, p50/p99 over {@code updates} updates, with 3 and
 * with 10 providers; (3) the same with one of 10 providers stopped, once the registry has noticed, and what happens
 * before it has; (2) convergence of {@code sources} labelled ConfigMaps to 10 providers against a plain client making
 * the same creates at the same concurrency (the floor), in {@code rounds} rounds; (4) writes after a restart with
 * nothing changed. What the figures mean: docs/benchmarks.md, section PropagationReconciler.
 * <p>
 * Run: {@code ./mvnw -Pbenchmark test -Dtest=PropagationBenchmark}. Options (system properties, prefix
 * {@code benchmark.propagation.}): {@code updates} (1000), {@code warmup} (200), {@code sources} (1000),
 * {@code providers} (10), {@code fewProviders} (3), {@code rounds} (3), {@code keys} (5), {@code pauseMillis} (20),
 * {@code quietMillis} (3000), {@code floorThreads} (the SDK's reconciliation threads, 50), {@code deletionSeconds}
 * (120), {@code timeoutSeconds} (600), {@code jfr} (false).
 */
@Tag("benchmark")
class PropagationBenchmark {

    static final String LOCAL = PropagationClusters.LOCAL;
    static final String PROBE = PropagationClusters.PROBE;
    static final String NAMESPACE = "default";
    static final String OPERATOR = RequestCounter.OPERATOR;
    static final String DRIVER = "benchmark-driver";
    static final String WATCHER = "benchmark-watcher";
    static final String FLOOR = "benchmark-floor";
    static final String FLOOR_WATCH = "benchmark-informer-watch";
    static final String PROPAGATE_LABEL = "example.io/propagate";
    static final String BENCH_LABEL = "krm-sync-benchmark";
    static final String BENCH_VALUE = "propagation";

    /** The phases count the requests of every provider together, and of the local server ({@link #LOCAL}). */
    private static final String PROVIDERS = "providers";
    /** The phases of every round. */
    private static final String FLOORS = "floor";
    private static final String WATCHED_FLOORS = "floor with the watches";
    private static final String CONVERGENCES = "convergence";

    // The servers come first: the harness counts their requests.
    private final PropagationClusters clusters = new PropagationClusters();
    private List<String> providers;
    private final Report report = new Report();
    private final BenchmarkHarness harness = new BenchmarkHarness("benchmark.propagation.", report,
            "target/benchmark-reports/propagation.txt", 600, "propagation-")
            .counting(PROVIDERS, () -> providerCounts(providers))
            .counting(LOCAL, () -> clusters.counter(LOCAL).snapshot())
            .operatorWrites(this::lastOperatorWrite);
    private final int updates = harness.integer("updates", 1000);
    private final int warmup = harness.integer("warmup", 200);
    private final int sourceCount = harness.integer("sources", 1000);
    private final int fewProviders = harness.integer("fewProviders", 3);
    private final int rounds = Math.max(1, harness.integer("rounds", 3));
    private final int keyCount = harness.integer("keys", 5);
    private final long pauseMillis = harness.number("pauseMillis", 20);
    private final int floorThreads = harness.integer("floorThreads",
            ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER);
    private final Duration deletionLimit = Duration.ofSeconds(harness.number("deletionSeconds", 120));

    private final Map<String, ProviderWatch> watches = new ConcurrentHashMap<>();
    /** One client per provider for the benchmark's own lists and deletes (a client each time would churn files). */
    private final Map<String, KubernetesClient> readers = new ConcurrentHashMap<>();
    private final Object probeLock = new Object();
    private final Rounds phases = new Rounds();
    private Map<String, String> properties;
    private KubernetesClient driver;
    private List<String> sourceNames;
    private Map<String, String> sourceData;
    private long probeSeq;
    private RunningOperator<OperatorProbe> operator;

    @Test
    void propagation() throws Exception {
        try {
            properties = clusters.start();
            // The sources are in default, which the sandbox trusts too: in the propagation scope.
            properties.put("krm-sync.tenancy.trusted-namespaces", NAMESPACE);
            providers = clusters.providers();
            driver = clusters.client(LOCAL, DRIVER);
            for (String provider : providers) {
                watches.put(provider, new ProviderWatch(provider));
            }
            report.machine(driver);
            setUpSources();
            report.setup(properties);

            latencyFigures();
            // 2: convergence against the floor; 4: restart with nothing changed (last round).
            for (int round = 1; round <= rounds; round++) {
                round(round);
            }
            report.convergence();
        } finally {
            stopOperator();
            harness.printReport();
            watches.values().forEach(ProviderWatch::close);
            readers.values().forEach(KubernetesClient::close);
            if (driver != null) {
                driver.close();
            }
            clusters.stop();
        }
    }

    /**
     * Figures 1 and 3: latency with few, then with all providers; one provider stopped (noticed by the registry
     * first), back, all reachable again; last, a provider stopped while updates keep coming.
     */
    private void latencyFigures() throws Exception {
        List<String> few = providers.subList(0, Math.min(fewProviders, providers.size()));
        startOperator(few);
        awaitProbe(probeSeq, few);
        harness.awaitQuiet(operator, System.nanoTime(), 1);
        LatencyRun fewRun = latency("1", "latency, " + few.size() + " providers", few, warmup);
        stopOperator();

        startOperator(providers);
        awaitProbe(probeSeq, providers);
        harness.awaitQuiet(operator, System.nanoTime(), 1);
        LatencyRun allRun = latency("1", "latency, " + providers.size() + " providers", providers, warmup);

        // 3: one provider unreachable, noticed by the registry first; then back; then all reachable again.
        String victim = providers.getLast();
        List<String> reachable = providers.subList(0, providers.size() - 1);
        int victimPort = clusters.port(victim);
        long noticed = stopProvider(victim);
        LatencyRun downRun = latency("3", "latency, " + victim + " stopped (" + reachable.size() + " of "
                + providers.size() + " reachable)", reachable, Math.min(warmup, 50));
        long recovered = restartProvider(victim, victimPort);
        staleAfterReturn(victim);
        LatencyRun againRun = latency("1", "latency, " + providers.size() + " providers, again after "
                + victim + " came back", providers, Math.min(warmup, 50));
        report.latency(fewRun, allRun, downRun, againRun, noticed, recovered);

        // 3, before the registry notices: a provider stops while updates keep coming.
        unnoticedStop(victim, victimPort, reachable);
        stopOperator();
    }

    /**
     * Figure 2, one round: the floor, without and with the operator's watches; the sources created and a fresh operator
     * converging; in the last round figure 4, a restart; the sources deleted.
     */
    private void round(int round) throws Exception {
        phases.add(FLOORS, floor("floor-" + round, false));
        deleteFloorCopies();
        phases.add(WATCHED_FLOORS, floor("floor-watched-" + round, true));
        deleteFloorCopies();
        createSources();
        Phase convergence = converge("convergence-" + round);
        phases.add(CONVERGENCES, convergence);
        report.round(round, convergence);
        if (round == rounds) {
            stopOperator();
            report.restart(restart());
        }
        report.deletion(round, deleteSources("deletion-" + round));
        stopOperator();
    }

    // --- set-up -------------------------------------------------------------------------------------------------

    private void setUpSources() {
        sourceData = BenchmarkHarness.sourceData(keyCount);
        sourceNames = new ArrayList<>();
        for (int i = 1; i <= sourceCount; i++) {
            sourceNames.add(String.format(Locale.ROOT, "bench-%04d", i));
        }
        Map<String, String> probeData = new TreeMap<>(sourceData);
        probeData.put("seq", Long.toString(probeSeq));
        driver.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata().withName(PROBE)
                .addToLabels(PROPAGATE_LABEL, "true").endMetadata().withData(probeData).build()).create();
    }

    /** A labelled source as the driver creates it (and as the floor's bodies are built from). */
    private ConfigMap source(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels(PROPAGATE_LABEL, "true").addToLabels(BENCH_LABEL, BENCH_VALUE).endMetadata()
                .withData(sourceData).build();
    }

    /** The operator's settings, as a Quarkus application reads them: the clusters' properties over the defaults. */
    private SmallRyeConfig config() {
        return PropagationClusters.config(properties, "propagation-benchmark", ClustersConfig.class,
                PropagationConfig.class, LocalClusterConfig.class, TenancyConfig.class);
    }

    // --- the operator -------------------------------------------------------------------------------------------

    /**
     * A fresh operator as the Quarkus application wires PropagationReconciler: a ClusterRegistry fed the providers'
     * kubeconfig files as KubeconfigFileSource does, and the settings read through SmallRye Config from the same
     * properties.
     */
    private void startOperator(List<String> providerNames) throws IOException, InvalidKubeconfigException {
        SmallRyeConfig config = config();
        ClustersConfig clustersConfig = config.getConfigMapping(ClustersConfig.class);
        KubernetesClient client = RunningOperator.clientOf(clusters.url(LOCAL));
        ClusterRegistry registry = new ClusterRegistry(client,
                new RemoteClients(client.getKubernetesSerialization(), clustersConfig), clustersConfig);
        List<ClusterKubeconfig> kubeconfigs = new ArrayList<>();
        for (String provider : providerNames) {
            Path file = clusters.kubeconfig(provider);
            kubeconfigs.addAll(Kubeconfigs.parse(Kubeconfigs.clusterNameOf(file), "file " + file,
                    Files.readString(file), file.toAbsolutePath().getParent(), clustersConfig.insecure().policy()));
        }
        operator = RunningOperator.with(client, new OperatorProbe(registry))
                .beforeStart(() -> registry.update(ClusterSource.FLAG, kubeconfigs, List.of()))
                // What the registry's @PreDestroy does: every cluster removed, its client closed, its probe stopped.
                .afterStop(() -> registry.update(ClusterSource.FLAG, List.of(), List.of()))
                .start(parts -> new PropagationReconciler(parts.copyEngine(), registry, parts.events(), parts.metrics(),
                        config.getConfigMapping(PropagationConfig.class), client,
                        config.getConfigMapping(LocalClusterConfig.class), new Leadership(parts.meters()),
                        new Tenancy(config.getConfigMapping(TenancyConfig.class),
                                new OperatorNamespace(Optional.empty(), client))));
    }

    private void stopOperator() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }

    private void awaitReachable(List<String> providerNames) throws InterruptedException {
        harness.await(() -> providerNames.stream().allMatch(p -> state(p) == RemoteCluster.State.REACHABLE), 10,
                () -> "providers not reachable: " + providerNames.stream().map(p -> p + "=" + state(p)).toList());
    }

    private RemoteCluster.State state(String provider) {
        return operator.probe().state(provider);
    }

    private long lastOperatorWrite() {
        long last = clusters.counter(LOCAL).lastOperatorWriteNanos();
        for (String provider : providers) {
            last = Math.max(last, clusters.counter(provider).lastOperatorWriteNanos());
        }
        return last;
    }

    /**
     * {@link ReconcileTracker}, and what the benchmark asks the running operator: when each probe version's reconcile
     * began, and the state its cluster registry gives each provider.
     */
    static final class OperatorProbe extends ReconcileTracker {

        private final Map<String, Long> probeStarted = new ConcurrentHashMap<>();
        private final ClusterRegistry registry;

        OperatorProbe(ClusterRegistry registry) {
            this.registry = registry;
        }

        @Override
        void started(HasMetadata resource, long nanos) {
            if (PROBE.equals(resource.getMetadata().getName())) {
                probeStarted.putIfAbsent(resource.getMetadata().getResourceVersion(), nanos);
            }
        }

        /** When the first reconcile of this version of the probe began, or -1. */
        long probeStarted(String resourceVersion) {
            Long started = probeStarted.remove(resourceVersion);
            return started == null ? -1 : started;
        }

        RemoteCluster.State state(String provider) {
            return registry.get(provider).map(RemoteCluster::state).orElse(null);
        }
    }

    // --- observing the providers --------------------------------------------------------------------------------

    /**
     * The benchmark's own view of one provider: a watch (own client, own connection) on every propagation copy in the
     * namespace, recording each copy's data by name ({@link #copies}), and the latest probe sequence number.
     */
    private final class ProviderWatch implements Watcher<ConfigMap> {

        record ProbeSeen(long seq, long nanos) {
        }

        private final KubernetesClient client;
        private final Watch watch;
        private final SeenCopies<Map<String, String>> copies;
        private volatile ProbeSeen probe = new ProbeSeen(-1, 0);

        ProviderWatch(String provider) {
            this.copies = new SeenCopies<>("the benchmark's watch on " + provider);
            this.client = clusters.client(provider, WATCHER);
            this.watch = client.configMaps().inNamespace(NAMESPACE)
                    .withLabel(TrackingMetadata.MANAGED_BY_LABEL, "propagation").watch(this);
        }

        @Override
        public void eventReceived(Action action, ConfigMap copy) {
            long now = System.nanoTime();
            String name = copy.getMetadata().getName();
            if (PROBE.equals(name)) {
                if (action != Action.DELETED && copy.getData() != null && copy.getData().get("seq") != null) {
                    long seq = Long.parseLong(copy.getData().get("seq"));
                    if (seq > probe.seq()) {
                        probe = new ProbeSeen(seq, now);
                    }
                    synchronized (probeLock) {
                        probeLock.notifyAll();
                    }
                }
                return;
            }
            if (action == Action.DELETED) {
                copies.deleted(name, now);
            } else {
                copies.seen(name, copy.getData() == null ? Map.of() : copy.getData(), now);
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            copies.closed(cause);
        }

        void close() {
            watch.close();
            client.close();
        }
    }

    /** Waits until every one of {@code targets} has shown the probe at {@code seq} or later. */
    private void awaitProbe(long seq, List<String> targets) throws InterruptedException {
        long deadline = System.nanoTime() + harness.timeout().toNanos();
        synchronized (probeLock) {
            while (!targets.stream().allMatch(p -> watches.get(p).probe.seq() >= seq)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("probe " + seq + " did not reach " + targets.stream()
                            .filter(p -> watches.get(p).probe.seq() < seq).toList() + " within " + harness.timeout());
                }
                probeLock.wait(100);
            }
        }
    }

    /** Waits until every provider's watch has shown every source's copy with the source's data; then confirms. */
    private long awaitCopies(long start) throws InterruptedException {
        return harness.awaitSeen(start, 20, () -> lastSeen(watch -> watch.copies.allSeenAt(sourceNames, sourceData)),
                this::serversHaveAllCopies, () -> "the copies did not converge within " + harness.timeout()
                        + "; seen: " + providers.stream().map(p -> p + "=" + watches.get(p).copies.count(sourceNames))
                                .toList());
    }

    /** @return when the last copy was seen deleted, or -1 if some are still there after {@code limit} */
    private long awaitNoCopies(long start, Duration limit) throws InterruptedException {
        return harness.awaitSeen(start, limit, 20, () -> lastSeen(watch -> watch.copies.noneSeenAt(sourceNames)),
                () -> providers.stream().allMatch(p -> {
                    try {
                        return benchCopies(p).isEmpty();
                    } catch (RuntimeException e) { // the servers may be out of file descriptors for a while
                        return false;
                    }
                }));
    }

    private long awaitNoCopies(long start) throws InterruptedException {
        long done = awaitNoCopies(start, harness.timeout());
        if (done < 0) {
            throw new AssertionError("copies not deleted within " + harness.timeout());
        }
        return done;
    }

    /** The latest of every provider watch's {@code seenAt}, or -1 while one of them has not seen it. */
    private long lastSeen(ToLongFunction<ProviderWatch> seenAt) {
        watches.values().forEach(watch -> watch.copies.check());
        long last = 0;
        for (String provider : providers) {
            long at = seenAt.applyAsLong(watches.get(provider));
            if (at < 0) {
                return -1;
            }
            last = Math.max(last, at);
        }
        return last;
    }

    private KubernetesClient reader(String provider) {
        return readers.computeIfAbsent(provider, p -> clusters.client(p, DRIVER));
    }

    private List<ConfigMap> benchCopies(String provider) {
        return reader(provider).configMaps().inNamespace(NAMESPACE).withLabel(BENCH_LABEL, BENCH_VALUE).list()
                .getItems();
    }

    private boolean serversHaveAllCopies() {
        for (String provider : providers) {
            Map<String, Map<String, String>> copies = benchCopies(provider).stream()
                    .collect(Collectors.toMap(cm -> cm.getMetadata().getName(),
                            cm -> cm.getData() == null ? Map.<String, String> of() : cm.getData()));
            if (!sourceNames.stream().allMatch(name -> sourceData.equals(copies.get(name)))) {
                return false;
            }
        }
        return true;
    }

    private RequestCounts providerCounts(Collection<String> targets) {
        RequestCounts sum = RequestCounts.EMPTY;
        for (String provider : targets) {
            sum = sum.plus(clusters.counter(provider).snapshot());
        }
        return sum;
    }

    private int maxOpenConnections() {
        return providers.stream().mapToInt(p -> clusters.counter(p).maxOpenConnections()).max().orElse(0);
    }

    private void resetMaxOpenConnections() {
        providers.forEach(p -> clusters.counter(p).resetMaxOpenConnections());
    }

    /** The most copy writes of {@code agent} one provider had in flight since the last reset. */
    private Phase.CopyWrites maxInFlight(String agent) {
        return new Phase.CopyWrites(agent, -1, -1, 0,
                providers.stream().mapToInt(p -> clusters.counter(p).maxInFlight(agent)).max().orElse(0));
    }

    private void resetMaxInFlight() {
        providers.forEach(p -> clusters.counter(p).resetMaxInFlight());
    }

    // --- figures 1 and 3: latency -------------------------------------------------------------------------------

    /**
     * One update: sent (the patch request leaves), patched (the local server answered), reconcile started (the SDK
     * began reconciling this version), first provider write received / last provider write answered (at the
     * servers), first / last provider seen (by the benchmark's watches), and when each target was seen.
     */
    record UpdateSample(long sent, long patched, long reconcileStarted, long firstWrite, long lastWriteAnswered,
            long firstSeen, long lastSeen, long[] seen, long conflicts) {

        long latency() {
            return lastSeen - sent;
        }
    }

    /** One latency figure: its updates, and the phase they ran in (requests, reconciler calls, CPU). */
    record LatencyRun(String number, String label, List<String> targets, List<UpdateSample> samples, Phase phase) {

        long[] sortedLatencies() {
            return samples.stream().mapToLong(UpdateSample::latency).sorted().toArray();
        }

        double cpuMillisPerUpdate() {
            return phase.cpu().cpuNanos() / 1e6 / samples.size();
        }
    }

    private UpdateSample update(List<String> targets) throws InterruptedException {
        long seq = ++probeSeq;
        long conflictsBefore = conflicts(targets);
        long sent = System.nanoTime();
        ConfigMap patched = driver.configMaps().inNamespace(NAMESPACE).withName(PROBE)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"seq\":\"" + seq + "\"}}");
        long patchedAt = System.nanoTime();
        awaitProbe(seq, targets);
        long[] seen = new long[targets.size()];
        long firstWrite = Long.MAX_VALUE;
        long lastWrite = -1;
        for (int i = 0; i < targets.size(); i++) {
            seen[i] = watches.get(targets.get(i)).probe.nanos();
            RequestCounter counter = clusters.counter(targets.get(i));
            if (counter.probeWriteReceived() >= sent) {
                firstWrite = Math.min(firstWrite, counter.probeWriteReceived());
                lastWrite = Math.max(lastWrite, counter.probeWriteAnswered());
            }
        }
        long first = Arrays.stream(seen).min().orElse(-1);
        long last = Arrays.stream(seen).max().orElse(-1);
        return new UpdateSample(sent, patchedAt, operator.probe().probeStarted(patched.getMetadata().getResourceVersion()),
                firstWrite == Long.MAX_VALUE ? -1 : firstWrite, lastWrite, first, last, seen,
                conflicts(targets) - conflictsBefore);
    }

    /** Operator writes the targets answered with 409 Conflict so far (a stale cache: one re-read and retry each). */
    private long conflicts(List<String> targets) {
        return providerCounts(targets).count(k -> k.agent().equals(OPERATOR) && k.code() == 409);
    }

    /**
     * {@code warmupUpdates} unmeasured updates, then {@code updates} measured ones, each waited for at every target
     * and followed by {@code pauseMillis} of pause; then until the operator is quiet.
     */
    private LatencyRun latency(String number, String label, List<String> targets, int warmupUpdates) throws Exception {
        for (int i = 0; i < warmupUpdates; i++) {
            update(targets);
            pause();
        }
        harness.awaitQuiet(operator, System.nanoTime(), 0);
        Map<String, RequestCounts> eachBefore = new LinkedHashMap<>();
        targets.forEach(p -> eachBefore.put(p, clusters.counter(p).snapshot()));
        PhaseWindow window = harness.profiled("latency-" + targets.size() + "-" + label.hashCode(), operator);
        List<UpdateSample> samples = new ArrayList<>();
        for (int i = 0; i < updates; i++) {
            samples.add(update(targets));
            pause();
        }
        long end = System.nanoTime();
        window.converged(end);
        long settled = harness.awaitQuiet(operator, end, 0);
        report.note(String.format(Locale.ROOT, "%s: quiet %.1f s after the last update", label, (settled - end) / 1e9));
        // Providers that got anything but one copy write per update (and health probes).
        eachBefore.forEach((provider, before) -> {
            RequestCounts each = clusters.counter(provider).snapshot().minus(before);
            long expectedPuts = each.count(k -> k.agent().equals(OPERATOR) && k.method().equals("PUT")
                    && k.code() == 200);
            if (each.writes(OPERATOR) != updates || expectedPuts != updates) {
                report.note("  " + provider + ": " + each.describe(OPERATOR, false));
            }
        });
        return new LatencyRun(number, label, List.copyOf(targets), samples, window.settled(settled));
    }

    private void pause() throws InterruptedException {
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
    }

    /**
     * Stops a provider's server with no update in flight and waits for the registry to mark it unreachable.
     *
     * @return nanoseconds from the stop to the registry noticing
     */
    private long stopProvider(String victim) throws InterruptedException {
        watches.remove(victim).close();
        long stopped = System.nanoTime();
        clusters.stopServer(victim);
        harness.await(() -> state(victim) == RemoteCluster.State.UNREACHABLE, 5, () -> victim + " still " + state(victim));
        return System.nanoTime() - stopped;
    }

    /**
     * Starts the stopped provider again on its port (empty), and waits until the operator has put the probe back.
     *
     * @return nanoseconds from the restart to the probe's copy seen there
     */
    private long restartProvider(String victim, int port) throws InterruptedException {
        RequestCounts before = clusters.counter(victim).snapshot();
        long restarted = System.nanoTime();
        clusters.restartServer(victim, port);
        watches.put(victim, new ProviderWatch(victim));
        awaitProbe(probeSeq, List.of(victim));
        long back = watches.get(victim).probe.nanos() - restarted;
        harness.awaitQuiet(operator, System.nanoTime(), 0);
        report.note(victim + " restarted (empty): operator requests until the probe was back and quiet: "
                + clusters.counter(victim).snapshot().minus(before).describe(OPERATOR, false));
        return back;
    }

    /**
     * After a provider came back, updates until 20 in a row went without a 409 Conflict from it: while its informer's
     * watch has not reconnected, the operator's cache of that provider is stale and every write there is refused once.
     */
    private void staleAfterReturn(String victim) throws InterruptedException {
        long start = System.nanoTime();
        int clean = 0;
        int count = 0;
        long conflicts = 0;
        int lastConflicted = 0;
        while (clean < 20 && System.nanoTime() - start < harness.timeout().toNanos()) {
            UpdateSample sample = update(List.of(victim));
            count++;
            conflicts += sample.conflicts();
            if (sample.conflicts() > 0) {
                clean = 0;
                lastConflicted = count;
            } else {
                clean++;
            }
            pause();
        }
        report.stale(victim, count, lastConflicted, conflicts, (System.nanoTime() - start) / 1e9);
        harness.awaitQuiet(operator, System.nanoTime(), 0);
    }

    /**
     * A provider stops while updates keep coming, so that the first writes to it fail before the registry knows.
     * Reports the latency of each update to the reachable providers, and when the registry noticed.
     */
    private void unnoticedStop(String victim, int port, List<String> reachable) throws Exception {
        int count = Math.min(updates, 30);
        harness.awaitQuiet(operator, System.nanoTime(), 0);
        watches.remove(victim).close();
        AtomicLong noticed = new AtomicLong(-1);
        long stopped = System.nanoTime();
        clusters.stopServer(victim);
        Thread poller = Thread.ofVirtual().start(() -> {
            while (state(victim) != RemoteCluster.State.UNREACHABLE && noticed.get() < 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            noticed.compareAndSet(-1, System.nanoTime());
        });
        List<UpdateSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(update(reachable));
        }
        poller.interrupt();
        poller.join();
        report.unnoticed(victim, stopped, noticed.get(), samples);
        harness.awaitQuiet(operator, System.nanoTime(), 0);
        long back = restartProvider(victim, port);
        report.note(String.format(Locale.ROOT, "%s restarted again: probe back after %.2f s", victim, back / 1e9));
    }

    // --- figure 2: convergence and the floor --------------------------------------------------------------------

    /**
     * The floor: a plain fabric8 client per provider creating the same copies (bodies built by the same sanitiser as
     * the operator's, so identical JSON) at the operator's concurrency: {@code floorThreads} threads (the SDK's
     * reconciliation threads), each taking one source and creating its copy in every provider in parallel on virtual
     * threads, as one reconcile does. No operator is running. With {@code withWatch}, every provider also has the
     * watch the operator's provider informer holds (its label selector) open.
     */
    private Phase floor(String label, boolean withWatch) throws Exception {
        CopyOwner owner = owner();
        List<ConfigMap> bodies = floorBodies(owner);
        List<KubernetesClient> clients = new ArrayList<>();
        List<KubernetesClient> watchClients = new ArrayList<>();
        List<Watch> informerWatches = new ArrayList<>();
        ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (String provider : providers) {
                KubernetesClient client = clusters.client(provider, FLOOR);
                client.namespaces().withName(NAMESPACE).get(); // opens a connection, as the operator's are open
                clients.add(client);
                if (withWatch) {
                    KubernetesClient watcher = clusters.client(provider, FLOOR_WATCH);
                    watchClients.add(watcher);
                    informerWatches.add(watcher.configMaps().inAnyNamespace()
                            .withLabels(TrackingMetadata.selectorFor(owner)).watch(Floor.ignoringWatcher()));
                }
            }
            resetMaxInFlight();
            List<Floor.Write> writes = bodies.stream().<Floor.Write> map(body -> () -> clients.stream()
                    .map(client -> CompletableFuture.runAsync(() -> client.configMaps().inNamespace(NAMESPACE)
                            .resource(body).create(), writers))
                    .toList().forEach(CompletableFuture::join)).toList();
            return Floor.measure(harness, label, floorThreads, writes, this::awaitCopies).with(maxInFlight(FLOOR));
        } finally {
            writers.shutdownNow();
            informerWatches.forEach(Watch::close);
            watchClients.forEach(KubernetesClient::close);
            clients.forEach(KubernetesClient::close);
        }
    }

    /** The copies' owner, as the operator stamps it: PropagationReconciler and the local cluster's identity. */
    private CopyOwner owner() {
        KubernetesSerialization serialization = driver.getKubernetesSerialization();
        ClustersConfig clustersConfig = config().getConfigMapping(ClustersConfig.class);
        return new CopyOwner("propagation", new ClusterRegistry(driver, new RemoteClients(serialization,
                clustersConfig), clustersConfig).localIdentity());
    }

    private List<ConfigMap> floorBodies(CopyOwner owner) {
        KubernetesSerialization serialization = driver.getKubernetesSerialization();
        ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);
        return sourceNames.stream()
                .map(name -> serialization.convertValue(sanitizer.desiredCopy(source(name), NAMESPACE,
                        new SourceRef(LOCAL, NAMESPACE, name), owner), ConfigMap.class))
                .toList();
    }

    private void deleteFloorCopies() throws InterruptedException {
        for (String provider : providers) {
            reader(provider).configMaps().inNamespace(NAMESPACE).withLabel(BENCH_LABEL, BENCH_VALUE).delete();
        }
        awaitNoCopies(System.nanoTime());
    }

    /** The driver creates the labelled sources, with no operator running. */
    private void createSources() {
        for (String name : sourceNames) {
            driver.configMaps().inNamespace(NAMESPACE).resource(source(name)).create();
        }
    }

    /**
     * The sources exist, the providers hold none of their copies: an operator starts (registry fed the 10 providers,
     * SDK started), until every provider has every copy, as seen by the benchmark's watches.
     */
    private Phase converge(String label) throws Exception {
        resetMaxInFlight();
        resetMaxOpenConnections();
        PhaseWindow window = harness.profiled(label, null);
        startOperator(providers);
        long converged = awaitCopies(window.started(operator).start());
        window.converged(converged);
        long settled = harness.awaitQuiet(operator, converged, sourceCount + 1);
        report.note(label + ": most client connections open at one provider " + maxOpenConnections());
        return window.settled(settled).with(maxInFlight(OPERATOR));
    }

    /** The driver deletes the sources (one collection delete); until the operator has deleted every copy. */
    private Phase deleteSources(String label) throws Exception {
        double errorsBefore = errors();
        resetMaxOpenConnections();
        PhaseWindow window = harness.open(label, operator);
        driver.configMaps().inNamespace(NAMESPACE).withLabel(BENCH_LABEL, BENCH_VALUE).delete();
        long gone = awaitNoCopies(window.start(), deletionLimit);
        long end = gone < 0 ? System.nanoTime() : gone;
        window.converged(gone);
        report.note(String.format(Locale.ROOT, "%s: %s; failed copy writes (krm_sync_errors) %.0f; most client "
                + "connections open at one provider %d; operator requests: %s", label, gone < 0
                        ? copiesLeft() + " copies still there after " + deletionLimit.toSeconds() + " s (the sweep runs "
                                + "every krm-sync.propagation.sweep-interval, default 5m); the benchmark deletes them"
                        : String.format(Locale.ROOT, "all copies gone after %.2f s", (gone - window.start()) / 1e9),
                errors() - errorsBefore, maxOpenConnections(),
                window.untilConverged(PROVIDERS).describe(OPERATOR, false)));
        if (gone < 0) {
            deleteFloorCopies();
        }
        // Deletions run outside reconcile (SourceDeletions): quiet means no write and no reconciler activity.
        return window.settled(harness.awaitQuiet(operator, end, 0));
    }

    private long copiesLeft() {
        return providers.stream().mapToLong(p -> benchCopies(p).size()).sum();
    }

    /** Failed copy writes the operator counted (SyncMetrics' krm_sync.errors, every cluster and reason). */
    private double errors() {
        return operator.meters().find("krm_sync.errors").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** Figure 4: a fresh operator (new registry, clients, informers) against the same servers, nothing changed. */
    private Phase restart() throws Exception {
        PhaseWindow window = harness.open("restart", null).cpuUntilSettled();
        startOperator(providers);
        window.started(operator);
        awaitReachable(providers);
        long reachable = System.nanoTime();
        window.converged(reachable);
        return window.settled(harness.awaitQuiet(operator, reachable, sourceCount + 1));
    }

    // --- the report -----------------------------------------------------------------------------------------------

    private final class Report extends FigureReport {

        Report() {
            super("PropagationReconciler benchmark");
            roundsTable("convergence rounds (seconds; CPU/copy: JVM CPU ms per copy; others/steal: CPU s of other "
                    + "processes / stolen by the hypervisor meanwhile):", "round", "floor", "CPU/copy", "others/steal",
                    "floor+watch", "CPU/copy", "convergence", "SDK started", "CPU/copy", "others/steal", "ratio",
                    "copy/all writes", "deletion", "copy/all writes");
        }

        void setup(Map<String, String> properties) {
            head.add(String.format(Locale.ROOT, "run: 1 local + %d provider SandboxApiServers (in this JVM, http on "
                    + "loopback); %d updates (after %d warm-up updates) per latency figure, pause %d ms; %d sources of "
                    + "%d keys; %d rounds; floor threads %d; quiet period %d ms", providers.size(), updates, warmup,
                    pauseMillis, sourceCount, keyCount, rounds, floorThreads, harness.quiet().toMillis()));
            head.add("operator settings: " + properties.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("krm-sync.") && !e.getKey().endsWith("provider-kubeconfigs"))
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }

        void latency(LatencyRun few, LatencyRun all, LatencyRun down, LatencyRun again, long noticed, long recovered) {
            for (LatencyRun run : List.of(few, all, down, again)) {
                latencyRows(run);
            }
            long[] allLatencies = concat(all.sortedLatencies(), again.sortedLatencies());
            long[] downLatencies = down.sortedLatencies();
            row("3", "registry noticed the stopped provider after", secs(noticed),
                    "server stopped with no update in flight; health-check-interval "
                            + properties.get("krm-sync.clusters.health-check-interval"));
            row("3", "ratio p50 / p99: one stopped / all reachable (before and after together)",
                    String.format(Locale.ROOT, "%.2fx / %.2fx", pct(downLatencies, 50) / pct(allLatencies, 50),
                            pct(downLatencies, 99) / pct(allLatencies, 99)),
                    String.format(Locale.ROOT, "target <= 1.1x; against before only %.2fx / %.2fx, after only %.2fx / "
                            + "%.2fx; JVM CPU per update %.2f ms against %.2f / %.2f ms",
                            pct(downLatencies, 50) / pct(all.sortedLatencies(), 50),
                            pct(downLatencies, 99) / pct(all.sortedLatencies(), 99),
                            pct(downLatencies, 50) / pct(again.sortedLatencies(), 50),
                            pct(downLatencies, 99) / pct(again.sortedLatencies(), 99),
                            down.cpuMillisPerUpdate(), all.cpuMillisPerUpdate(), again.cpuMillisPerUpdate()));
            row("3", "stopped provider back (restarted empty): probe copy seen after", secs(recovered),
                    "registry reconnect backoff up to " + properties.get("krm-sync.clusters.max-reconnect-interval"));
            row("1", "ratio p50 / p99: " + all.targets().size() + " / " + few.targets().size() + " providers",
                    String.format(Locale.ROOT, "%.2fx / %.2fx", pct(allLatencies, 50) / pct(few.sortedLatencies(), 50),
                            pct(allLatencies, 99) / pct(few.sortedLatencies(), 99)),
                    "both all-reachable runs of " + all.targets().size());
        }

        private void latencyRows(LatencyRun run) {
            long[] l = run.sortedLatencies();
            row(run.number(), run.label() + ": p50 / p99",
                    String.format(Locale.ROOT, "%.2f / %.2f ms", pct(l, 50), pct(l, 99)),
                    String.format(Locale.ROOT, "p90 %.2f, max %.2f, mean %.2f ms; %d updates in %.1f s", pct(l, 90),
                            pct(l, 100), Arrays.stream(l).average().orElse(0) / 1e6, l.length, run.phase().seconds()));
            List<UpdateSample> s = run.samples();
            row("", "  update sent -> local server answered", segment(s, UpdateSample::sent, UpdateSample::patched), "");
            row("", "  update sent -> reconcile of that version began",
                    segment(s, UpdateSample::sent, UpdateSample::reconcileStarted), "local watch, informer, SDK");
            row("", "  reconcile began -> first provider write received",
                    segment(s, UpdateSample::reconcileStarted, UpdateSample::firstWrite), "");
            row("", "  first provider write received -> last answered",
                    segment(s, UpdateSample::firstWrite, UpdateSample::lastWriteAnswered),
                    run.targets().size() + " writes in parallel");
            row("", "  last write answered -> last provider seen by the benchmark",
                    segment(s, UpdateSample::lastWriteAnswered, UpdateSample::lastSeen), "watch delivery");
            row("", "  first -> last provider seen", segment(s, UpdateSample::firstSeen, UpdateSample::lastSeen), "");
            row("", "  per provider p50, fastest / slowest", perProvider(run), "");
            latencyRequestRows(run);
        }

        /** What the operator asked of the servers during a latency figure, its reconciler calls and the JVM's CPU. */
        private void latencyRequestRows(LatencyRun run) {
            List<UpdateSample> s = run.samples();
            RequestCounts atProviders = run.phase().untilSettled(PROVIDERS);
            RequestCounts atLocal = run.phase().untilSettled(LOCAL);
            row("", "  operator writes at the providers / per update and provider",
                    atProviders.writes(OPERATOR) + String.format(Locale.ROOT, " / %.3f",
                            atProviders.writes(OPERATOR) / (double) (s.size() * run.targets().size())),
                    "copy writes " + atProviders.writes(OPERATOR, Category.CONFIGMAP) + "; "
                            + atProviders.describe(OPERATOR, true));
            conflictRow(s);
            row("", "  operator GETs at the providers, other than health probes",
                    Long.toString(atProviders.count(k -> k.agent().equals(OPERATOR) && k.method().equals("GET")
                            && k.category() != Category.HEALTH_PROBE)),
                    "all requests: " + atProviders.describe(OPERATOR, false));
            row("", "  operator writes at the local server", Long.toString(atLocal.writes(OPERATOR)),
                    atLocal.describe(OPERATOR, true));
            ReconcileTracker.Calls calls = run.phase().calls();
            row("", "  reconciler calls (per update) / failures", String.format(Locale.ROOT, "%d (%.2f) / %d",
                    calls.executions(), calls.executions() / (double) s.size(), calls.failures()), "");
            row("", "  JVM CPU per update", String.format(Locale.ROOT, "%.2f ms", run.cpuMillisPerUpdate()),
                    run.phase().cpu().summary() + "; " + run.phase().cpu().top(6));
        }

        private void conflictRow(List<UpdateSample> s) {
            List<Integer> conflicted = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                if (s.get(i).conflicts() > 0) {
                    conflicted.add(i + 1);
                }
            }
            if (!conflicted.isEmpty()) {
                row("", "  updates during which a provider answered 409 Conflict", Integer.toString(conflicted.size()),
                        String.format(Locale.ROOT, "%d conflicts; first at update %d, last at update %d (%.1f s into "
                                + "the run)", s.stream().mapToLong(UpdateSample::conflicts).sum(), conflicted.getFirst(),
                                conflicted.getLast(), (s.get(conflicted.getLast() - 1).sent() - s.getFirst().sent()) / 1e9));
            }
        }

        private String perProvider(LatencyRun run) {
            double best = Double.MAX_VALUE;
            double worst = 0;
            String bestName = "";
            String worstName = "";
            for (int i = 0; i < run.targets().size(); i++) {
                int index = i;
                long[] each = run.samples().stream().mapToLong(s -> s.seen()[index] - s.sent()).sorted().toArray();
                double p50 = pct(each, 50);
                if (p50 < best) {
                    best = p50;
                    bestName = run.targets().get(i);
                }
                if (p50 > worst) {
                    worst = p50;
                    worstName = run.targets().get(i);
                }
            }
            return String.format(Locale.ROOT, "%s %.2f / %s %.2f ms", bestName, best, worstName, worst);
        }

        void stale(String victim, int updatesRun, int lastConflicted, long conflicts, double seconds) {
            row("3", "after " + victim + " came back: updates until its writes stopped conflicting",
                    Integer.toString(lastConflicted), String.format(Locale.ROOT, "%d conflicts (409, then a re-read and "
                            + "a second write) in %d updates over %.1f s; the stale period ends when the provider "
                            + "informer's watch reconnects", conflicts, updatesRun, seconds));
        }

        void unnoticed(String victim, long stopped, long noticed, List<UpdateSample> samples) {
            String each = samples.stream().limit(12)
                    .map(s -> String.format(Locale.ROOT, "%.1f", s.latency() / 1e6)).collect(Collectors.joining(", "));
            long[] sorted = samples.stream().mapToLong(UpdateSample::latency).sorted().toArray();
            row("3", "updates right after " + victim + " stopped (not yet noticed): latency to the others",
                    String.format(Locale.ROOT, "p50 %.2f, max %.2f ms", pct(sorted, 50), pct(sorted, 100)),
                    samples.size() + " back-to-back updates; first 12 in order (ms): " + each);
            row("3", "  registry noticed after", noticed < 0 ? "not within the updates" : secs(noticed - stopped),
                    "by the first failed write (connectionFailed) or its health probe, whichever came first");
        }

        void round(int round, Phase convergence) {
            Phase floor = phases.last(FLOORS);
            Phase watchedFloor = phases.last(WATCHED_FLOORS);
            RequestCounts atProviders = convergence.untilSettled(PROVIDERS);
            roundRows.add(new String[] { Integer.toString(round), fmt(floor.seconds()), perCopy(floor),
                    othersAndSteal(floor.cpu(), "%.1f"), fmt(watchedFloor.seconds()), perCopy(watchedFloor),
                    fmt(convergence.seconds()), fmt((convergence.markNanos() - convergence.startNanos()) / 1e9),
                    perCopy(convergence), othersAndSteal(convergence.cpu(), "%.1f"),
                    String.format(Locale.ROOT, "%.2fx", convergence.seconds() / floor.seconds()),
                    atProviders.writes(OPERATOR, Category.CONFIGMAP) + " / " + atProviders.writes(OPERATOR), "", "" });
            note("round " + round + ", convergence: provider requests until quiet: "
                    + atProviders.describe(OPERATOR, false) + "; local writes: "
                    + convergence.untilSettled(LOCAL).describe(OPERATOR, true) + "; reconciler calls "
                    + convergence.calls().executions() + ", failures " + convergence.calls().failures() + "; CPU "
                    + convergence.cpu().top(7));
            note("round " + round + ", floor CPU " + floor.cpu().top(6) + "; floor with watch CPU "
                    + watchedFloor.cpu().top(6));
        }

        void deletion(int round, Phase deletion) {
            String[] row = roundRows.get(round - 1);
            row[12] = deletion.convergedNanos() < 0 ? "> " + deletionLimit.toSeconds() : fmt(deletion.seconds());
            row[13] = deletion.untilSettled(PROVIDERS).writes(OPERATOR, Category.CONFIGMAP) + " / "
                    + deletion.untilSettled(PROVIDERS).writes(OPERATOR);
        }

        void restart(Phase p) {
            RequestCounts atProviders = p.untilSettled(PROVIDERS);
            RequestCounts atLocal = p.untilSettled(LOCAL);
            row("4", "restart, nothing changed: operator writes at the providers", Long.toString(atProviders.writes(OPERATOR)),
                    "target 0; " + atProviders.describe(OPERATOR, true));
            row("4", "  operator writes at the local server", Long.toString(atLocal.writes(OPERATOR)),
                    atLocal.describe(OPERATOR, true));
            row("", "  start -> SDK informer synced / all providers reachable / quiet",
                    secs(p.markNanos() - p.startNanos()) + " / " + secs(p.convergedNanos() - p.startNanos()) + " / "
                            + secs(p.settledNanos() - p.startNanos()),
                    "quiet = last activity before " + harness.quiet().toMillis() + " ms of none");
            row("", "  reconciler calls / failures", p.calls().executions() + " / " + p.calls().failures(),
                    (sourceCount + 1) + " labelled ConfigMaps, " + providers.size() + " providers");
            row("", "  operator reads at the providers", atProviders.reads(OPERATOR) + " GET, "
                    + atProviders.watches(OPERATOR) + " WATCH", atProviders.describe(OPERATOR, false));
            row("", "  CPU until quiet", p.cpu().summary(), p.cpu().top(6));
        }

        void convergence() {
            List<Double> f = Rounds.seconds(phases.all(FLOORS));
            List<Double> w = Rounds.seconds(phases.all(WATCHED_FLOORS));
            List<Double> c = Rounds.seconds(phases.all(CONVERGENCES));
            row("2", "convergence of " + sourceCount + " sources to " + providers.size()
                    + " empty providers from operator start, median",
                    String.format(Locale.ROOT, "%.2f s", median(c)), range(c));
            row("2", "floor (plain client, same " + sourceCount * providers.size() + " creates, " + floorThreads
                    + " threads x " + providers.size() + " in parallel), median",
                    String.format(Locale.ROOT, "%.2f s", median(f)), range(f));
            row("2", "ratio convergence / floor (medians)", String.format(Locale.ROOT, "%.2fx", median(c) / median(f)),
                    "per round: " + Measurements.ratios(Rounds.ratios(phases.all(CONVERGENCES), phases.all(FLOORS))));
            row("2", "floor with the operator's provider watches open, median",
                    String.format(Locale.ROOT, "%.2f s", median(w)), range(w) + "; ratio convergence / it "
                            + String.format(Locale.ROOT, "%.2fx", median(c) / median(w)));
            lastConvergenceRows(phases.last(CONVERGENCES));
            List<Double> cCpu = phases.all(CONVERGENCES).stream().map(this::cpuPerCopy).toList();
            List<Double> fCpu = phases.all(FLOORS).stream().map(this::cpuPerCopy).toList();
            List<Double> wCpu = phases.all(WATCHED_FLOORS).stream().map(this::cpuPerCopy).toList();
            row("", "JVM CPU per copy, medians: convergence / floor / floor with watches",
                    String.format(Locale.ROOT, "%.3f / %.3f / %.3f ms", median(cCpu), median(fCpu), median(wCpu)), "");
            row("", "  convergence by thread (last round)", "", phases.last(CONVERGENCES).cpu().top(7));
            row("", "  floor by thread (last round)", "", phases.last(FLOORS).cpu().top(6));
        }

        private void lastConvergenceRows(Phase last) {
            RequestCounts atProviders = last.untilSettled(PROVIDERS);
            row("2", "operator writes at the providers per convergence (last round)",
                    Long.toString(atProviders.writes(OPERATOR)), "expected " + sourceCount * providers.size()
                            + " creates; " + atProviders.describe(OPERATOR, true));
            row("", "  operator reads at the providers (last round)", atProviders.reads(OPERATOR) + " GET",
                    atProviders.describe(OPERATOR, false));
            row("", "  operator start -> SDK informer synced (last round)",
                    secs(last.markNanos() - last.startNanos()), "the providers' informers start in parallel");
            row("", "  copy writes one server handled at once, max: operator / floor",
                    last.copyWrites().maxInFlight() + " / " + phases.last(FLOORS).copyWrites().maxInFlight(),
                    "each server answers one request at a time; more in flight only queue");
            row("", "  reconciler calls until quiet (last round)", Long.toString(last.calls().executions()), "");
        }

        private double cpuPerCopy(Phase p) {
            return p.cpu().cpuNanos() / 1e6 / (sourceCount * (double) providers.size());
        }

        private String perCopy(Phase p) {
            return String.format(Locale.ROOT, "%.3f", cpuPerCopy(p));
        }
    }
}
