package io.krmsync.benchmark;

import static io.krmsync.benchmark.Measurements.median;
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
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

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
import io.krmsync.benchmark.CountingDispatcher.Category;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.configmapsyncer.ConfigMapSyncerReconciler;
import io.krmsync.configmapsyncer.ConfigMapSyncerSpec;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.TrackingMetadata;

/**
 * ConfigMapSyncer fan-out benchmark: one syncer copying one source ConfigMap to many namespaces of fabric8's in-memory
 * API server (CRUD mode), the operator run by the operator SDK directly (no Quarkus, {@link RunningOperator}) so that
 * it can be restarted. Prints a table of figures (and writes it to target/benchmark-reports/); asserts only that the
 * copies converged with the right content, never anything about time.
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
 * converged, the syncer deleted (its finalizer removes the copies), the operator stopped; and, before that in even
 * rounds and after it in odd ones, the same with a syncer that names a ServiceAccount ({@code spec.serviceAccountName}:
 * a SubjectAccessReview of its source, every copy written impersonating it). Round 1 runs in a cold JVM; the headline
 * figures are medians over the others, floor and convergence alternating so that drift (JIT warm-up, load from other
 * processes) hits both alike. The last round also changes one key of the source and restarts the operator.
 */
@Tag("benchmark")
class ConfigMapSyncerFanOutBenchmark {

    /** User-Agents: the API server tells every client of the run apart by it. */
    static final String OPERATOR = "krm-sync-operator";
    static final String DRIVER = "benchmark-driver";
    static final String FLOOR = "benchmark-floor";
    static final String WATCHER = "benchmark-watcher";

    /** The one API server, as the phases count its requests. */
    private static final String SERVER = "server";
    /** The phases of every round. */
    private static final String FLOORS = "floor";
    private static final String WATCHED_FLOORS = "floor with the watch";
    private static final String CONVERGENCES = "convergence";
    private static final String IMPERSONATED_CONVERGENCES = "convergence as a ServiceAccount";

    private static final String CLUSTER = "local";
    private static final String SOURCE_NAMESPACE = "bench-source";
    private static final String SOURCE_NAME = "fanout-source";
    private static final String SYNCER_NAME = "fanout";
    private static final String SERVICE_ACCOUNT = "fanout-writer";
    private static final String TARGET_LABEL = "krm-sync-benchmark";
    private static final String CHANGED_KEY = "key-00";
    private static final String GENERATED_CRD = "target/kubernetes/configmapsyncers.config.example.com-v1.yml";

    // The servers come first: the harness counts their requests.
    private KubernetesMockServer server;
    private CountingDispatcher dispatcher;
    private final Report report = new Report();
    private final BenchmarkHarness harness = new BenchmarkHarness("benchmark.", report,
            "target/benchmark-reports/configmapsyncer-fanout.txt", 900, "")
            .counting(SERVER, () -> dispatcher.snapshot())
            .operatorWrites(() -> dispatcher.lastWriteNanos(OPERATOR))
            .serverThreads(id -> dispatcher.serverThread(id));
    private final int namespaceCount = harness.integer("namespaces", 1000);
    private final int keyCount = harness.integer("keys", 5);
    private final long pollMillis = harness.number("pollMillis", 100);
    private final int floorThreads = harness.integer("floorThreads", 1);
    private final int rounds = Math.max(2, harness.integer("rounds", 7));
    private final boolean https = harness.flag("https");

    private final List<String> targets = new ArrayList<>();
    private final SeenCopies<Map<String, String>> seen = new SeenCopies<>("the benchmark's watch");
    private final Rounds phases = new Rounds();
    private KubernetesClient driver;
    private RunningOperator<ReconcileTracker> operator;

    @Test
    void fanOutToManyNamespaces() throws Exception {
        try {
            startServer();
            report.machine(driver);
            String crdOrigin = installCrd();
            Map<String, String> data = setUpNamespacesAndSource();
            driver.configMaps().inAnyNamespace().withLabel(TrackingMetadata.MANAGED_BY_LABEL, ConfigMapSyncerReconciler.NAME)
                    .watch(new CopyWatcher());
            report.setup(crdOrigin);

            Map<String, String> changed = new TreeMap<>(data);
            changed.put(CHANGED_KEY, "changed-" + data.get(CHANGED_KEY));
            for (int round = 1; round <= rounds; round++) {
                round(round, data, changed);
            }
            report.summary();
        } finally {
            stopOperator();
            harness.printReport();
            if (driver != null) {
                driver.close();
            }
            if (server != null) {
                server.destroy();
            }
        }
    }

    /**
     * The floor, with and without the informer's watch; a fresh operator, a new syncer converging; in the last round
     * one key changed and a restart; the syncer deleted (which makes room for the next round).
     */
    private void round(int round, Map<String, String> data, Map<String, String> changed) throws Exception {
        // 5: the floor, with no operator running; then again with the watch the operator's informer holds.
        report.note("round " + round + ": watches open on the API server before the floor: "
                + dispatcher.watchListeners());
        phases.add(FLOORS, floor("floor-" + round, data, false));
        deleteCopies();
        phases.add(WATCHED_FLOORS, floor("floor-watched-" + round, data, true));
        deleteCopies();
        boolean impersonatingFirst = round % 2 == 0;
        if (impersonatingFirst) {
            convergeAsServiceAccount(round, data);
        }

        // 0, 1, 2: a fresh operator; a new syncer converges; what it wrote.
        startOperator();
        Phase convergence = converge("convergence-" + round, () -> driver.resource(syncer(null)).create(), data, 1);
        phases.add(CONVERGENCES, convergence);
        report.round(round, convergence);

        if (round == rounds) {
            report.convergence(convergence);
            // 3: one key of the source changes.
            report.keyChange(converge("key-change", () -> driver.configMaps().inNamespace(SOURCE_NAMESPACE)
                    .withName(SOURCE_NAME).edit(cm -> new ConfigMapBuilder(cm)
                            .addToData(CHANGED_KEY, changed.get(CHANGED_KEY)).build()),
                    changed, operator.probe().executions() + 1));

            // 4: restart with nothing changed.
            stopOperator();
            report.restart(restart());
            verifyAllCopies(changed);
        }

        // The syncer's deletion removes its copies (and makes room for the next round).
        report.cleanup(round, deleteSyncer());
        stopOperator();
        if (!impersonatingFirst) {
            // The last round changed a key of the source meanwhile.
            convergeAsServiceAccount(round, round == rounds ? changed : data);
        }
        report.impersonated(round);
    }

    /** 6: a fresh operator; a new syncer acting as a ServiceAccount converges; it is deleted, with its copies. */
    private void convergeAsServiceAccount(int round, Map<String, String> data) throws Exception {
        startOperator();
        phases.add(IMPERSONATED_CONVERGENCES, converge("convergence-as-service-account-" + round,
                () -> driver.resource(syncer(SERVICE_ACCOUNT)).create(), data, 1));
        deleteSyncer();
        stopOperator();
    }

    // --- set-up -------------------------------------------------------------------------------------------------

    private void startServer() {
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
        return BenchmarkCrds.install(driver, ConfigMapSyncer.class, Path.of(harness.text("crd", GENERATED_CRD)));
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
        Map<String, String> data = BenchmarkHarness.sourceData(keyCount);
        driver.configMaps().inNamespace(SOURCE_NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(SOURCE_NAME).addToLabels("app", "benchmark").endMetadata().withData(data).build()).create();
        return data;
    }

    /** @param serviceAccountName null for a syncer acting with the operator's own authority */
    private ConfigMapSyncer syncer(String serviceAccountName) {
        ConfigMapSyncerSpec spec = new ConfigMapSyncerSpec();
        spec.setServiceAccountName(serviceAccountName);
        spec.setSourceNamespace(SOURCE_NAMESPACE);
        spec.setSourceConfigMap(SOURCE_NAME);
        spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels(TARGET_LABEL, "fanout").build());
        ConfigMapSyncer syncer = new ConfigMapSyncer();
        syncer.setMetadata(new ObjectMetaBuilder().withName(SYNCER_NAME).withNamespace(SOURCE_NAMESPACE).build());
        syncer.setSpec(spec);
        return syncer;
    }

    // --- the operator -------------------------------------------------------------------------------------------

    /** A fresh operator with its own client: ConfigMapSyncerReconciler, as the Quarkus application registers it. */
    private void startOperator() {
        operator = RunningOperator.with(client(OPERATOR), new ReconcileTracker())
                .start(parts -> new ConfigMapSyncerReconciler(parts.copyEngine(), parts.statusRecorder(),
                        parts.metrics(), () -> Duration.ofSeconds(30), () -> CLUSTER, parts.tenancy(),
                        parts.impersonation(), parts.events()));
    }

    private void stopOperator() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }

    // --- the phases ---------------------------------------------------------------------------------------------

    /** Applies {@code change}, waits for every copy to hold {@code expected}, then for the operator to go quiet. */
    private Phase converge(String label, Runnable change, Map<String, String> expected, long minExecutions)
            throws Exception {
        dispatcher.startWindow(OPERATOR);
        PhaseWindow window = harness.profiled(label, operator);
        change.run();
        long converged = awaitCopies(window.start(), () -> seen.allSeenAt(targets, expected),
                () -> serverHasAllCopies(expected));
        window.converged(converged);
        long settled = harness.awaitQuiet(operator, converged, minExecutions);
        return window.settled(settled).with(dispatcher.copyWrites(OPERATOR));
    }

    /** Deletes the syncer and waits until its finalizer has removed every copy and the syncer is gone. */
    private Phase deleteSyncer() throws Exception {
        PhaseWindow window = harness.open("syncer-deletion", operator);
        long executionsBefore = operator.probe().executions();
        driver.resources(ConfigMapSyncer.class).inNamespace(SOURCE_NAMESPACE).withName(SYNCER_NAME).delete();
        long gone = awaitCopies(window.start(), () -> seen.noneSeenAt(targets), () -> driver.resources(
                ConfigMapSyncer.class).inNamespace(SOURCE_NAMESPACE).withName(SYNCER_NAME).get() == null);
        window.converged(gone);
        return window.settled(harness.awaitQuiet(operator, gone, executionsBefore + 1));
    }

    /** A fresh operator (new client, new informers) against the same server, nothing changed since the last one. */
    private Phase restart() throws Exception {
        PhaseWindow window = harness.open("restart", null);
        startOperator();
        window.started(operator).converged(operator.startedNanos());
        return window.settled(harness.awaitQuiet(operator, operator.startedNanos(), 1));
    }

    /**
     * The floor: the same creates the operator makes (identical bodies, built by the same sanitiser), by a plain
     * client, at the operator's concurrency for one syncer (one write at a time: a syncer's copies are written by one
     * reconciliation, in a loop), observed the same way; with {@code withWatch}, with the watch the operator's
     * ConfigMap informer holds (all ConfigMaps of all namespaces) open.
     */
    private Phase floor(String label, Map<String, String> expected, boolean withWatch) throws Exception {
        List<ConfigMap> bodies = floorBodies();
        dispatcher.startWindow(FLOOR);
        try (KubernetesClient floor = client(FLOOR); KubernetesClient watcher = client(WATCHER)) {
            floor.namespaces().withName(SOURCE_NAMESPACE).get(); // opens the connection, as the operator's is open
            if (withWatch) {
                long watchesBefore = dispatcher.snapshot().watches(WATCHER);
                watcher.configMaps().inAnyNamespace().watch(Floor.ignoringWatcher());
                harness.await(() -> dispatcher.snapshot().watches(WATCHER) > watchesBefore, 10,
                        () -> "the floor's watch did not open");
                Thread.sleep(200);
            }
            List<Floor.Write> creates = bodies.stream().<Floor.Write> map(body -> () -> floor.configMaps()
                    .inNamespace(body.getMetadata().getNamespace()).resource(body).create()).toList();
            return Floor.measure(harness, label, floorThreads, creates, start -> awaitCopies(start,
                    () -> seen.allSeenAt(targets, expected), () -> serverHasAllCopies(expected)))
                    .with(dispatcher.copyWrites(FLOOR));
        }
    }

    private List<ConfigMap> floorBodies() {
        ConfigMap source = driver.configMaps().inNamespace(SOURCE_NAMESPACE).withName(SOURCE_NAME).get();
        KubernetesSerialization serialization = driver.getKubernetesSerialization();
        ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);
        SourceRef sourceRef = new SourceRef(CLUSTER, SOURCE_NAMESPACE, SOURCE_NAME);
        CopyOwner owner = CopyOwner.of(ConfigMapSyncerReconciler.NAME, SOURCE_NAMESPACE, SYNCER_NAME);
        return targets.stream()
                .map(ns -> serialization.convertValue(sanitizer.desiredCopy(source, ns, sourceRef, owner), ConfigMap.class))
                .toList();
    }

    // --- observing the copies -----------------------------------------------------------------------------------

    /**
     * The benchmark's own view of the copies ({@link #seen}): a watch (its own client and connection) on everything
     * carrying krm-sync's managed-by label, recording each copy's data by namespace.
     */
    private final class CopyWatcher implements Watcher<ConfigMap> {

        @Override
        public void eventReceived(Action action, ConfigMap copy) {
            long now = System.nanoTime();
            String namespace = copy.getMetadata().getNamespace();
            if (action == Action.DELETED) {
                seen.deleted(namespace, now);
            } else {
                seen.seen(namespace, copy.getData() == null ? Map.of() : copy.getData(), now);
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            seen.closed(cause);
        }
    }

    /**
     * Every {@code pollMillis}, asks {@code seenAt} (the watch); once it reports a time, confirms with the API server
     * ({@code confirmed}, one request).
     *
     * @return System.nanoTime when the watch delivered the last event needed
     */
    private long awaitCopies(long start, LongSupplier seenAt, BooleanSupplier confirmed) throws InterruptedException {
        return harness.awaitSeen(start, pollMillis, () -> {
            seen.check();
            return seenAt.getAsLong();
        }, confirmed, () -> "the copies did not converge within " + harness.timeout() + "; the watch has seen "
                + seen.count(targets) + " of " + targets.size());
    }

    private boolean serverHasAllCopies(Map<String, String> expected) {
        Map<String, Map<String, String>> copies = listCopies().stream()
                .collect(Collectors.toMap(cm -> cm.getMetadata().getNamespace(),
                        cm -> cm.getData() == null ? Map.<String, String> of() : cm.getData()));
        return targets.stream().allMatch(namespace -> expected.equals(copies.get(namespace)));
    }

    private List<ConfigMap> listCopies() {
        return driver.configMaps().inAnyNamespace()
                .withLabel(TrackingMetadata.MANAGED_BY_LABEL, ConfigMapSyncerReconciler.NAME).list().getItems();
    }

    private void verifyAllCopies(Map<String, String> expected) {
        Map<String, ConfigMap> copies = listCopies().stream()
                .collect(Collectors.toMap(cm -> cm.getMetadata().getNamespace(), cm -> cm));
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(targets);
        copies.values().forEach(copy -> assertThat(copy.getData()).as(copy.getMetadata().getNamespace())
                .isEqualTo(expected));
    }

    private void deleteCopies() throws InterruptedException {
        driver.configMaps().inAnyNamespace().withLabel(TrackingMetadata.MANAGED_BY_LABEL, ConfigMapSyncerReconciler.NAME)
                .delete();
        harness.await(() -> listCopies().isEmpty() && seen.count(targets) == 0, 100, () -> "copies not deleted");
    }

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
                    "copy/all writes", "as ServiceAccount", "reviews", "ratio to convergence");
        }

        void setup(String crdOrigin) {
            head.add(String.format(Locale.ROOT,
                    "run: %d target namespaces (namespaceSelector), source ConfigMap with %d keys, %d rounds (round 1 "
                            + "in a cold JVM); API server: fabric8 kubernetes-server-mock CRUD, in this JVM, over %s; "
                            + "copies observed by a watch, checked every %d ms, confirmed by a list; quiet period %d ms; "
                            + "floor threads %d",
                    namespaceCount, keyCount, rounds, https ? "https" : "http", pollMillis, harness.quiet().toMillis(),
                    floorThreads));
            head.add("CRD: " + crdOrigin);
        }

        void round(int round, Phase convergence) {
            if (round == 1) {
                head.add("operator: " + operator.reconciliationThreads()
                        + " concurrent reconciliation threads (SDK default; the Quarkus extension leaves it unset), SSA"
                        + " off; one syncer = one reconciliation at a time, which writes its copies one after another");
            }
            Phase floor = phases.last(FLOORS);
            Phase watchedFloor = phases.last(WATCHED_FLOORS);
            roundRows.add(new String[] { round == 1 ? "1 (cold JVM)" : Integer.toString(round),
                    secs(floor.startNanos(), floor.convergedNanos()), msPerWrite(floor), cpuPerCopy(floor),
                    interference(floor),
                    secs(watchedFloor.startNanos(), watchedFloor.convergedNanos()), msPerWrite(watchedFloor),
                    secs(operator.startNanos(), operator.startedNanos()),
                    secs(convergence.startNanos(), convergence.convergedNanos()), msPerWrite(convergence),
                    cpuPerCopy(convergence), interference(convergence),
                    ratio(convergence.seconds(), floor.seconds()),
                    copyAndAllWrites(convergence), "", "", "", "", "" });
        }

        void impersonated(int round) {
            String[] row = roundRows.get(round - 1);
            Phase impersonated = phases.last(IMPERSONATED_CONVERGENCES);
            row[16] = secs(impersonated.startNanos(), impersonated.convergedNanos());
            row[17] = Long.toString(impersonated.untilSettled(SERVER).writes(OPERATOR, Category.REVIEW));
            row[18] = ratio(impersonated.seconds(), phases.last(CONVERGENCES).seconds());
        }

        void cleanup(int round, Phase cleanup) {
            String[] row = roundRows.get(round - 1);
            row[14] = secs(cleanup.startNanos(), cleanup.convergedNanos());
            row[15] = copyAndAllWrites(cleanup);
            note("round " + round + ", syncer deletion, operator writes: "
                    + cleanup.untilSettled(SERVER).describe(OPERATOR, true));
        }

        private String copyAndAllWrites(Phase p) {
            return p.untilSettled(SERVER).writes(OPERATOR, Category.COPY) + " / " + p.untilSettled(SERVER).writes(OPERATOR);
        }

        void convergence(Phase p) {
            row("0", "operator start, last round (start() until informers synced)",
                    secs(operator.startNanos(), operator.startedNanos()), "");
            row("1", "time to converge, last round: syncer created -> all copies with source content",
                    secs(p.startNanos(), p.convergedNanos()), "as seen by the benchmark's watch, confirmed by a list");
            copyTiming(p);
            cpuRows("during convergence", p.cpu());
            writes("2", p, namespaceCount);
        }

        void keyChange(Phase p) {
            row("3", "one key changed: time until all copies hold it", secs(p.startNanos(), p.convergedNanos()), "");
            copyTiming(p);
            cpuRows("until all copies hold it", p.cpu());
            writes("3", p, namespaceCount);
        }

        void restart(Phase p) {
            RequestCounts settled = p.untilSettled(SERVER);
            row("4", "restart, nothing changed: operator start (informers synced)", secs(p.startNanos(), p.convergedNanos()), "");
            row("4", "restart: operator writes until quiet", Long.toString(settled.writes(OPERATOR)),
                    "target 0; " + settled.describe(OPERATOR, true));
            row("", "  reconciler calls / failures after restart", p.calls().executions() + " / " + p.calls().failures(),
                    "quiet " + harness.quiet().toMillis() + " ms after " + secs(p.convergedNanos(), p.settledNanos()));
            row("", "  operator reads: GET / WATCH", settled.reads(OPERATOR) + " / " + settled.watches(OPERATOR),
                    "initial lists and watches of its 4 informers");
        }

        void summary() {
            lastFloor(phases.last(FLOORS));
            List<Phase> warmFloors = phases.warm(FLOORS);
            List<Phase> warmConvergences = phases.warm(CONVERGENCES);
            List<Double> floorSeconds = Rounds.seconds(warmFloors);
            List<Double> convergenceSeconds = Rounds.seconds(warmConvergences);
            List<Double> ratios = Rounds.ratios(warmConvergences, warmFloors);
            String scope = "rounds 2-" + rounds + " (warm JVM)";
            row("1", "time to converge, median of " + scope, String.format(Locale.ROOT, "%.3f s",
                    median(convergenceSeconds)), range(convergenceSeconds, " s"));
            row("5", "floor, median of " + scope, String.format(Locale.ROOT, "%.3f s", median(floorSeconds)),
                    range(floorSeconds, " s"));
            row("5", "ratio convergence / floor: median convergence / median floor",
                    ratio(median(convergenceSeconds), median(floorSeconds)), "target <= 1.5x");
            row("", "  ratio per round, " + scope, String.format(Locale.ROOT, "median %.2fx", median(ratios)),
                    range(ratios, "x"));
            row("", "  ratio in round 1 (cold JVM)", ratio(phases.all(CONVERGENCES).getFirst().seconds(),
                    phases.all(FLOORS).getFirst().seconds()), "");
            cpuPerCopyRows(scope, warmFloors, warmConvergences);
            impersonationRows(scope, convergenceSeconds);
            watchedFloorRows(scope, median(convergenceSeconds));
            String copyWrites = phases.all(CONVERGENCES).stream()
                    .map(c -> Long.toString(c.untilSettled(SERVER).writes(OPERATOR, Category.COPY)))
                    .distinct().collect(Collectors.joining(", "));
            String totalWrites = phases.all(CONVERGENCES).stream()
                    .map(c -> Long.toString(c.untilSettled(SERVER).writes(OPERATOR)))
                    .distinct().collect(Collectors.joining(", "));
            row("2", "operator copy writes / total writes per convergence, all rounds", copyWrites + " / " + totalWrites, "");
        }

        /** 6: the same convergence by a syncer acting as a ServiceAccount, against the one acting as the operator. */
        private void impersonationRows(String scope, List<Double> convergenceSeconds) {
            List<Phase> warm = phases.warm(IMPERSONATED_CONVERGENCES);
            List<Double> seconds = Rounds.seconds(warm);
            row("6", "convergence as a ServiceAccount (spec.serviceAccountName), median of " + scope,
                    String.format(Locale.ROOT, "%.3f s", median(seconds)), range(seconds, " s"));
            row("6", "ratio as a ServiceAccount / as the operator: medians",
                    ratio(median(seconds), median(convergenceSeconds)), "target <= 1.3x");
            List<Double> ratios = Rounds.ratios(warm, phases.warm(CONVERGENCES));
            row("", "  ratio per round, " + scope, String.format(Locale.ROOT, "median %.2fx", median(ratios)),
                    range(ratios, "x"));
            List<Double> cpu = warm.stream().map(this::cpuMsPerCopy).toList();
            List<Double> plainCpu = phases.warm(CONVERGENCES).stream().map(this::cpuMsPerCopy).toList();
            row("", "  CPU of this JVM per copy, medians: as a ServiceAccount / as the operator",
                    String.format(Locale.ROOT, "%.2f / %.2f ms", median(cpu), median(plainCpu)),
                    "ratio " + ratio(median(cpu), median(plainCpu)));
            Phase last = phases.last(IMPERSONATED_CONVERGENCES);
            RequestCounts settled = last.untilSettled(SERVER);
            row("6", "last round: copy writes / SubjectAccessReviews / all writes until quiet",
                    settled.writes(OPERATOR, Category.COPY) + " / " + settled.writes(OPERATOR, Category.REVIEW) + " / "
                            + settled.writes(OPERATOR), settled.describe(OPERATOR, true));
        }

        private void lastFloor(Phase lastFloor) {
            row("5", "floor, last round: plain client, same " + namespaceCount + " creates, " + floorThreads + " thread(s)",
                    secs(lastFloor.startNanos(), lastFloor.convergedNanos()), "observed the same way");
            row("", "  floor loop (first create sent -> last create answered)",
                    secs(lastFloor.startNanos(), lastFloor.markNanos()), "");
            copyTiming(lastFloor);
            cpuRows("during the floor", lastFloor.cpu());
        }

        private void cpuPerCopyRows(String scope, List<Phase> warmFloors, List<Phase> warmConvergences) {
            List<Double> floorCpu = warmFloors.stream().map(this::cpuMsPerCopy).toList();
            List<Double> convergenceCpu = warmConvergences.stream().map(this::cpuMsPerCopy).toList();
            row("", "CPU of this JVM per copy, medians of " + scope + ": convergence / floor",
                    String.format(Locale.ROOT, "%.2f / %.2f ms", median(convergenceCpu), median(floorCpu)),
                    "ratio " + ratio(median(convergenceCpu), median(floorCpu))
                            + "; less sensitive to other processes than wall time");
            row("", "  by thread, convergence (ms per copy, medians)", "", cpuByThreadMedians(warmConvergences));
            row("", "  by thread, floor (ms per copy, medians)", "", cpuByThreadMedians(warmFloors));
        }

        private void watchedFloorRows(String scope, double medianConvergence) {
            List<Double> warmWatched = Rounds.seconds(phases.warm(WATCHED_FLOORS));
            row("", "floor with the informer's watch open, median of " + scope,
                    String.format(Locale.ROOT, "%.3f s", median(warmWatched)), range(warmWatched, " s"));
            row("", "  ratio convergence / floor with the watch (medians)",
                    ratio(medianConvergence, median(warmWatched)), "what the operator adds beyond its watch");
            Phase lastWatched = phases.last(WATCHED_FLOORS);
            cpuRows("during the watched floor, last round", lastWatched.cpu());
        }

        private String cpuByThreadMedians(List<Phase> warm) {
            Map<String, List<Double>> byGroup = new TreeMap<>();
            for (Phase phase : warm) {
                phase.cpu().byGroup().forEach((group, nanos) -> byGroup
                        .computeIfAbsent(group, g -> new ArrayList<>()).add(nanos / 1e6 / namespaceCount));
            }
            return byGroup.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), median(padded(e.getValue(), warm.size()))))
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

        private String range(List<Double> values, String unit) {
            return String.format(Locale.ROOT, "min %.2f%s, max %.2f%s", values.stream().mapToDouble(d -> d).min().orElse(0),
                    unit, values.stream().mapToDouble(d -> d).max().orElse(0), unit);
        }

        private void copyTiming(Phase p) {
            Phase.CopyWrites w = p.copyWrites();
            if (copyWrites(p) == 0) {
                return;
            }
            row("", "  start -> first copy write received by the server", secs(p.startNanos(), w.firstNanos()), "");
            row("", "  first -> last copy write answered", secs(w.firstNanos(), w.lastNanos()), perWrite(p));
            row("", "  last copy write -> benchmark saw all copies", secs(w.lastNanos(), p.convergedNanos()), "");
        }

        /** The writer's copy writes until converged; 0 if the server saw none. */
        private long copyWrites(Phase p) {
            Phase.CopyWrites w = p.copyWrites();
            return w.firstNanos() < 0 ? 0 : p.untilConverged(SERVER).writes(w.agent(), Category.COPY);
        }

        private String interference(Phase p) {
            Cpu r = p.cpu();
            return r.othersNanos() < 0 ? ""
                    : String.format(Locale.ROOT, "%.2f / %.2f", r.othersNanos() / 1e9, r.stealNanos() / 1e9);
        }

        private String cpuPerCopy(Phase p) {
            return String.format(Locale.ROOT, "%.2f", cpuMsPerCopy(p));
        }

        private double cpuMsPerCopy(Phase p) {
            return p.cpu().cpuNanos() / 1e6 / namespaceCount;
        }

        private String msPerWrite(Phase p) {
            long writes = copyWrites(p);
            Phase.CopyWrites w = p.copyWrites();
            return writes == 0 ? "" : String.format(Locale.ROOT, "%.2f / %.2f",
                    (w.lastNanos() - w.firstNanos()) / 1e6 / writes, w.serverNanos() / 1e6 / writes);
        }

        private String perWrite(Phase p) {
            long writes = copyWrites(p);
            Phase.CopyWrites w = p.copyWrites();
            return String.format(Locale.ROOT, "%.2f ms per copy write (%.2f ms of it in the server), max %d in flight",
                    (w.lastNanos() - w.firstNanos()) / 1e6 / writes, w.serverNanos() / 1e6 / writes, w.maxInFlight());
        }

        private void writes(String number, Phase p, int expectedCopyWrites) {
            RequestCounts converged = p.untilConverged(SERVER);
            RequestCounts settled = p.untilSettled(SERVER);
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
            row("", "  reconciler calls / failures until quiet", p.calls().executions() + " / " + p.calls().failures(),
                    "quiet " + harness.quiet().toMillis() + " ms after " + secs(p.convergedNanos(), p.settledNanos())
                            + " past convergence");
        }

        /** This JVM's CPU during a phase, and by thread. */
        private void cpuRows(String during, Cpu cpu) {
            row("", "  CPU of this JVM " + during, cpu(cpu), "");
            row("", "  CPU by thread", "", cpu.top(6));
        }

        private String secs(long from, long to) {
            return String.format(Locale.ROOT, "%.3f s", (to - from) / 1e9);
        }

        private String ratio(double numerator, double denominator) {
            return String.format(Locale.ROOT, "%.2fx", numerator / denominator);
        }

        private String cpu(Cpu r) {
            return String.format(Locale.ROOT, "%.1f s CPU, %.0f%% of all cores; GC %d ms in %d pauses",
                    r.cpuNanos() / 1e9, r.utilisation() * 100, r.gcMillis(), r.gcCount());
        }
    }
}
