package io.krmsync.benchmark;

import static io.krmsync.benchmark.Measurements.concat;
import static io.krmsync.benchmark.Measurements.fmt;
import static io.krmsync.benchmark.Measurements.median;
import static io.krmsync.benchmark.Measurements.pct;
import static io.krmsync.benchmark.Measurements.range;
import static io.krmsync.benchmark.Measurements.secs;

import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jdk.jfr.Recording;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.krmsync.benchmark.PropagationClusters.RequestCounter;
import io.krmsync.benchmark.PropagationClusters.RequestCounter.Category;
import io.krmsync.clusters.ClusterKubeconfig;
import io.krmsync.clusters.ClusterRegistry;
import io.krmsync.clusters.ClusterSource;
import io.krmsync.clusters.ClustersConfig;
import io.krmsync.clusters.InvalidKubeconfigException;
import io.krmsync.clusters.Kubeconfigs;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.leadership.Leadership;
import io.krmsync.clusters.RemoteCluster;
import io.krmsync.clusters.RemoteClients;
import io.krmsync.propagation.PropagationConfig;
import io.krmsync.propagation.PropagationReconciler;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.EventRecorder;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;

/**
 * PropagationReconciler benchmark: one local and ten provider in-memory API servers ({@link PropagationClusters}),
 * the operator built with the operator SDK directly (no Quarkus, as the ConfigMapSyncer benchmark does), so that it can
 * be stopped and a fresh one started against the same servers. Prints a table of figures (and writes it to
 * target/benchmark-reports/propagation.txt); asserts only that the copies arrived, never anything about time.
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
    static final String OPERATOR = "operator";
    static final String DRIVER = "benchmark-driver";
    static final String WATCHER = "benchmark-watcher";
    static final String FLOOR = "benchmark-floor";
    static final String FLOOR_WATCH = "benchmark-informer-watch";
    static final String PROPAGATE_LABEL = "example.io/propagate";
    static final String BENCH_LABEL = "krm-sync-benchmark";
    static final String BENCH_VALUE = "propagation";

    private static final String P = "benchmark.propagation.";
    private final int updates = Integer.getInteger(P + "updates", 1000);
    private final int warmup = Integer.getInteger(P + "warmup", 200);
    private final int sourceCount = Integer.getInteger(P + "sources", 1000);
    private final int fewProviders = Integer.getInteger(P + "fewProviders", 3);
    private final int rounds = Math.max(1, Integer.getInteger(P + "rounds", 3));
    private final int keyCount = Integer.getInteger(P + "keys", 5);
    private final long pauseMillis = Long.getLong(P + "pauseMillis", 20);
    private final long quietMillis = Long.getLong(P + "quietMillis", 3000);
    private final int floorThreads = Integer.getInteger(P + "floorThreads",
            ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER);
    private final Duration timeout = Duration.ofSeconds(Long.getLong(P + "timeoutSeconds", 600));
    private final Duration deletionLimit = Duration.ofSeconds(Long.getLong(P + "deletionSeconds", 120));
    private final boolean jfr = Boolean.getBoolean(P + "jfr");
    private final Path reportFile = Path.of(System.getProperty(P + "report",
            "target/benchmark-reports/propagation.txt"));

    private final PropagationClusters clusters = new PropagationClusters();
    private final Map<String, ProviderWatch> watches = new ConcurrentHashMap<>();
    /** One client per provider for the benchmark's own lists and deletes (a client each time would churn files). */
    private final Map<String, KubernetesClient> readers = new ConcurrentHashMap<>();
    private final Object probeLock = new Object();
    private final Report report = new Report();
    private Map<String, String> properties;
    private KubernetesClient driver;
    private List<String> providers;
    private List<String> sourceNames;
    private Map<String, String> sourceData;
    private long probeSeq;

    @Test
    void propagation() throws Exception {
        RunningOperator operator = null;
        try {
            properties = clusters.start();
            providers = clusters.providers();
            driver = clusters.client(LOCAL, DRIVER);
            for (String provider : providers) {
                watches.put(provider, new ProviderWatch(provider));
            }
            report.machine(driver);
            setUpSources();
            report.setup(properties);

            // 1: latency with few, then with all providers.
            List<String> few = providers.subList(0, Math.min(fewProviders, providers.size()));
            operator = startOperator(few);
            awaitProbe(probeSeq, few);
            awaitQuiet(operator, System.nanoTime(), 1);
            LatencyRun fewRun = latency("1", "latency, " + few.size() + " providers", operator, few, warmup);
            operator.stop();
            operator = null;

            operator = startOperator(providers);
            awaitProbe(probeSeq, providers);
            awaitQuiet(operator, System.nanoTime(), 1);
            LatencyRun allRun = latency("1", "latency, " + providers.size() + " providers", operator, providers, warmup);

            // 3: one provider unreachable, noticed by the registry first; then back; then all reachable again.
            String victim = providers.getLast();
            List<String> reachable = providers.subList(0, providers.size() - 1);
            int victimPort = clusters.port(victim);
            long noticed = stopProvider(operator, victim);
            LatencyRun downRun = latency("3", "latency, " + victim + " stopped (" + reachable.size() + " of "
                    + providers.size() + " reachable)", operator, reachable, Math.min(warmup, 50));
            long recovered = restartProvider(operator, victim, victimPort);
            staleAfterReturn(operator, victim);
            LatencyRun againRun = latency("1", "latency, " + providers.size() + " providers, again after "
                    + victim + " came back", operator, providers, Math.min(warmup, 50));
            report.latency(fewRun, allRun, downRun, againRun, noticed, recovered);

            // 3, before the registry notices: a provider stops while updates keep coming.
            unnoticedStop(operator, victim, victimPort, reachable);
            operator.stop();
            operator = null;

            // 2: convergence against the floor; 4: restart with nothing changed (last round).
            List<Phase> floors = new ArrayList<>();
            List<Phase> watchedFloors = new ArrayList<>();
            List<Phase> convergences = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                floors.add(floor("floor-" + round, false));
                deleteFloorCopies();
                watchedFloors.add(floor("floor-watched-" + round, true));
                deleteFloorCopies();
                createSources();
                Phase convergence = converge("convergence-" + round);
                operator = convergence.operator();
                convergences.add(convergence);
                report.round(round, floors.getLast(), watchedFloors.getLast(), convergence);
                if (round == rounds) {
                    operator.stop();
                    operator = null;
                    Phase restart = restart();
                    operator = restart.operator();
                    report.restart(restart);
                }
                Phase deletion = deleteSources("deletion-" + round, operator);
                report.deletion(round, deletion);
                operator.stop();
                operator = null;
            }
            report.convergence(floors, watchedFloors, convergences);
        } finally {
            if (operator != null) {
                operator.stop();
            }
            report.print(reportFile);
            watches.values().forEach(ProviderWatch::close);
            readers.values().forEach(KubernetesClient::close);
            if (driver != null) {
                driver.close();
            }
            clusters.stop();
        }
    }

    // --- set-up -------------------------------------------------------------------------------------------------

    private void setUpSources() {
        sourceData = new TreeMap<>();
        for (int i = 0; i < keyCount; i++) {
            sourceData.put(String.format(Locale.ROOT, "key-%02d", i),
                    String.format(Locale.ROOT, "value-%02d-", i) + "x".repeat(48));
        }
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
                PropagationConfig.class, LocalClusterConfig.class);
    }

    // --- the operator -------------------------------------------------------------------------------------------

    record RunningOperator(Operator operator, ClusterRegistry registry, OperatorProbe probe,
            SimpleMeterRegistry meters, List<String> providers, KubernetesClient client, long startNanos,
            long startedNanos) {

        void stop() {
            operator.stop();
            // What the registry's @PreDestroy does: every cluster removed, its client closed, its probe stopped.
            registry.update(ClusterSource.FLAG, List.of(), List.of());
            client.close();
        }

        RemoteCluster.State state(String provider) {
            return registry.get(provider).map(RemoteCluster::state).orElse(null);
        }
    }

    /**
     * The operator as the Quarkus application wires it, minus Quarkus: its own local client, a ClusterRegistry fed
     * the providers' kubeconfig files as KubeconfigFileSource does, the SDK with server-side apply off (as
     * {@code quarkus.operator-sdk.enable-ssa=false}) and every other SDK default (50 reconciliation threads), and
     * PropagationReconciler with its settings read through SmallRye Config from the same properties.
     */
    private RunningOperator startOperator(List<String> providerNames) throws IOException, InvalidKubeconfigException {
        SmallRyeConfig config = config();
        ClustersConfig clustersConfig = config.getConfigMapping(ClustersConfig.class);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(clusters.url(LOCAL)).withUserAgent("krm-sync-operator").build()).build();
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        ClusterRegistry registry = new ClusterRegistry(client, new RemoteClients(serialization, clustersConfig), clustersConfig);
        List<ClusterKubeconfig> kubeconfigs = new ArrayList<>();
        for (String provider : providerNames) {
            Path file = clusters.kubeconfig(provider);
            kubeconfigs.addAll(Kubeconfigs.parse(Kubeconfigs.clusterNameOf(file), "file " + file,
                    Files.readString(file), file.toAbsolutePath().getParent(), clustersConfig.insecure().policy()));
        }
        OperatorProbe probe = new OperatorProbe();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SyncMetrics metrics = new SyncMetrics(meters);
        Operator operator = new Operator(overrider -> overrider.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withMetrics(probe));
        operator.register(new PropagationReconciler(new CopyEngine(serialization, metrics), registry,
                new EventRecorder(client), metrics, config.getConfigMapping(PropagationConfig.class), client,
                config.getConfigMapping(LocalClusterConfig.class), new Leadership(meters)));
        long start = System.nanoTime();
        registry.update(ClusterSource.FLAG, kubeconfigs, List.of());
        operator.start(); // returns once the SDK's informer (the local sources) has synced
        return new RunningOperator(operator, registry, probe, meters, List.copyOf(providerNames), client, start,
                System.nanoTime());
    }

    private void awaitReachable(RunningOperator operator, List<String> providerNames) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!providerNames.stream().allMatch(p -> operator.state(p) == RemoteCluster.State.REACHABLE)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("providers not reachable: " + providerNames.stream()
                        .map(p -> p + "=" + operator.state(p)).toList());
            }
            Thread.sleep(10);
        }
    }

    /**
     * Waits until the operator has done nothing for the quiet period: no reconciliation submitted, running or
     * finished, no event received, no write by it at any server; and at least {@code minExecutions} reconciler calls.
     *
     * @return when it last did something
     */
    private long awaitQuiet(RunningOperator operator, long from, long minExecutions) throws InterruptedException {
        return operator.probe().awaitQuiet(from, minExecutions, this::lastOperatorWrite,
                Duration.ofMillis(quietMillis), timeout);
    }

    private long lastOperatorWrite() {
        long last = clusters.counter(LOCAL).lastOperatorWriteNanos();
        for (String provider : providers) {
            last = Math.max(last, clusters.counter(provider).lastOperatorWriteNanos());
        }
        return last;
    }

    /** {@link ReconcileTracker}, and when each probe version's reconcile began. */
    static final class OperatorProbe extends ReconcileTracker {

        private final Map<String, Long> probeStarted = new ConcurrentHashMap<>();

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
    }

    // --- observing the providers --------------------------------------------------------------------------------

    /**
     * The benchmark's own view of one provider: a watch (own client, own connection) on every propagation copy in the
     * namespace, recording when each copy was last seen and with which data, and the latest probe sequence number.
     */
    private final class ProviderWatch implements Watcher<ConfigMap> {

        record Seen(Map<String, String> data, long nanos) {
        }

        record ProbeSeen(long seq, long nanos) {
        }

        private final String provider;
        private final KubernetesClient client;
        private final Watch watch;
        private final Map<String, Seen> copies = new ConcurrentHashMap<>();
        private final AtomicLong lastDeletion = new AtomicLong();
        private volatile ProbeSeen probe = new ProbeSeen(-1, 0);
        private volatile WatcherException closed;

        ProviderWatch(String provider) {
            this.provider = provider;
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
                copies.remove(name);
                lastDeletion.accumulateAndGet(now, Math::max);
            } else {
                copies.put(name, new Seen(copy.getData() == null ? Map.of() : copy.getData(), now));
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            closed = cause;
        }

        void close() {
            watch.close();
            client.close();
        }

        /** When the last of the sources' copies arrived with the expected data, or -1 while some have not. */
        long allSeenAt(List<String> names, Map<String, String> expected) {
            long last = 0;
            for (String name : names) {
                Seen seen = copies.get(name);
                if (seen == null || !expected.equals(seen.data())) {
                    return -1;
                }
                last = Math.max(last, seen.nanos());
            }
            return last;
        }

        long noneSeenAt(List<String> names) {
            return names.stream().anyMatch(copies::containsKey) ? -1 : lastDeletion.get();
        }

        long seenCount(List<String> names) {
            return names.stream().filter(copies::containsKey).count();
        }
    }

    private void checkWatches() {
        watches.values().forEach(w -> {
            if (w.closed != null) {
                throw new AssertionError("the benchmark's watch on " + w.provider + " closed", w.closed);
            }
        });
    }

    /** Waits until every one of {@code targets} has shown the probe at {@code seq} or later. */
    private void awaitProbe(long seq, List<String> targets) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (probeLock) {
            while (!targets.stream().allMatch(p -> watches.get(p).probe.seq() >= seq)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("probe " + seq + " did not reach " + targets.stream()
                            .filter(p -> watches.get(p).probe.seq() < seq).toList() + " within " + timeout);
                }
                probeLock.wait(100);
            }
        }
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

    record LatencyRun(String number, String label, List<String> targets, List<UpdateSample> samples,
            RequestCounts providerCounts, RequestCounts localCounts, long executions, long failures, Cpu cpu, long wallNanos,
            double rateLimitQps) {

        long[] sortedLatencies() {
            return samples.stream().mapToLong(UpdateSample::latency).sorted().toArray();
        }
    }

    private UpdateSample update(RunningOperator operator, List<String> targets) throws InterruptedException {
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
        long sum = 0;
        for (String target : targets) {
            sum += clusters.counter(target).snapshot().count(k -> k.agent().equals(OPERATOR) && k.code() == 409);
        }
        return sum;
    }

    private LatencyRun latency(String number, String label, RunningOperator operator, List<String> targets,
            int warmupUpdates) throws Exception {
        for (int i = 0; i < warmupUpdates; i++) {
            update(operator, targets);
            pause();
        }
        awaitQuiet(operator, System.nanoTime(), 0);
        RequestCounts providersBefore = providerCounts(targets);
        Map<String, RequestCounts> eachBefore = new LinkedHashMap<>();
        targets.forEach(p -> eachBefore.put(p, clusters.counter(p).snapshot()));
        RequestCounts localBefore = clusters.counter(LOCAL).snapshot();
        long executionsBefore = operator.probe().executions();
        long failuresBefore = operator.probe().failures();
        Cpu cpuBefore = Cpu.now();
        Recording recording = startRecording();
        long start = System.nanoTime();
        List<UpdateSample> samples = new ArrayList<>();
        for (int i = 0; i < updates; i++) {
            samples.add(update(operator, targets));
            pause();
        }
        long end = System.nanoTime();
        stopRecording(recording, "latency-" + targets.size() + "-" + label.hashCode());
        Cpu cpu = Cpu.now().minus(cpuBefore, end - start);
        long settled = awaitQuiet(operator, end, 0);
        LatencyRun run = new LatencyRun(number, label, List.copyOf(targets), samples,
                providerCounts(targets).minus(providersBefore), clusters.counter(LOCAL).snapshot().minus(localBefore),
                operator.probe().executions() - executionsBefore, operator.probe().failures() - failuresBefore, cpu,
                end - start, Double.parseDouble(properties.get("krm-sync.clusters.client.qps")));
        report.note(String.format(Locale.ROOT, "%s: quiet %.1f s after the last update", label, (settled - end) / 1e9));
        // Providers that got anything but one copy write per update (and health probes).
        eachBefore.forEach((provider, before) -> {
            RequestCounts window = clusters.counter(provider).snapshot().minus(before);
            long expectedPuts = window.count(k -> k.agent().equals(OPERATOR) && k.method().equals("PUT")
                    && k.code() == 200);
            if (window.writes(OPERATOR) != updates || expectedPuts != updates) {
                report.note("  " + provider + ": " + window.describe(OPERATOR, false));
            }
        });
        return run;
    }

    private void pause() throws InterruptedException {
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
    }

    private RequestCounts providerCounts(List<String> targets) {
        RequestCounts sum = RequestCounts.EMPTY;
        for (String provider : targets) {
            sum = sum.plus(clusters.counter(provider).snapshot());
        }
        return sum;
    }

    /**
     * Stops a provider's server with no update in flight and waits for the registry to mark it unreachable.
     *
     * @return nanoseconds from the stop to the registry noticing
     */
    private long stopProvider(RunningOperator operator, String victim) throws InterruptedException {
        watches.remove(victim).close();
        long stopped = System.nanoTime();
        clusters.stopServer(victim);
        long deadline = stopped + timeout.toNanos();
        while (operator.state(victim) != RemoteCluster.State.UNREACHABLE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(victim + " still " + operator.state(victim));
            }
            Thread.sleep(5);
        }
        return System.nanoTime() - stopped;
    }

    /**
     * Starts the stopped provider again on its port (empty), and waits until the operator has put the probe back.
     *
     * @return nanoseconds from the restart to the probe's copy seen there
     */
    private long restartProvider(RunningOperator operator, String victim, int port) throws InterruptedException {
        RequestCounts before = clusters.counter(victim).snapshot();
        long restarted = System.nanoTime();
        clusters.restartServer(victim, port);
        watches.put(victim, new ProviderWatch(victim));
        awaitProbe(probeSeq, List.of(victim));
        long back = watches.get(victim).probe.nanos() - restarted;
        awaitQuiet(operator, System.nanoTime(), 0);
        report.note(victim + " restarted (empty): operator requests until the probe was back and quiet: "
                + clusters.counter(victim).snapshot().minus(before).describe(OPERATOR, false));
        return back;
    }

    /**
     * After a provider came back, updates until 20 in a row went without a 409 Conflict from it: while its informer's
     * watch has not reconnected, the operator's cache of that provider is stale and every write there is refused once.
     */
    private void staleAfterReturn(RunningOperator operator, String victim) throws InterruptedException {
        long start = System.nanoTime();
        int clean = 0;
        int count = 0;
        long conflicts = 0;
        int lastConflicted = 0;
        while (clean < 20 && System.nanoTime() - start < timeout.toNanos()) {
            UpdateSample sample = update(operator, List.of(victim));
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
        awaitQuiet(operator, System.nanoTime(), 0);
    }

    /**
     * A provider stops while updates keep coming, so that the first writes to it fail before the registry knows.
     * Reports the latency of each update to the reachable providers, and when the registry noticed.
     */
    private void unnoticedStop(RunningOperator operator, String victim, int port, List<String> reachable)
            throws Exception {
        int count = Math.min(updates, 30);
        awaitQuiet(operator, System.nanoTime(), 0);
        watches.remove(victim).close();
        AtomicLong noticed = new AtomicLong(-1);
        long stopped = System.nanoTime();
        clusters.stopServer(victim);
        Thread poller = Thread.ofVirtual().start(() -> {
            while (operator.state(victim) != RemoteCluster.State.UNREACHABLE && noticed.get() < 0) {
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
            samples.add(update(operator, reachable));
        }
        poller.interrupt();
        poller.join();
        report.unnoticed(victim, stopped, noticed.get(), samples);
        awaitQuiet(operator, System.nanoTime(), 0);
        long back = restartProvider(operator, victim, port);
        report.note(String.format(Locale.ROOT, "%s restarted again: probe back after %.2f s", victim, back / 1e9));
    }

    // --- figure 2: convergence and the floor --------------------------------------------------------------------

    /** What one convergence (or floor, deletion, restart) did. */
    record Phase(String label, long startNanos, long loopEndNanos, long convergedNanos, long settledNanos,
            RequestCounts providerCounts, RequestCounts localCounts, RequestCounts providerCountsSettled, RequestCounts localCountsSettled,
            long executions, long failures, Cpu cpu, int maxInFlight, RunningOperator operator) {

        double seconds() {
            return (convergedNanos - startNanos) / 1e9;
        }
    }

    /** Waits until every provider's watch has shown every source's copy with the source's data; then confirms. */
    private long awaitCopies(long start) throws InterruptedException {
        long deadline = start + timeout.toNanos();
        while (true) {
            checkWatches();
            long last = 0;
            for (String provider : providers) {
                long at = watches.get(provider).allSeenAt(sourceNames, sourceData);
                if (at < 0) {
                    last = -1;
                    break;
                }
                last = Math.max(last, at);
            }
            if (last > 0 && serversHaveAllCopies()) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the copies did not converge within " + timeout + "; seen: " + providers
                        .stream().map(p -> p + "=" + watches.get(p).seenCount(sourceNames)).toList());
            }
            Thread.sleep(20);
        }
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

    private int maxOpenConnections() {
        return providers.stream().mapToInt(p -> clusters.counter(p).maxOpenConnections()).max().orElse(0);
    }

    private void resetMaxOpenConnections() {
        providers.forEach(p -> clusters.counter(p).resetMaxOpenConnections());
    }

    private long awaitNoCopies(long start) throws InterruptedException {
        long done = awaitNoCopies(start, timeout);
        if (done < 0) {
            throw new AssertionError("copies not deleted within " + timeout);
        }
        return done;
    }

    /** @return when the last copy was seen deleted, or -1 if some are still there after {@code limit} */
    private long awaitNoCopies(long start, Duration limit) throws InterruptedException {
        long deadline = start + limit.toNanos();
        while (true) {
            checkWatches();
            long last = 0;
            for (String provider : providers) {
                long at = watches.get(provider).noneSeenAt(sourceNames);
                if (at < 0) {
                    last = -1;
                    break;
                }
                last = Math.max(last, at);
            }
            if (last >= 0 && providers.stream().allMatch(p -> {
                try {
                    return benchCopies(p).isEmpty();
                } catch (RuntimeException e) { // the servers may be out of file descriptors for a while
                    return false;
                }
            })) {
                return Math.max(last, start);
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            Thread.sleep(20);
        }
    }

    private int maxInFlight(String agent) {
        return providers.stream().mapToInt(p -> clusters.counter(p).maxInFlight(agent)).max().orElse(0);
    }

    private void resetMaxInFlight() {
        providers.forEach(p -> clusters.counter(p).resetMaxInFlight());
    }

    /**
     * The floor: a plain fabric8 client per provider creating the same copies (bodies built by the same sanitiser as
     * the operator's, so identical JSON) at the operator's concurrency: {@code floorThreads} threads (the SDK's
     * reconciliation threads), each taking one source and creating its copy in every provider in parallel on virtual
     * threads, as one reconcile does. No operator is running. With {@code withWatch}, every provider also has the
     * watch the operator's provider informer holds (its label selector) open.
     */
    private Phase floor(String label, boolean withWatch) throws Exception {
        KubernetesSerialization serialization = driver.getKubernetesSerialization();
        ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);
        ClustersConfig clustersConfig = config().getConfigMapping(ClustersConfig.class);
        CopyOwner owner = new CopyOwner("propagation",
                new ClusterRegistry(driver, new RemoteClients(serialization, clustersConfig), clustersConfig).localIdentity());
        List<ConfigMap> bodies = sourceNames.stream()
                .map(name -> serialization.convertValue(sanitizer.desiredCopy(source(name), NAMESPACE,
                        new SourceRef(LOCAL, NAMESPACE, name), owner), ConfigMap.class))
                .toList();
        Map<String, KubernetesClient> clients = new LinkedHashMap<>();
        List<KubernetesClient> watchClients = new ArrayList<>();
        List<Watch> informerWatches = new ArrayList<>();
        AtomicLong threadNumber = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(floorThreads,
                task -> new Thread(task, "benchmark-floor-" + threadNumber.incrementAndGet()));
        ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (String provider : providers) {
                KubernetesClient client = clusters.client(provider, FLOOR);
                client.namespaces().withName(NAMESPACE).get(); // opens a connection, as the operator's are open
                clients.put(provider, client);
                if (withWatch) {
                    KubernetesClient watcher = clusters.client(provider, FLOOR_WATCH);
                    watchClients.add(watcher);
                    informerWatches.add(watcher.configMaps().inAnyNamespace()
                            .withLabels(TrackingMetadata.selectorFor(owner)).watch(new Watcher<ConfigMap>() {
                                @Override
                                public void eventReceived(Action action, ConfigMap resource) {
                                }

                                @Override
                                public void onClose(WatcherException cause) {
                                }
                            }));
                }
            }
            RequestCounts before = providerCounts(providers);
            resetMaxInFlight();
            Cpu cpuBefore = Cpu.now();
            Recording recording = startRecording();
            AtomicLong loopEnd = new AtomicLong();
            long start = System.nanoTime();
            List<Future<?>> tasks = new ArrayList<>();
            for (ConfigMap body : bodies) {
                tasks.add(pool.submit(() -> {
                    List<CompletableFuture<Void>> creates = clients.values().stream()
                            .map(client -> CompletableFuture.runAsync(() -> client.configMaps()
                                    .inNamespace(NAMESPACE).resource(body).create(), writers))
                            .toList();
                    creates.forEach(CompletableFuture::join);
                    loopEnd.accumulateAndGet(System.nanoTime(), Math::max);
                }));
            }
            long converged = awaitCopies(start);
            stopRecording(recording, label);
            for (Future<?> task : tasks) {
                task.get();
            }
            Cpu cpu = Cpu.now().minus(cpuBefore, converged - start);
            RequestCounts window = providerCounts(providers).minus(before);
            return new Phase(label, start, loopEnd.get(), converged, converged, window, RequestCounts.EMPTY, window,
                    RequestCounts.EMPTY, 0, 0, cpu, maxInFlight(FLOOR), null);
        } finally {
            pool.shutdownNow();
            writers.shutdownNow();
            informerWatches.forEach(Watch::close);
            watchClients.forEach(KubernetesClient::close);
            clients.values().forEach(KubernetesClient::close);
        }
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
        RequestCounts providersBefore = providerCounts(providers);
        RequestCounts localBefore = clusters.counter(LOCAL).snapshot();
        resetMaxInFlight();
        resetMaxOpenConnections();
        Cpu cpuBefore = Cpu.now();
        Recording recording = startRecording();
        RunningOperator operator = startOperator(providers);
        long start = operator.startNanos();
        long converged = awaitCopies(start);
        stopRecording(recording, label);
        Cpu cpu = Cpu.now().minus(cpuBefore, converged - start);
        RequestCounts providersConverged = providerCounts(providers).minus(providersBefore);
        RequestCounts localConverged = clusters.counter(LOCAL).snapshot().minus(localBefore);
        long settled = awaitQuiet(operator, converged, sourceCount + 1);
        report.note(label + ": most client connections open at one provider " + maxOpenConnections());
        return new Phase(label, start, operator.startedNanos(), converged, settled, providersConverged,
                localConverged, providerCounts(providers).minus(providersBefore),
                clusters.counter(LOCAL).snapshot().minus(localBefore), operator.probe().executions(),
                operator.probe().failures(), cpu, maxInFlight(OPERATOR), operator);
    }

    /** The driver deletes the sources (one collection delete); until the operator has deleted every copy. */
    private Phase deleteSources(String label, RunningOperator operator) throws Exception {
        RequestCounts providersBefore = providerCounts(providers);
        RequestCounts localBefore = clusters.counter(LOCAL).snapshot();
        long executionsBefore = operator.probe().executions();
        double errorsBefore = errors(operator);
        resetMaxOpenConnections();
        Cpu cpuBefore = Cpu.now();
        long start = System.nanoTime();
        driver.configMaps().inNamespace(NAMESPACE).withLabel(BENCH_LABEL, BENCH_VALUE).delete();
        long gone = awaitNoCopies(start, deletionLimit);
        long end = gone < 0 ? System.nanoTime() : gone;
        Cpu cpu = Cpu.now().minus(cpuBefore, end - start);
        int connections = maxOpenConnections();
        long left = gone < 0 ? providers.stream().mapToLong(p -> benchCopies(p).size()).sum() : 0;
        report.note(String.format(Locale.ROOT, "%s: %s; failed copy writes (krm_sync_errors) %.0f; most client "
                + "connections open at one provider %d; operator requests: %s", label, gone < 0
                        ? left + " copies still there after " + deletionLimit.toSeconds() + " s (the sweep runs every "
                                + "krm-sync.propagation.sweep-interval, default 5m); the benchmark deletes them"
                        : String.format(Locale.ROOT, "all copies gone after %.2f s", (gone - start) / 1e9),
                errors(operator) - errorsBefore, connections,
                providerCounts(providers).minus(providersBefore).describe(OPERATOR, false)));
        if (gone < 0) {
            deleteFloorCopies();
        }
        // Deletions run outside reconcile (SourceDeletions): quiet means no write and no reconciler activity.
        long settled = awaitQuiet(operator, end, 0);
        RequestCounts window = providerCounts(providers).minus(providersBefore);
        return new Phase(label, start, start, gone < 0 ? -1 : gone, settled, window,
                clusters.counter(LOCAL).snapshot().minus(localBefore), window,
                clusters.counter(LOCAL).snapshot().minus(localBefore), operator.probe().executions() - executionsBefore,
                0, cpu, connections, operator);
    }

    /** Failed copy writes the operator counted (SyncMetrics' krm_sync.errors, every cluster and reason). */
    private static double errors(RunningOperator operator) {
        return operator.meters().find("krm_sync.errors").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** Figure 4: a fresh operator (new registry, clients, informers) against the same servers, nothing changed. */
    private Phase restart() throws Exception {
        RequestCounts providersBefore = providerCounts(providers);
        RequestCounts localBefore = clusters.counter(LOCAL).snapshot();
        Cpu cpuBefore = Cpu.now();
        RunningOperator operator = startOperator(providers);
        awaitReachable(operator, providers);
        long reachable = System.nanoTime();
        long settled = awaitQuiet(operator, reachable, sourceCount + 1);
        Cpu cpu = Cpu.now().minus(cpuBefore, settled - operator.startNanos());
        RequestCounts window = providerCounts(providers).minus(providersBefore);
        RequestCounts local = clusters.counter(LOCAL).snapshot().minus(localBefore);
        return new Phase("restart", operator.startNanos(), operator.startedNanos(), reachable, settled, window, local,
                window, local, operator.probe().executions(), operator.probe().failures(), cpu, 0, operator);
    }

    // --- profiling ------------------------------------------------------------------------------------------------

    private Recording startRecording() throws IOException, java.text.ParseException {
        return Measurements.startRecording(jfr);
    }

    private void stopRecording(Recording recording, String label) throws IOException {
        Path file = Measurements.stopRecording(recording,
                reportFile.toAbsolutePath().getParent().resolve("propagation-" + label + ".jfr"));
        if (file != null) {
            report.note("JFR profile of " + label + ": " + file);
        }
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
                    pauseMillis, sourceCount, keyCount, rounds, floorThreads, quietMillis));
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
                            down.cpu().cpuNanos() / 1e6 / down.samples().size(),
                            all.cpu().cpuNanos() / 1e6 / all.samples().size(),
                            again.cpu().cpuNanos() / 1e6 / again.samples().size()));
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
                            pct(l, 100), Arrays.stream(l).average().orElse(0) / 1e6, l.length, run.wallNanos() / 1e9));
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
            long copyWrites = run.providerCounts().writes(OPERATOR, Category.CONFIGMAP);
            row("", "  operator writes at the providers / per update and provider",
                    run.providerCounts().writes(OPERATOR) + String.format(Locale.ROOT, " / %.3f",
                            run.providerCounts().writes(OPERATOR) / (double) (s.size() * run.targets().size())),
                    "copy writes " + copyWrites + "; " + run.providerCounts().describe(OPERATOR, true));
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
            row("", "  operator GETs at the providers, other than health probes",
                    Long.toString(run.providerCounts().count(k -> k.agent().equals(OPERATOR) && k.method().equals("GET")
                            && k.category() != Category.HEALTH_PROBE)),
                    "all requests: " + run.providerCounts().describe(OPERATOR, false));
            row("", "  operator writes at the local server", Long.toString(run.localCounts().writes(OPERATOR)),
                    run.localCounts().describe(OPERATOR, true));
            row("", "  reconciler calls (per update) / failures",
                    String.format(Locale.ROOT, "%d (%.2f) / %d", run.executions(),
                            run.executions() / (double) s.size(), run.failures()), "");
            row("", "  JVM CPU per update", String.format(Locale.ROOT, "%.2f ms", run.cpu().cpuNanos() / 1e6 / s.size()),
                    run.cpu().summary() + "; " + run.cpu().top(6));
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

        private String segment(List<UpdateSample> samples, java.util.function.ToLongFunction<UpdateSample> from,
                java.util.function.ToLongFunction<UpdateSample> to) {
            long[] values = samples.stream().filter(s -> from.applyAsLong(s) > 0 && to.applyAsLong(s) > 0)
                    .mapToLong(s -> to.applyAsLong(s) - from.applyAsLong(s)).sorted().toArray();
            if (values.length == 0) {
                return "n/a";
            }
            return String.format(Locale.ROOT, "p50 %.2f, p99 %.2f ms%s", pct(values, 50), pct(values, 99),
                    values.length < samples.size() ? " (" + values.length + " of " + samples.size() + ")" : "");
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

        void round(int round, Phase floor, Phase watchedFloor, Phase convergence) {
            roundRows.add(new String[] { Integer.toString(round), fmt(floor.seconds()), perCopy(floor),
                    interference(floor), fmt(watchedFloor.seconds()), perCopy(watchedFloor), fmt(convergence.seconds()),
                    fmt((convergence.loopEndNanos() - convergence.startNanos()) / 1e9), perCopy(convergence),
                    interference(convergence),
                    String.format(Locale.ROOT, "%.2fx", convergence.seconds() / floor.seconds()),
                    convergence.providerCountsSettled().writes(OPERATOR, Category.CONFIGMAP) + " / "
                            + convergence.providerCountsSettled().writes(OPERATOR),
                    "", "" });
            note("round " + round + ", convergence: provider requests until quiet: "
                    + convergence.providerCountsSettled().describe(OPERATOR, false) + "; local writes: "
                    + convergence.localCountsSettled().describe(OPERATOR, true) + "; reconciler calls "
                    + convergence.executions() + ", failures " + convergence.failures() + "; CPU "
                    + convergence.cpu().top(7));
            note("round " + round + ", floor CPU " + floor.cpu().top(6) + "; floor with watch CPU "
                    + watchedFloor.cpu().top(6));
        }

        void deletion(int round, Phase deletion) {
            String[] row = roundRows.get(round - 1);
            row[12] = deletion.convergedNanos() < 0 ? "> " + deletionLimit.toSeconds() : fmt(deletion.seconds());
            row[13] = deletion.providerCountsSettled().writes(OPERATOR, Category.CONFIGMAP) + " / "
                    + deletion.providerCountsSettled().writes(OPERATOR);
        }

        void restart(Phase p) {
            row("4", "restart, nothing changed: operator writes at the providers",
                    Long.toString(p.providerCountsSettled().writes(OPERATOR)),
                    "target 0; " + p.providerCountsSettled().describe(OPERATOR, true));
            row("4", "  operator writes at the local server", Long.toString(p.localCountsSettled().writes(OPERATOR)),
                    p.localCountsSettled().describe(OPERATOR, true));
            row("", "  start -> SDK informer synced / all providers reachable / quiet",
                    secs(p.loopEndNanos() - p.startNanos()) + " / " + secs(p.convergedNanos() - p.startNanos()) + " / "
                            + secs(p.settledNanos() - p.startNanos()),
                    "quiet = last activity before " + quietMillis + " ms of none");
            row("", "  reconciler calls / failures", p.executions() + " / " + p.failures(),
                    (sourceCount + 1) + " labelled ConfigMaps, " + providers.size() + " providers");
            row("", "  operator reads at the providers", p.providerCountsSettled().reads(OPERATOR) + " GET, "
                    + p.providerCountsSettled().watches(OPERATOR) + " WATCH",
                    p.providerCountsSettled().describe(OPERATOR, false));
            row("", "  CPU until quiet", p.cpu().summary(), p.cpu().top(6));
        }

        void convergence(List<Phase> floors, List<Phase> watchedFloors, List<Phase> convergences) {
            List<Double> f = floors.stream().map(Phase::seconds).toList();
            List<Double> w = watchedFloors.stream().map(Phase::seconds).toList();
            List<Double> c = convergences.stream().map(Phase::seconds).toList();
            Phase last = convergences.getLast();
            row("2", "convergence of " + sourceCount + " sources to " + providers.size()
                    + " empty providers from operator start, median",
                    String.format(Locale.ROOT, "%.2f s", median(c)), range(c));
            row("2", "floor (plain client, same " + sourceCount * providers.size() + " creates, " + floorThreads
                    + " threads x " + providers.size() + " in parallel), median",
                    String.format(Locale.ROOT, "%.2f s", median(f)), range(f));
            row("2", "ratio convergence / floor (medians)", String.format(Locale.ROOT, "%.2fx", median(c) / median(f)),
                    "per round: " + perRound(convergences, floors));
            row("2", "floor with the operator's provider watches open, median",
                    String.format(Locale.ROOT, "%.2f s", median(w)), range(w) + "; ratio convergence / it "
                            + String.format(Locale.ROOT, "%.2fx", median(c) / median(w)));
            row("2", "operator writes at the providers per convergence (last round)",
                    Long.toString(last.providerCountsSettled().writes(OPERATOR)),
                    "expected " + sourceCount * providers.size() + " creates; "
                            + last.providerCountsSettled().describe(OPERATOR, true));
            row("", "  operator reads at the providers (last round)",
                    last.providerCountsSettled().reads(OPERATOR) + " GET",
                    last.providerCountsSettled().describe(OPERATOR, false));
            row("", "  operator start -> SDK informer synced (last round)",
                    secs(last.loopEndNanos() - last.startNanos()), "the providers' informers start in parallel");
            row("", "  copy writes one server handled at once, max: operator / floor",
                    last.maxInFlight() + " / " + floors.getLast().maxInFlight(),
                    "each server answers one request at a time; more in flight only queue");
            row("", "  reconciler calls until quiet (last round)", Long.toString(last.executions()), "");
            List<Double> cCpu = convergences.stream().map(p -> p.cpu().cpuNanos() / 1e6 / (sourceCount
                    * (double) providers.size())).toList();
            List<Double> fCpu = floors.stream().map(p -> p.cpu().cpuNanos() / 1e6 / (sourceCount
                    * (double) providers.size())).toList();
            List<Double> wCpu = watchedFloors.stream().map(p -> p.cpu().cpuNanos() / 1e6 / (sourceCount
                    * (double) providers.size())).toList();
            row("", "JVM CPU per copy, medians: convergence / floor / floor with watches",
                    String.format(Locale.ROOT, "%.3f / %.3f / %.3f ms", median(cCpu), median(fCpu), median(wCpu)), "");
            row("", "  convergence by thread (last round)", "", last.cpu().top(7));
            row("", "  floor by thread (last round)", "", floors.getLast().cpu().top(6));
        }

        private String perRound(List<Phase> convergences, List<Phase> floors) {
            List<String> ratios = new ArrayList<>();
            for (int i = 0; i < convergences.size(); i++) {
                ratios.add(String.format(Locale.ROOT, "%.2fx", convergences.get(i).seconds() / floors.get(i).seconds()));
            }
            return String.join(", ", ratios);
        }

        private String interference(Phase p) {
            return p.cpu().othersNanos() < 0 ? ""
                    : String.format(Locale.ROOT, "%.1f / %.1f", p.cpu().othersNanos() / 1e9, p.cpu().stealNanos() / 1e9);
        }

        private String perCopy(Phase p) {
            return String.format(Locale.ROOT, "%.3f", p.cpu().cpuNanos() / 1e6 / (sourceCount * (double) providers.size()));
        }
    }

    /** The in-memory servers log every request at INFO; held so that the level set on it stays. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger
            .getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }
}
