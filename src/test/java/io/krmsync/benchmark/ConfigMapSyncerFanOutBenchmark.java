package io.krmsync.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
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
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.javaoperatorsdk.operator.Operator;
import io.krmsync.benchmark.CountingDispatcher.Category;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.configmapsyncer.ConfigMapSyncerReconciler;
import io.krmsync.configmapsyncer.ConfigMapSyncerSpec;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.EventRecorder;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * ConfigMapSyncer fan-out benchmark: one syncer copying one source ConfigMap to many namespaces of fabric8's in-memory
 * API server (CRUD mode), the operator run by the operator SDK directly (no Quarkus) so that it can be restarted.
 * Prints a table of figures (and writes it to target/benchmark-reports/); asserts only that the copies converged with
 * the right content, never anything about time.
 * <p>
 * Run: {@code ./mvnw -Pbenchmark test}; the tag keeps it out of the normal test run. Options (system properties):
 * {@code benchmark.namespaces} (1000), {@code benchmark.keys} (5), {@code benchmark.pollMillis} (100),
 * {@code benchmark.quietMillis} (3000), {@code benchmark.floorThreads} (1), {@code benchmark.timeoutSeconds} (900),
 * {@code benchmark.https} (false), {@code benchmark.rounds} (7), {@code benchmark.jfr} (false: true records a
 * flight-recorder profile of each timed window). What the figures mean: docs/benchmarks.md.
 * <p>
 * Rounds run in one JVM on one API server ({@code benchmark.rounds}, default 7); each round: the floor (a plain client
 * makes the same creates, no operator running), the copies deleted, the floor again with a watch on all ConfigMaps open
 * (the one the operator's informer holds), the copies deleted, a fresh operator started, the syncer created and
 * converged, the syncer deleted (its finalizer removes the copies), the operator stopped. Round 1 runs in a cold JVM;
 * the headline figures are medians over the others, floor and convergence alternating so that drift (JIT warm-up, load
 * from other processes) hits both alike. The last round also changes one key of the source and restarts the operator.
 */
@Tag("benchmark")
class ConfigMapSyncerFanOutBenchmark {

    /** User-Agents: the API server tells every client of the run apart by it. */
    static final String OPERATOR = "krm-sync-operator";
    static final String DRIVER = "benchmark-driver";
    static final String FLOOR = "benchmark-floor";
    static final String WATCHER = "benchmark-watcher";

    private static final String CLUSTER = "local";
    private static final String SOURCE_NAMESPACE = "bench-source";
    private static final String SOURCE_NAME = "fanout-source";
    private static final String SYNCER_NAME = "fanout";
    private static final String TARGET_LABEL = "krm-sync-benchmark";
    private static final String CHANGED_KEY = "key-00";
    private static final String GENERATED_CRD = "target/kubernetes/configmapsyncers.config.example.com-v1.yml";
    /** Held so that the level set on it stays (loggers are weakly referenced). */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger
            .getLogger("io.fabric8.mockwebserver.MockWebServer");

    private final int namespaceCount = Integer.getInteger("benchmark.namespaces", 1000);
    private final int keyCount = Integer.getInteger("benchmark.keys", 5);
    private final long pollMillis = Long.getLong("benchmark.pollMillis", 100);
    private final long quietMillis = Long.getLong("benchmark.quietMillis", 3000);
    private final int floorThreads = Integer.getInteger("benchmark.floorThreads", 1);
    private final int rounds = Math.max(2, Integer.getInteger("benchmark.rounds", 7));
    private final Duration timeout = Duration.ofSeconds(Long.getLong("benchmark.timeoutSeconds", 900));
    private final boolean https = Boolean.getBoolean("benchmark.https");
    private final Path reportFile = Path.of(System.getProperty("benchmark.report",
            "target/benchmark-reports/configmapsyncer-fanout.txt"));

    private final List<String> targets = new ArrayList<>();
    private final CopyObserver observer = new CopyObserver();
    private final Report report = new Report();
    private KubernetesMockServer server;
    private CountingDispatcher dispatcher;
    private KubernetesClient driver;

    @Test
    void fanOutToManyNamespaces() throws Exception {
        RunningOperator operator = null;
        try {
            startServer();
            report.machine(driver);
            String crdOrigin = installCrd();
            Map<String, String> data = setUpNamespacesAndSource();
            driver.configMaps().inAnyNamespace().withLabel(TrackingMetadata.MANAGED_BY_LABEL, ConfigMapSyncer.RECONCILER)
                    .watch(observer);
            report.setup(crdOrigin);

            Map<String, String> changed = new TreeMap<>(data);
            changed.put(CHANGED_KEY, "changed-" + data.get(CHANGED_KEY));
            List<Phase> floors = new ArrayList<>();
            List<Phase> watchedFloors = new ArrayList<>();
            List<Phase> convergences = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                boolean last = round == rounds;
                // 5: the floor, with no operator running; then again with the watch the operator's informer holds.
                report.note("round " + round + ": watches open on the API server before the floor: "
                        + dispatcher.watchListeners());
                floors.add(floor("floor-" + round, data, false));
                deleteCopies();
                watchedFloors.add(floor("floor-watched-" + round, data, true));
                deleteCopies();

                // 0, 1, 2: a fresh operator; a new syncer converges; what it wrote.
                operator = startOperator();
                Phase convergence = converge("convergence-" + round, operator,
                        () -> driver.resource(syncer()).create(), data, 1);
                convergences.add(convergence);
                report.round(round, floors.getLast(), watchedFloors.getLast(), convergence, operator);

                if (last) {
                    report.convergence(convergence, operator);
                    // 3: one key of the source changes.
                    Phase keyChange = converge("key-change", operator, () -> driver.configMaps()
                            .inNamespace(SOURCE_NAMESPACE).withName(SOURCE_NAME).edit(cm -> new ConfigMapBuilder(cm)
                                    .addToData(CHANGED_KEY, changed.get(CHANGED_KEY)).build()),
                            changed, operator.tracker().executions() + 1);
                    report.keyChange(keyChange);

                    // 4: restart with nothing changed.
                    operator.stop();
                    operator = null;
                    Phase restart = restart();
                    operator = restart.operator();
                    report.restart(restart);
                    verifyAllCopies(changed);
                }

                // The syncer's deletion removes its copies (and makes room for the next round).
                Phase cleanup = deleteSyncer(operator);
                report.cleanup(round, cleanup);
                operator.stop();
                operator = null;
            }
            report.summary(floors, watchedFloors, convergences);
        } finally {
            if (operator != null) {
                operator.stop();
            }
            report.print(reportFile);
            if (driver != null) {
                driver.close();
            }
            if (server != null) {
                server.destroy();
            }
        }
    }

    // --- set-up -------------------------------------------------------------------------------------------------

    private void startServer() {
        // The mock server logs every request at INFO: on the console that costs more than the request itself.
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        dispatcher = new CountingDispatcher(responses);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, https);
        server.init();
        driver = client(DRIVER);
    }

    private KubernetesClient client(String userAgent) {
        return server.createClient(builder -> builder.editOrNewConfig().withUserAgent(userAgent).endConfig());
    }

    /** The CRD the build generates when present (it is what production installs), else one derived from the class. */
    private String installCrd() throws IOException {
        return BenchmarkCrds.install(driver, ConfigMapSyncer.class, Path.of(System.getProperty("benchmark.crd",
                GENERATED_CRD)));
    }

    private Map<String, String> setUpNamespacesAndSource() {
        driver.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SOURCE_NAMESPACE).endMetadata()
                .build()).create();
        for (int i = 1; i <= namespaceCount; i++) {
            String name = String.format(Locale.ROOT, "bench-%04d", i);
            driver.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                    .addToLabels(TARGET_LABEL, "fanout").endMetadata().build()).create();
            targets.add(name);
        }
        Map<String, String> data = new TreeMap<>();
        for (int i = 0; i < keyCount; i++) {
            data.put(String.format(Locale.ROOT, "key-%02d", i),
                    String.format(Locale.ROOT, "value-%02d-", i) + "x".repeat(48));
        }
        driver.configMaps().inNamespace(SOURCE_NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(SOURCE_NAME).addToLabels("app", "benchmark").endMetadata().withData(data).build()).create();
        return data;
    }

    private ConfigMapSyncer syncer() {
        ConfigMapSyncerSpec spec = new ConfigMapSyncerSpec();
        spec.setSourceNamespace(SOURCE_NAMESPACE);
        spec.setSourceConfigMap(SOURCE_NAME);
        spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels(TARGET_LABEL, "fanout").build());
        ConfigMapSyncer syncer = new ConfigMapSyncer();
        syncer.setMetadata(new ObjectMetaBuilder().withName(SYNCER_NAME).withNamespace(SOURCE_NAMESPACE).build());
        syncer.setSpec(spec);
        return syncer;
    }

    // --- the operator -------------------------------------------------------------------------------------------

    record RunningOperator(Operator operator, ReconcileTracker tracker, int reconciliationThreads, long startNanos,
            long startedNanos) {

        void stop() {
            operator.stop();
        }
    }

    /**
     * The operator as the Quarkus extension builds it, minus Quarkus: its own client, server-side apply off (as
     * {@code quarkus.operator-sdk.enable-ssa=false}), every other setting the SDK default, including the number of
     * concurrent reconciliation threads (the extension leaves it unset).
     */
    private RunningOperator startOperator() {
        KubernetesClient client = client(OPERATOR);
        ReconcileTracker tracker = new ReconcileTracker();
        Operator operator = new Operator(overrider -> overrider.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withMetrics(tracker));
        SyncMetrics metrics = new SyncMetrics(new SimpleMeterRegistry());
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        operator.register(new ConfigMapSyncerReconciler(new CopyEngine(serialization, metrics), new EventRecorder(client),
                metrics, serialization, () -> CLUSTER));
        long start = System.nanoTime();
        operator.start(); // returns once the informers have synced
        return new RunningOperator(operator, tracker,
                operator.getConfigurationService().concurrentReconciliationThreads(), start, System.nanoTime());
    }

    /** What one phase did: times (System.nanoTime) and the requests the server saw. */
    record Phase(long startNanos, long convergedNanos, long settledNanos, long firstCopyWrite, long lastCopyWrite,
            long copyWriteServerNanos, int maxCopyWritesInFlight, RequestCounts untilConverged, RequestCounts untilSettled,
            long executions, long reconcileFailures, Cpu resources, int polls, RunningOperator operator,
            long loopEndNanos, String agent) {

        double convergenceSeconds() {
            return (convergedNanos - startNanos) / 1e9;
        }
    }

    /** Applies {@code change}, waits for every copy to hold {@code expected}, then for the operator to go quiet. */
    private Phase converge(String label, RunningOperator operator, Runnable change, Map<String, String> expected,
            long minExecutions) throws Exception {
        RequestCounts before = dispatcher.snapshot();
        dispatcher.startWindow(OPERATOR);
        long executionsBefore = operator.tracker().executions();
        long failuresBefore = operator.tracker().failures();
        Cpu resourcesBefore = Cpu.now();
        Recording recording = startRecording();
        long start = System.nanoTime();
        change.run();
        int[] polls = new int[1];
        long converged = awaitCopies(start, polls, () -> observer.allSeenAt(targets, expected),
                () -> serverHasAllCopies(expected));
        stopRecording(recording, label);
        RequestCounts untilConverged = dispatcher.snapshot().minus(before);
        Cpu resources = Cpu.now().minus(resourcesBefore, converged - start, dispatcher::serverThread);
        long settled = awaitQuiet(operator.tracker(), converged, minExecutions);
        return new Phase(start, converged, settled, dispatcher.firstCopyWriteNanos(OPERATOR),
                dispatcher.lastCopyWriteNanos(OPERATOR), dispatcher.copyWriteServerNanos(OPERATOR),
                dispatcher.maxCopyWritesInFlight(OPERATOR), untilConverged, dispatcher.snapshot().minus(before),
                operator.tracker().executions() - executionsBefore, operator.tracker().failures() - failuresBefore,
                resources, polls[0], operator, 0, OPERATOR);
    }

    /** Deletes the syncer and waits until its finalizer has removed every copy and the syncer is gone. */
    private Phase deleteSyncer(RunningOperator operator) throws Exception {
        RequestCounts before = dispatcher.snapshot();
        dispatcher.startWindow(OPERATOR);
        long executionsBefore = operator.tracker().executions();
        long start = System.nanoTime();
        driver.resources(ConfigMapSyncer.class).inNamespace(SOURCE_NAMESPACE).withName(SYNCER_NAME).delete();
        int[] polls = new int[1];
        long gone = awaitCopies(start, polls, () -> observer.noneSeenAt(targets), () -> driver.resources(
                ConfigMapSyncer.class).inNamespace(SOURCE_NAMESPACE).withName(SYNCER_NAME).get() == null);
        long settled = awaitQuiet(operator.tracker(), gone, executionsBefore + 1);
        RequestCounts window = dispatcher.snapshot().minus(before);
        return new Phase(start, gone, settled, dispatcher.firstCopyWriteNanos(OPERATOR),
                dispatcher.lastCopyWriteNanos(OPERATOR), dispatcher.copyWriteServerNanos(OPERATOR),
                dispatcher.maxCopyWritesInFlight(OPERATOR), window, window,
                operator.tracker().executions() - executionsBefore, 0, null, polls[0], operator, 0, OPERATOR);
    }

    /** A fresh operator (new client, new informers) against the same server, nothing changed since the last one. */
    private Phase restart() throws InterruptedException {
        RequestCounts before = dispatcher.snapshot();
        dispatcher.startWindow(OPERATOR);
        RunningOperator operator = startOperator();
        long settled = awaitQuiet(operator.tracker(), operator.startedNanos(), 1);
        RequestCounts window = dispatcher.snapshot().minus(before);
        return new Phase(operator.startNanos(), operator.startedNanos(), settled, -1, -1, 0, 0, window, window,
                operator.tracker().executions(), operator.tracker().failures(), null, 0, operator, 0, OPERATOR);
    }

    /**
     * Waits until nothing happened for the quiet period: no write by the operator, no event, submission or run of a
     * reconciliation, none running, and at least {@code minExecutions} reconciler calls in all.
     *
     * @return when the operator last did something
     */
    private long awaitQuiet(ReconcileTracker tracker, long from, long minExecutions) throws InterruptedException {
        return tracker.awaitQuiet(from, minExecutions, () -> dispatcher.lastWriteNanos(OPERATOR),
                Duration.ofMillis(quietMillis), timeout);
    }

    // --- observing the copies -----------------------------------------------------------------------------------

    /**
     * The benchmark's own view of the copies: a watch (its own client and connection) on everything carrying krm-sync's
     * managed-by label, recording when each copy was last seen and with which data. A watch costs the API server one
     * event per write; polling each copy with a GET would cost a full request per copy, as much as the write being
     * measured (the mock server scans its whole store for every request), and its lag would vary from run to run.
     */
    private static final class CopyObserver implements Watcher<ConfigMap> {

        record Seen(Map<String, String> data, long nanos) {
        }

        private final Map<String, Seen> seen = new ConcurrentHashMap<>();
        private final AtomicLong lastDeletion = new AtomicLong();
        private volatile WatcherException closed;

        @Override
        public void eventReceived(Action action, ConfigMap copy) {
            long now = System.nanoTime();
            String namespace = copy.getMetadata().getNamespace();
            if (action == Action.DELETED) {
                seen.remove(namespace);
                lastDeletion.accumulateAndGet(now, Math::max);
            } else {
                seen.put(namespace, new Seen(copy.getData() == null ? Map.of() : copy.getData(), now));
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            closed = cause;
        }

        /** When the last of {@code namespaces} got {@code expected}, or -1 while some have not. */
        long allSeenAt(List<String> namespaces, Map<String, String> expected) {
            long last = 0;
            for (String namespace : namespaces) {
                Seen copy = seen.get(namespace);
                if (copy == null || !expected.equals(copy.data())) {
                    return -1;
                }
                last = Math.max(last, copy.nanos());
            }
            return last;
        }

        /** When the last copy in {@code namespaces} was seen deleted, or -1 while some are there. */
        long noneSeenAt(List<String> namespaces) {
            return namespaces.stream().anyMatch(seen::containsKey) ? -1 : lastDeletion.get();
        }

        long seenCount(List<String> namespaces) {
            return namespaces.stream().filter(seen::containsKey).count();
        }
    }

    /**
     * Every {@code pollMillis}, asks {@code seenAt} (the observer); once it reports a time, confirms with the API
     * server ({@code confirmed}, one request).
     *
     * @return System.nanoTime when the watch delivered the last event needed
     */
    private long awaitCopies(long start, int[] polls, java.util.function.LongSupplier seenAt,
            java.util.function.BooleanSupplier confirmed) throws InterruptedException {
        long deadline = start + timeout.toNanos();
        while (true) {
            polls[0]++;
            if (observer.closed != null) {
                throw new AssertionError("the benchmark's watch closed", observer.closed);
            }
            long at = seenAt.getAsLong();
            if (at > 0 && confirmed.getAsBoolean()) {
                return at;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the copies did not converge within " + timeout + "; the watch has seen "
                        + observer.seenCount(targets) + " of " + targets.size());
            }
            Thread.sleep(pollMillis);
        }
    }

    private boolean serverHasAllCopies(Map<String, String> expected) {
        Map<String, Map<String, String>> copies = listCopies().stream()
                .collect(Collectors.toMap(cm -> cm.getMetadata().getNamespace(),
                        cm -> cm.getData() == null ? Map.<String, String> of() : cm.getData()));
        return targets.stream().allMatch(namespace -> expected.equals(copies.get(namespace)));
    }

    private List<ConfigMap> listCopies() {
        return driver.configMaps().inAnyNamespace()
                .withLabel(TrackingMetadata.MANAGED_BY_LABEL, ConfigMapSyncer.RECONCILER).list().getItems();
    }

    private void verifyAllCopies(Map<String, String> expected) {
        Map<String, ConfigMap> copies = listCopies().stream()
                .collect(Collectors.toMap(cm -> cm.getMetadata().getNamespace(), cm -> cm));
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(targets);
        copies.values().forEach(copy -> assertThat(copy.getData()).as(copy.getMetadata().getNamespace())
                .isEqualTo(expected));
    }

    private void deleteCopies() throws InterruptedException {
        driver.configMaps().inAnyNamespace().withLabel(TrackingMetadata.MANAGED_BY_LABEL, ConfigMapSyncer.RECONCILER)
                .delete();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!listCopies().isEmpty() || observer.seenCount(targets) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("copies not deleted");
            }
            Thread.sleep(100);
        }
    }

    // --- the floor ----------------------------------------------------------------------------------------------

    /**
     * The same creates the operator makes (identical bodies, built by the same sanitiser), by a plain client, at the
     * operator's concurrency for one syncer (one write at a time: a syncer's copies are written by one reconciliation,
     * in a loop), observed the same way.
     */
    private Phase floor(String label, Map<String, String> expected, boolean withWatch) throws Exception {
        ConfigMap source = driver.configMaps().inNamespace(SOURCE_NAMESPACE).withName(SOURCE_NAME).get();
        KubernetesSerialization serialization = driver.getKubernetesSerialization();
        ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);
        SourceRef sourceRef = new SourceRef(CLUSTER, SOURCE_NAMESPACE, SOURCE_NAME);
        CopyOwner owner = CopyOwner.of(ConfigMapSyncer.RECONCILER, SOURCE_NAMESPACE, SYNCER_NAME);
        List<ConfigMap> bodies = targets.stream()
                .map(ns -> serialization.convertValue(sanitizer.desiredCopy(source, ns, sourceRef, owner), ConfigMap.class))
                .toList();

        RequestCounts before = dispatcher.snapshot();
        dispatcher.startWindow(FLOOR);
        AtomicLong threadNumber = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(floorThreads,
                task -> new Thread(task, "benchmark-floor-" + threadNumber.incrementAndGet()));
        try (KubernetesClient floor = client(FLOOR); KubernetesClient watcher = client(WATCHER)) {
            floor.namespaces().withName(SOURCE_NAMESPACE).get(); // opens the connection, as the operator's is open
            if (withWatch) {
                // The watch the operator's ConfigMap informer holds: all ConfigMaps of all namespaces.
                long watchesBefore = dispatcher.snapshot().watches(WATCHER);
                watcher.configMaps().inAnyNamespace().watch(new Watcher<ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
                while (dispatcher.snapshot().watches(WATCHER) == watchesBefore) {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
            }
            Cpu resourcesBefore = Cpu.now();
            AtomicLong loopEnd = new AtomicLong();
            Recording recording = startRecording();
            long start = System.nanoTime();
            List<Future<?>> creates = new ArrayList<>();
            for (ConfigMap body : bodies) {
                creates.add(pool.submit(() -> {
                    floor.configMaps().inNamespace(body.getMetadata().getNamespace()).resource(body).create();
                    loopEnd.accumulateAndGet(System.nanoTime(), Math::max);
                }));
            }
            int[] polls = new int[1];
            long converged = awaitCopies(start, polls, () -> observer.allSeenAt(targets, expected),
                    () -> serverHasAllCopies(expected));
            stopRecording(recording, label);
            for (Future<?> create : creates) {
                create.get();
            }
            Cpu resources = Cpu.now().minus(resourcesBefore, converged - start, dispatcher::serverThread);
            RequestCounts window = dispatcher.snapshot().minus(before);
            return new Phase(start, converged, converged, dispatcher.firstCopyWriteNanos(FLOOR),
                    dispatcher.lastCopyWriteNanos(FLOOR), dispatcher.copyWriteServerNanos(FLOOR),
                    dispatcher.maxCopyWritesInFlight(FLOOR), window, window, 0, 0, resources, polls[0], null,
                    loopEnd.get(), FLOOR);
        } finally {
            pool.shutdownNow();
        }
    }

    /** With -Dbenchmark.jfr=true, a Java Flight Recorder profile of each timed window, for finding where time goes. */
    private static Recording startRecording() throws IOException, java.text.ParseException {
        return Measurements.startRecording(Boolean.getBoolean("benchmark.jfr"));
    }

    private void stopRecording(Recording recording, String label) throws IOException {
        Path file = Measurements.stopRecording(recording, reportFile.toAbsolutePath().getParent().resolve(label + ".jfr"));
        if (file != null) {
            report.note("JFR profile of " + label + ": " + file);
        }
    }

    // --- machine ------------------------------------------------------------------------------------------------

    // --- the report ---------------------------------------------------------------------------------------------

    /** Collects the figures as the run goes, and prints whatever it has, even when a phase failed. */
    private final class Report extends FigureReport {

        Report() {
            super("ConfigMapSyncer fan-out benchmark");
            roundsTable("rounds (floor and convergence alternate; ms/write: first->last copy write / in the server; "
                    + "CPU/copy: CPU time of this whole JVM per copy, in ms; others/steal: CPU seconds used by other "
                    + "processes on the machine / stolen by the hypervisor meanwhile):",
                    "round", "floor", "ms/write", "CPU/copy", "others/steal", "floor+watch", "ms/write", "operator start",
                    "convergence", "ms/write", "CPU/copy", "others/steal", "ratio", "copy/all writes", "syncer deletion",
                    "copy/all writes");
        }

        void setup(String crdOrigin) {
            head.add(String.format(Locale.ROOT,
                    "run: %d target namespaces (namespaceSelector), source ConfigMap with %d keys, %d rounds (round 1 "
                            + "in a cold JVM); API server: fabric8 kubernetes-server-mock CRUD, in this JVM, over %s; "
                            + "copies observed by a watch, checked every %d ms, confirmed by a list; quiet period %d ms; "
                            + "floor threads %d",
                    namespaceCount, keyCount, rounds, https ? "https" : "http", pollMillis, quietMillis, floorThreads));
            head.add("CRD: " + crdOrigin);
        }

        void round(int round, Phase floor, Phase watchedFloor, Phase convergence, RunningOperator operator) {
            if (round == 1) {
                head.add("operator: " + operator.reconciliationThreads()
                        + " concurrent reconciliation threads (SDK default; the Quarkus extension leaves it unset), SSA"
                        + " off; one syncer = one reconciliation at a time, which writes its copies one after another");
            }
            roundRows.add(new String[] { round == 1 ? "1 (cold JVM)" : Integer.toString(round),
                    secs(floor.startNanos(), floor.convergedNanos()), msPerWrite(floor), cpuPerCopy(floor),
                    interference(floor),
                    secs(watchedFloor.startNanos(), watchedFloor.convergedNanos()), msPerWrite(watchedFloor),
                    secs(operator.startNanos(), operator.startedNanos()),
                    secs(convergence.startNanos(), convergence.convergedNanos()), msPerWrite(convergence),
                    cpuPerCopy(convergence), interference(convergence),
                    ratio(convergence.convergenceSeconds(), floor.convergenceSeconds()),
                    convergence.untilSettled().writes(OPERATOR, Category.COPY) + " / "
                            + convergence.untilSettled().writes(OPERATOR),
                    "", "" });
        }

        void cleanup(int round, Phase cleanup) {
            String[] row = roundRows.get(round - 1);
            row[14] = secs(cleanup.startNanos(), cleanup.convergedNanos());
            row[15] = cleanup.untilSettled().writes(OPERATOR, Category.COPY) + " / " + cleanup.untilSettled().writes(OPERATOR);
            note("round " + round + ", syncer deletion, operator writes: " + cleanup.untilSettled().describe(OPERATOR, true));
        }

        void convergence(Phase p, RunningOperator operator) {
            row("0", "operator start, last round (start() until informers synced)",
                    secs(operator.startNanos(), operator.startedNanos()), "");
            row("1", "time to converge, last round: syncer created -> all copies with source content",
                    secs(p.startNanos(), p.convergedNanos()), "as seen by the benchmark's watch, confirmed by a list");
            copyTiming(p);
            row("", "  CPU of this JVM during convergence", cpu(p.resources()), "");
            threadRow(p.resources());
            writes("2", p, namespaceCount);
        }

        void keyChange(Phase p) {
            row("3", "one key changed: time until all copies hold it", secs(p.startNanos(), p.convergedNanos()), "");
            copyTiming(p);
            row("", "  CPU of this JVM until all copies hold it", cpu(p.resources()), "");
            threadRow(p.resources());
            writes("3", p, namespaceCount);
        }

        void restart(Phase p) {
            row("4", "restart, nothing changed: operator start (informers synced)", secs(p.startNanos(), p.convergedNanos()), "");
            row("4", "restart: operator writes until quiet", Long.toString(p.untilSettled().writes(OPERATOR)),
                    "target 0; " + p.untilSettled().describe(OPERATOR, true));
            row("", "  reconciler calls / failures after restart", p.executions() + " / " + p.reconcileFailures(),
                    "quiet " + quietMillis + " ms after " + secs(p.convergedNanos(), p.settledNanos()));
            row("", "  operator reads: GET / WATCH", p.untilSettled().reads(OPERATOR) + " / " + p.untilSettled().watches(OPERATOR),
                    "initial lists and watches of its 4 informers");
        }

        void summary(List<Phase> floors, List<Phase> watchedFloors, List<Phase> convergences) {
            Phase lastFloor = floors.getLast();
            row("5", "floor, last round: plain client, same " + namespaceCount + " creates, " + floorThreads + " thread(s)",
                    secs(lastFloor.startNanos(), lastFloor.convergedNanos()), "observed the same way");
            row("", "  floor loop (first create sent -> last create answered)",
                    secs(lastFloor.startNanos(), lastFloor.loopEndNanos()), "");
            copyTiming(lastFloor);
            row("", "  CPU of this JVM during the floor", cpu(lastFloor.resources()), "");
            threadRow(lastFloor.resources());

            List<Double> warmFloors = floors.subList(1, floors.size()).stream().map(Phase::convergenceSeconds).toList();
            List<Double> warmConvergences = convergences.subList(1, convergences.size()).stream()
                    .map(Phase::convergenceSeconds).toList();
            List<Double> ratios = new ArrayList<>();
            for (int i = 1; i < convergences.size(); i++) {
                ratios.add(convergences.get(i).convergenceSeconds() / floors.get(i).convergenceSeconds());
            }
            String scope = "rounds 2-" + rounds + " (warm JVM)";
            row("1", "time to converge, median of " + scope, String.format(Locale.ROOT, "%.3f s", median(warmConvergences)),
                    range(warmConvergences, " s"));
            row("5", "floor, median of " + scope, String.format(Locale.ROOT, "%.3f s", median(warmFloors)),
                    range(warmFloors, " s"));
            row("5", "ratio convergence / floor: median convergence / median floor",
                    ratio(median(warmConvergences), median(warmFloors)), "target <= 1.5x");
            row("", "  ratio per round, " + scope, String.format(Locale.ROOT, "median %.2fx", median(ratios)),
                    range(ratios, "x"));
            row("", "  ratio in round 1 (cold JVM)", ratio(convergences.getFirst().convergenceSeconds(),
                    floors.getFirst().convergenceSeconds()), "");
            List<Double> floorCpu = floors.subList(1, floors.size()).stream().map(this::cpuMsPerCopy).toList();
            List<Double> convergenceCpu = convergences.subList(1, convergences.size()).stream().map(this::cpuMsPerCopy)
                    .toList();
            row("", "CPU of this JVM per copy, medians of " + scope + ": convergence / floor",
                    String.format(Locale.ROOT, "%.2f / %.2f ms", median(convergenceCpu), median(floorCpu)),
                    "ratio " + ratio(median(convergenceCpu), median(floorCpu))
                            + "; less sensitive to other processes than wall time");
            row("", "  by thread, convergence (ms per copy, medians)", "",
                    cpuByThreadMedians(convergences.subList(1, convergences.size())));
            row("", "  by thread, floor (ms per copy, medians)", "", cpuByThreadMedians(floors.subList(1, floors.size())));
            List<Double> warmWatched = watchedFloors.subList(1, watchedFloors.size()).stream()
                    .map(Phase::convergenceSeconds).toList();
            row("", "floor with the informer's watch open, median of " + scope,
                    String.format(Locale.ROOT, "%.3f s", median(warmWatched)), range(warmWatched, " s"));
            row("", "  ratio convergence / floor with the watch (medians)",
                    ratio(median(warmConvergences), median(warmWatched)), "what the operator adds beyond its watch");
            Phase lastWatched = watchedFloors.getLast();
            row("", "  CPU of this JVM during the watched floor, last round", cpu(lastWatched.resources()), "");
            threadRow(lastWatched.resources());
            String copyWrites = convergences.stream().map(c -> Long.toString(c.untilSettled().writes(OPERATOR, Category.COPY)))
                    .distinct().collect(Collectors.joining(", "));
            String totalWrites = convergences.stream().map(c -> Long.toString(c.untilSettled().writes(OPERATOR)))
                    .distinct().collect(Collectors.joining(", "));
            row("2", "operator copy writes / total writes per convergence, all rounds", copyWrites + " / " + totalWrites, "");
        }

        private String cpuByThreadMedians(List<Phase> phases) {
            Map<String, List<Double>> byGroup = new TreeMap<>();
            for (Phase phase : phases) {
                phase.resources().byGroup().forEach((group, nanos) -> byGroup
                        .computeIfAbsent(group, g -> new ArrayList<>()).add(nanos / 1e6 / namespaceCount));
            }
            return byGroup.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), median(padded(e.getValue(), phases.size()))))
                    .filter(e -> e.getValue() >= 0.005)
                    .sorted(Map.Entry.<String, Double> comparingByValue().reversed())
                    .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                    .collect(Collectors.joining("; "));
        }

        /** A thread group absent from a phase used no CPU in it. */
        private List<Double> padded(List<Double> values, int size) {
            List<Double> result = new ArrayList<>(values);
            while (result.size() < size) {
                result.add(0.0);
            }
            return result;
        }

        private double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        private String range(List<Double> values, String unit) {
            return String.format(Locale.ROOT, "min %.2f%s, max %.2f%s", values.stream().mapToDouble(d -> d).min().orElse(0),
                    unit, values.stream().mapToDouble(d -> d).max().orElse(0), unit);
        }

        private void copyTiming(Phase p) {
            long writes = p.untilConverged().writes(p.agent(), Category.COPY);
            if (p.firstCopyWrite() < 0 || writes == 0) {
                return;
            }
            row("", "  start -> first copy write received by the server", secs(p.startNanos(), p.firstCopyWrite()), "");
            row("", "  first -> last copy write answered", secs(p.firstCopyWrite(), p.lastCopyWrite()), perWrite(p));
            row("", "  last copy write -> benchmark saw all copies", secs(p.lastCopyWrite(), p.convergedNanos()), "");
        }

        private String interference(Phase p) {
            Cpu r = p.resources();
            return r == null || r.othersNanos() < 0 ? ""
                    : String.format(Locale.ROOT, "%.2f / %.2f", r.othersNanos() / 1e9, r.stealNanos() / 1e9);
        }

        private String cpuPerCopy(Phase p) {
            return p.resources() == null ? "" : String.format(Locale.ROOT, "%.2f", cpuMsPerCopy(p));
        }

        private double cpuMsPerCopy(Phase p) {
            return p.resources().cpuNanos() / 1e6 / namespaceCount;
        }

        private String msPerWrite(Phase p) {
            long writes = p.untilConverged().writes(p.agent(), Category.COPY);
            if (p.firstCopyWrite() < 0 || writes == 0) {
                return "";
            }
            return String.format(Locale.ROOT, "%.2f / %.2f", (p.lastCopyWrite() - p.firstCopyWrite()) / 1e6 / writes,
                    p.copyWriteServerNanos() / 1e6 / writes);
        }

        private String perWrite(Phase p) {
            long writes = p.untilConverged().writes(p.agent(), Category.COPY);
            if (p.firstCopyWrite() < 0 || writes == 0) {
                return "";
            }
            return String.format(Locale.ROOT, "%.2f ms per copy write (%.2f ms of it in the server), max %d in flight",
                    (p.lastCopyWrite() - p.firstCopyWrite()) / 1e6 / writes, p.copyWriteServerNanos() / 1e6 / writes,
                    p.maxCopyWritesInFlight());
        }

        private void writes(String number, Phase p, int expectedCopyWrites) {
            RequestCounts converged = p.untilConverged();
            RequestCounts settled = p.untilSettled();
            row(number, "operator copy writes until converged / until quiet",
                    converged.writes(OPERATOR, Category.COPY) + " / " + settled.writes(OPERATOR, Category.COPY),
                    "expected " + expectedCopyWrites);
            row(number, "operator writes in total until converged / until quiet",
                    converged.writes(OPERATOR) + " / " + settled.writes(OPERATOR), settled.describe(OPERATOR, true));
            row("", "  status / syncer (finalizer) / event writes until quiet",
                    settled.writes(OPERATOR, Category.STATUS) + " / " + settled.writes(OPERATOR, Category.SYNCER) + " / "
                            + settled.writes(OPERATOR, Category.EVENT), "");
            row("", "  failed operator writes (non-2xx)", Long.toString(settled.failedWrites(OPERATOR)), "");
            row("", "  operator reads: GET / WATCH until quiet", settled.reads(OPERATOR) + " / " + settled.watches(OPERATOR), "");
            row("", "  reconciler calls / failures until quiet", p.executions() + " / " + p.reconcileFailures(),
                    "quiet " + quietMillis + " ms after " + secs(p.convergedNanos(), p.settledNanos()) + " past convergence");
        }

        private void threadRow(Cpu r) {
            if (r != null) {
                row("", "  CPU by thread", "", r.top(6));
            }
        }

        private String secs(long from, long to) {
            return String.format(Locale.ROOT, "%.3f s", (to - from) / 1e9);
        }

        private String ratio(double numerator, double denominator) {
            return String.format(Locale.ROOT, "%.2fx", numerator / denominator);
        }

        private String cpu(Cpu r) {
            if (r == null) {
                return "";
            }
            return String.format(Locale.ROOT, "%.1f s CPU, %.0f%% of all cores; GC %d ms in %d pauses",
                    r.cpuNanos() / 1e9, r.utilisation() * 100, r.gcMillis(), r.gcCount());
        }
    }
}
