package io.krmsync.benchmark;

import static io.krmsync.benchmark.Measurements.fmt;
import static io.krmsync.benchmark.Measurements.median;
import static io.krmsync.benchmark.Measurements.pct;
import static io.krmsync.benchmark.Measurements.range;
import static io.krmsync.benchmark.Measurements.secs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;

import jdk.jfr.Recording;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.krmsync.benchmark.PropagationClusters.RequestCounter;
import io.krmsync.benchmark.PropagationClusters.RequestCounter.Category;
import io.krmsync.clusters.ClustersConfig;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.clusters.RemoteClients;
import io.krmsync.krmsyncer.Destination;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.krmsyncer.KRMSyncerConfig;
import io.krmsync.krmsyncer.KRMSyncerReconciler;
import io.krmsync.krmsyncer.KRMSyncerSpec;
import io.krmsync.krmsyncer.SyncRule;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.EventRecorder;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.StatusConditions;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;

/**
 * KRMSyncer benchmark: a source and a destination in-memory API server ({@link PropagationClusters} with one
 * provider, the destination), one KRMSyncer with three rules (ConfigMaps, Secrets and a custom resource, Widget, whose
 * CRD both clusters have) selecting the objects of two namespaces, and the operator built with the operator SDK
 * directly (no Quarkus, as the other benchmarks), so that it can be stopped and a fresh one started. Prints a table of
 * figures (and writes it to target/benchmark-reports/krmsyncer.txt); asserts only that the copies arrived, never
 * anything about time.
 * <p>
 * Figures: (1) convergence of {@code objects} new source objects at the destination, from the first source create to
 * the last copy seen, against a plain client making the same creates at the destination (the floor), in
 * {@code rounds} rounds; (2) latency of one source change to its copy seen at the destination, p50/p99 over
 * {@code updates} paced updates; (3) operator writes at the destination after a restart, and after suspend and resume,
 * with nothing changed. What the figures mean: docs/benchmarks.md, section KRMSyncer.
 * <p>
 * Run: {@code ./mvnw -Pbenchmark test -Dtest=KRMSyncerBenchmark}. Options (system properties, prefix
 * {@code benchmark.krmsyncer.}): {@code objects} (1000), {@code keys} (5), {@code rounds} (5), {@code updates} (200),
 * {@code warmup} (50), {@code pauseMillis} (20), {@code quietMillis} (3000), {@code timeoutSeconds} (600),
 * {@code qps} and {@code burst} (the destination client's rate limit; default 10000, see the docs), {@code jfr}
 * (false).
 */
@Tag("benchmark")
class KRMSyncerBenchmark {

    static final String SOURCE = PropagationClusters.LOCAL;
    /** The requests of every client whose User-Agent does not start with "benchmark-" (RequestCounter's rule). */
    static final String OPERATOR = "operator";
    static final String DRIVER = "benchmark-driver";
    static final String WATCHER = "benchmark-watcher";
    static final String FLOOR = "benchmark-floor";
    static final String SYNCER_NAMESPACE = "krm-sync-system";
    static final String SYNCER_NAME = "bench";
    static final String KUBECONFIG_SECRET = "destination-kubeconfig";
    static final List<String> NAMESPACES = List.of("bench-a", "bench-b");
    static final String BENCH_LABEL = "krm-sync-benchmark";
    static final String BENCH_VALUE = "krmsyncer";
    static final String SEQ = "seq";
    static final String WIDGET_GROUP = "bench.krm-sync.io";
    static final String GENERATED_CRD = "target/kubernetes/krmsyncers.syncer.gkelabs.io-v1.yml";

    private static final String P = "benchmark.krmsyncer.";
    private final int objectCount = Integer.getInteger(P + "objects", 1000);
    private final int keyCount = Integer.getInteger(P + "keys", 5);
    private final int rounds = Math.max(1, Integer.getInteger(P + "rounds", 5));
    private final int updates = Integer.getInteger(P + "updates", 200);
    private final int warmup = Integer.getInteger(P + "warmup", 50);
    private final long pauseMillis = Long.getLong(P + "pauseMillis", 20);
    private final long quietMillis = Long.getLong(P + "quietMillis", 3000);
    private final Duration timeout = Duration.ofSeconds(Long.getLong(P + "timeoutSeconds", 600));
    private final boolean jfr = Boolean.getBoolean(P + "jfr");
    private final Path reportFile = Path.of(System.getProperty(P + "report", "target/benchmark-reports/krmsyncer.txt"));

    private final PropagationClusters clusters = new PropagationClusters(1);
    private final Report report = new Report();
    private final Object seenLock = new Object();
    private Map<String, String> properties;
    private String destination;
    private KubernetesClient driver;
    private KubernetesClient reader;
    private DestinationWatch watch;
    private List<BenchObject> objects;
    private List<GenericKubernetesResource> floorBodies;
    private long seq;

    @Test
    void krmSyncer() throws Exception {
        RunningOperator operator = null;
        try {
            properties = new LinkedHashMap<>(clusters.start());
            // Only the destination client's settings matter here (no cluster registry, no providers).
            properties.remove("krm-sync.clusters.provider-kubeconfigs");
            properties.put("krm-sync.clusters.client.qps", System.getProperty(P + "qps", "10000"));
            properties.put("krm-sync.clusters.client.burst", System.getProperty(P + "burst", "10000"));
            destination = clusters.providers().getFirst();
            driver = clusters.client(SOURCE, DRIVER);
            reader = clusters.client(destination, DRIVER);
            report.machine(driver);
            String crdOrigin = setUp();
            watch = new DestinationWatch();
            report.setup(crdOrigin);

            List<Phase> floors = new ArrayList<>();
            List<Phase> backlogs = new ArrayList<>();
            List<Phase> convergences = new ArrayList<>();
            List<Phase> restarts = new ArrayList<>();
            List<Phase[]> suspensions = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                floors.add(floor("floor-" + round));
                deleteCopiesDirectly();

                // 1b: the sources exist, a fresh operator starts.
                createSources();
                Phase backlog = startWithBacklog("backlog-" + round);
                backlogs.add(backlog);
                operator = backlog.operator();
                report.identical("backlog-" + round, compareWithFloorBodies());

                // 3: restart, then suspend and resume, nothing changed.
                operator.stop();
                operator = null;
                Phase restart = restart();
                operator = restart.operator();
                restarts.add(restart);
                suspensions.add(suspendAndResume(operator));

                // 2: one change at a time.
                if (round == rounds) {
                    report.latency(latency(operator));
                }
                Phase deletion = deleteSources("deletion-" + round, operator);

                // 1: the sources are created while the operator runs.
                Phase convergence = converge("convergence-" + round, operator);
                convergences.add(convergence);
                report.identical("convergence-" + round, compareWithFloorBodies());
                Phase deletion2 = deleteSources("deletion-" + round + "b", operator);
                report.round(round, floors.getLast(), backlog, convergence, restart, suspensions.getLast(), deletion,
                        deletion2);
                operator.stop();
                operator = null;
            }
            report.convergence(floors, backlogs, convergences);
            report.restarts(restarts, suspensions);
        } finally {
            if (operator != null) {
                operator.stop();
            }
            report.print(reportFile);
            if (watch != null) {
                watch.close();
            }
            if (reader != null) {
                reader.close();
            }
            if (driver != null) {
                driver.close();
            }
            clusters.stop();
        }
    }

    // --- the objects --------------------------------------------------------------------------------------------

    /** The three kinds the rules name, how a source of each is built and changed, and where its "seq" lives. */
    enum BenchKind {
        CONFIGMAP("", "v1", "ConfigMap", "configmaps"),
        SECRET("", "v1", "Secret", "secrets"),
        WIDGET(WIDGET_GROUP, "v1", "Widget", "widgets");

        final String group;
        final String version;
        final String kind;
        final ResourceDefinitionContext context;

        BenchKind(String group, String version, String kind, String plural) {
            this.group = group;
            this.version = version;
            this.kind = kind;
            this.context = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
                    .withKind(kind).withPlural(plural).withNamespaced(true).build();
        }

        String apiVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }

        /** The content field that holds the keys and "seq": data, or spec for the custom resource. */
        String field() {
            return this == WIDGET ? "spec" : "data";
        }

        Map<String, String> encode(Map<String, String> values) {
            if (this != SECRET) {
                return values;
            }
            Map<String, String> encoded = new TreeMap<>();
            values.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
            return encoded;
        }

        GenericKubernetesResource source(String namespace, String name, Map<String, String> keys, long seq) {
            GenericKubernetesResource object = new GenericKubernetesResource();
            object.setApiVersion(apiVersion());
            object.setKind(kind);
            object.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                    .addToLabels(BENCH_LABEL, BENCH_VALUE).build());
            Map<String, String> content = new TreeMap<>(keys);
            content.put(SEQ, Long.toString(seq));
            object.setAdditionalProperty(field(), encode(content));
            if (this == SECRET) {
                object.setAdditionalProperty("type", "Opaque"); // what the API server defaults it to
            }
            return object;
        }

        String patch(long seq) {
            return "{\"" + field() + "\":{\"" + SEQ + "\":\"" + encode(Map.of(SEQ, Long.toString(seq))).get(SEQ) + "\"}}";
        }

        /** The object's "seq", decoded; null when it has none. */
        String seqOf(GenericKubernetesResource object) {
            Object content = object.getAdditionalProperties().get(field());
            if (!(content instanceof Map<?, ?> map) || !(map.get(SEQ) instanceof String value)) {
                return null;
            }
            return this == SECRET ? new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8) : value;
        }
    }

    /** One source object: kinds take turns, namespaces alternate. */
    record BenchObject(BenchKind kind, String namespace, String name) {

        String key() {
            return key(kind, namespace, name);
        }

        static String key(BenchKind kind, String namespace, String name) {
            return kind.kind + "/" + namespace + "/" + name;
        }
    }

    private Map<String, String> keys() {
        Map<String, String> keys = new TreeMap<>();
        for (int i = 0; i < keyCount; i++) {
            keys.put(String.format(Locale.ROOT, "key-%02d", i), String.format(Locale.ROOT, "value-%02d-", i) + "x".repeat(48));
        }
        return keys;
    }

    /**
     * Namespaces in both clusters (so that neither the operator nor the floor creates any), the Widget CRD in both,
     * the KRMSyncer CRD, the kubeconfig Secret and the KRMSyncer in the source. Then the floor's request bodies: the
     * sources are created once with no operator running, read back as the operator's informers would see them, turned
     * into copies by the operator's sanitiser, and deleted.
     */
    private String setUp() throws Exception {
        objects = new ArrayList<>();
        for (int i = 0; i < objectCount; i++) {
            objects.add(new BenchObject(BenchKind.values()[i % 3], NAMESPACES.get((i / 3) % NAMESPACES.size()),
                    String.format(Locale.ROOT, "obj-%04d", i + 1)));
        }
        KubernetesClient destinationDriver = clusters.client(destination, DRIVER);
        try {
            for (KubernetesClient client : List.of(driver, destinationDriver)) {
                for (String namespace : NAMESPACES) {
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                            .endMetadata().build()).create();
                }
                client.apiextensions().v1().customResourceDefinitions().resource(widgetCrd()).create();
            }
        } finally {
            destinationDriver.close();
        }
        driver.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SYNCER_NAMESPACE).endMetadata()
                .build()).create();
        String origin = BenchmarkCrds.install(driver, KRMSyncer.class, Path.of(System.getProperty(P + "crd",
                GENERATED_CRD)));
        driver.secrets().inNamespace(SYNCER_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName(KUBECONFIG_SECRET).withNamespace(SYNCER_NAMESPACE).endMetadata()
                .withStringData(Map.of("kubeconfig", Files.readString(clusters.kubeconfig(destination)))).build())
                .create();

        createSources();
        KubernetesSerialization serialization = driver.getKubernetesSerialization();
        ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);
        CopyOwner owner = owner();
        Map<String, GenericKubernetesResource> stored = new LinkedHashMap<>();
        for (BenchKind kind : BenchKind.values()) {
            for (String namespace : NAMESPACES) {
                driver.genericKubernetesResources(kind.context).inNamespace(namespace).withLabel(BENCH_LABEL, BENCH_VALUE)
                        .list().getItems().forEach(o -> stored.put(BenchObject.key(kind, namespace,
                                o.getMetadata().getName()), o));
            }
        }
        floorBodies = new ArrayList<>();
        for (BenchObject object : objects) {
            GenericKubernetesResource source = Objects.requireNonNull(stored.get(object.key()), object.key());
            // What RulePass.syncObject builds for a source: the sanitised copy, plus the source's generation.
            GenericKubernetesResource desired = sanitizer.desiredCopy(source, object.namespace(),
                    new SourceRef(SOURCE, object.namespace(), object.name()), owner);
            if (source.getMetadata().getGeneration() != null) {
                desired.getMetadata().getAnnotations().put(TrackingMetadata.SOURCE_GENERATION_ANNOTATION,
                        String.valueOf(source.getMetadata().getGeneration()));
            }
            floorBodies.add(desired);
        }
        deleteSourcesDirectly();
        driver.resources(KRMSyncer.class).inNamespace(SYNCER_NAMESPACE).resource(syncer()).create();
        return origin;
    }

    private static CustomResourceDefinition widgetCrd() {
        return new CustomResourceDefinitionBuilder().withNewMetadata().withName("widgets." + WIDGET_GROUP).endMetadata()
                .withNewSpec().withGroup(WIDGET_GROUP).withScope("Namespaced")
                .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").withListKind("WidgetList")
                .endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().endSchema()
                .withNewSubresources().withNewStatus().endStatus().endSubresources()
                .endVersion().endSpec().build();
    }

    private static CopyOwner owner() {
        return CopyOwner.of(KRMSyncer.RECONCILER, SYNCER_NAMESPACE, SYNCER_NAME);
    }

    private static KRMSyncer syncer() {
        KRMSyncerSpec spec = new KRMSyncerSpec();
        List<SyncRule> rules = new ArrayList<>();
        for (BenchKind kind : BenchKind.values()) {
            rules.add(new SyncRule(kind.group, kind.version, kind.kind, List.copyOf(NAMESPACES)));
        }
        spec.setRules(rules);
        Destination.KubeConfigSecretRef ref = new Destination.KubeConfigSecretRef();
        ref.setName(KUBECONFIG_SECRET);
        Destination.ClusterConfig clusterConfig = new Destination.ClusterConfig();
        clusterConfig.setKubeConfigSecretRef(ref);
        Destination target = new Destination();
        target.setClusterConfig(clusterConfig);
        spec.setDestination(target);
        KRMSyncer syncer = new KRMSyncer();
        syncer.setMetadata(new ObjectMetaBuilder().withName(SYNCER_NAME).withNamespace(SYNCER_NAMESPACE).build());
        syncer.setSpec(spec);
        return syncer;
    }

    /** The driver creates every source, one request at a time, kinds taking turns. */
    private void createSources() {
        Map<String, String> keys = keys();
        for (BenchObject object : objects) {
            driver.genericKubernetesResources(object.kind().context).inNamespace(object.namespace())
                    .resource(object.kind().source(object.namespace(), object.name(), keys, 0)).create();
        }
    }

    private void deleteSourcesDirectly() throws InterruptedException {
        deleteAll(driver);
        awaitEmpty(driver);
    }

    /** One collection delete per kind and namespace. */
    private static void deleteAll(KubernetesClient client) {
        for (BenchKind kind : BenchKind.values()) {
            for (String namespace : NAMESPACES) {
                client.genericKubernetesResources(kind.context).inNamespace(namespace).withLabel(BENCH_LABEL, BENCH_VALUE)
                        .delete();
            }
        }
    }

    private int count(KubernetesClient client) {
        int count = 0;
        for (BenchKind kind : BenchKind.values()) {
            for (String namespace : NAMESPACES) {
                count += client.genericKubernetesResources(kind.context).inNamespace(namespace)
                        .withLabel(BENCH_LABEL, BENCH_VALUE).list().getItems().size();
            }
        }
        return count;
    }

    private void awaitEmpty(KubernetesClient client) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(client) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("objects not deleted within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    // --- the operator -------------------------------------------------------------------------------------------

    record RunningOperator(Operator operator, Probe probe, KubernetesClient client, long startNanos,
            long startedNanos) {

        void stop() {
            operator.stop();
            client.close();
        }
    }

    /**
     * {@link ReconcileTracker}, plus when every reconciliation began (to find the one that made a write) and the wall
     * and CPU time of the reconciler calls.
     */
    static final class Probe extends ReconcileTracker {

        private final ConcurrentSkipListSet<Long> starts = new ConcurrentSkipListSet<>();
        private final LongAdder callNanos = new LongAdder();
        private final LongAdder callCpuNanos = new LongAdder();
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        @Override
        void started(HasMetadata resource, long nanos) {
            starts.add(nanos);
        }

        @Override
        public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
            long start = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            try {
                return super.timeControllerExecution(execution);
            } finally {
                callCpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu);
                callNanos.add(System.nanoTime() - start);
            }
        }

        /** The last reconciliation that began at or before {@code nanos}, or -1. */
        long lastStartBefore(long nanos) {
            Long start = starts.floor(nanos);
            return start == null ? -1 : start;
        }

        long callNanos() {
            return callNanos.sum();
        }

        long callCpuNanos() {
            return callCpuNanos.sum();
        }
    }

    /**
     * The operator as the Quarkus application wires KRMSyncerReconciler, minus Quarkus: its own client of the source
     * cluster, RemoteClients with the settings read through SmallRye Config, the SDK with server-side apply off (as
     * {@code quarkus.operator-sdk.enable-ssa=false}) and every other SDK default.
     */
    private RunningOperator startOperator() {
        SmallRyeConfig config = PropagationClusters.config(properties, "krmsyncer-benchmark", ClustersConfig.class,
                KRMSyncerConfig.class,
                LocalClusterConfig.class);
        ClustersConfig clustersConfig = config.getConfigMapping(ClustersConfig.class);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(clusters.url(SOURCE)).withUserAgent("krm-sync-operator").build()).build();
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        Probe probe = new Probe();
        SyncMetrics metrics = new SyncMetrics(new SimpleMeterRegistry());
        Operator operator = new Operator(overrider -> overrider.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withMetrics(probe));
        operator.register(new KRMSyncerReconciler(new CopyEngine(serialization, metrics), new EventRecorder(client),
                metrics, serialization, new RemoteClients(serialization, clustersConfig), clustersConfig,
                config.getConfigMapping(LocalClusterConfig.class), config.getConfigMapping(KRMSyncerConfig.class)));
        long start = System.nanoTime();
        operator.start(); // returns once the SDK's informers (KRMSyncers, Secrets) have synced
        return new RunningOperator(operator, probe, client, start, System.nanoTime());
    }

    private long lastOperatorWrite() {
        return Math.max(clusters.counter(SOURCE).lastOperatorWriteNanos(),
                clusters.counter(destination).lastOperatorWriteNanos());
    }

    private long awaitQuiet(RunningOperator operator, long from) throws InterruptedException {
        return operator.probe().awaitQuiet(from, 1, this::lastOperatorWrite, Duration.ofMillis(quietMillis), timeout);
    }

    private KRMSyncer currentSyncer() {
        return driver.resources(KRMSyncer.class).inNamespace(SYNCER_NAMESPACE).withName(SYNCER_NAME).get();
    }

    private static Condition condition(KRMSyncer syncer, String type) {
        return syncer == null || syncer.getStatus() == null ? null
                : StatusConditions.find(syncer.getStatus().getConditions(), type).orElse(null);
    }

    /**
     * Waits until the KRMSyncer's status says Ready (Synced) for its current generation with {@code synced} objects
     * in sync.
     */
    private void awaitSynced(RunningOperator operator, int synced) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            KRMSyncer syncer = currentSyncer();
            Condition ready = condition(syncer, StatusConditions.READY);
            if (ready != null && "True".equals(ready.getStatus()) && "Synced".equals(ready.getReason())
                    && Objects.equals(syncer.getStatus().getObservedGeneration(), syncer.getMetadata().getGeneration())
                    && (synced + "/" + synced).equals(syncer.getStatus().getSummary())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the KRMSyncer is not Synced with " + synced + " objects within " + timeout
                        + ": " + (syncer == null ? null : syncer.getStatus() == null ? null
                                : driver.getKubernetesSerialization().asJson(syncer.getStatus())));
            }
            Thread.sleep(20);
        }
    }

    private void awaitSuspended() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            KRMSyncer syncer = currentSyncer();
            Condition suspended = condition(syncer, "Suspended");
            if (suspended != null && "True".equals(suspended.getStatus())
                    && Objects.equals(syncer.getStatus().getObservedGeneration(), syncer.getMetadata().getGeneration())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the KRMSyncer is not Suspended within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    // --- observing the destination ------------------------------------------------------------------------------

    /**
     * The benchmark's own view of the destination: a watch (own client, own connection) per kind on everything
     * carrying krm-sync's managed-by label for KRMSyncers, recording when each copy was last seen and its "seq".
     */
    private final class DestinationWatch {

        record Seen(String seq, long nanos) {
        }

        private final KubernetesClient client = clusters.client(destination, WATCHER);
        private final List<Watch> watches = new ArrayList<>();
        private final Map<String, Seen> copies = new ConcurrentHashMap<>();
        private final AtomicLong lastDeletion = new AtomicLong();
        private volatile WatcherException closed;

        DestinationWatch() {
            for (BenchKind kind : BenchKind.values()) {
                watches.add(client.genericKubernetesResources(kind.context).inAnyNamespace()
                        .withLabel(TrackingMetadata.MANAGED_BY_LABEL, KRMSyncer.RECONCILER)
                        .watch(new Watcher<GenericKubernetesResource>() {
                            @Override
                            public void eventReceived(Action action, GenericKubernetesResource copy) {
                                long now = System.nanoTime();
                                String key = BenchObject.key(kind, copy.getMetadata().getNamespace(),
                                        copy.getMetadata().getName());
                                if (action == Action.DELETED) {
                                    copies.remove(key);
                                    lastDeletion.accumulateAndGet(now, Math::max);
                                } else {
                                    copies.put(key, new Seen(kind.seqOf(copy), now));
                                }
                                synchronized (seenLock) {
                                    seenLock.notifyAll();
                                }
                            }

                            @Override
                            public void onClose(WatcherException cause) {
                                closed = cause;
                            }
                        }));
            }
        }

        void check() {
            if (closed != null) {
                throw new AssertionError("the benchmark's watch on the destination closed", closed);
            }
        }

        /** When the last object's copy was seen with {@code expectedSeq}, or -1 while some are missing. */
        long allSeenAt(String expectedSeq) {
            long last = 0;
            for (BenchObject object : objects) {
                Seen seen = copies.get(object.key());
                if (seen == null || !expectedSeq.equals(seen.seq())) {
                    return -1;
                }
                last = Math.max(last, seen.nanos());
            }
            return last;
        }

        Seen seen(BenchObject object) {
            return copies.get(object.key());
        }

        long noneSeenAt() {
            return copies.isEmpty() ? lastDeletion.get() : -1;
        }

        int seenCount() {
            return copies.size();
        }

        void close() {
            watches.forEach(Watch::close);
            client.close();
        }
    }

    /** Waits until the watch has seen every copy with "seq" 0, then confirms with a list of each kind. */
    private long awaitCopies(long start) throws InterruptedException {
        long deadline = start + timeout.toNanos();
        while (true) {
            watch.check();
            long at = watch.allSeenAt("0");
            if (at > 0 && count(reader) == objects.size()) {
                return at;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the copies did not converge within " + timeout + "; seen " + watch.seenCount()
                        + " of " + objects.size());
            }
            Thread.sleep(20);
        }
    }

    private long awaitNoCopies(long start) throws InterruptedException {
        long deadline = start + timeout.toNanos();
        while (true) {
            watch.check();
            long at = watch.noneSeenAt();
            if (at >= 0 && count(reader) == 0) {
                return Math.max(at, start);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the copies were not deleted within " + timeout + "; seen " + watch.seenCount());
            }
            Thread.sleep(20);
        }
    }

    private void deleteCopiesDirectly() throws InterruptedException {
        deleteAll(reader);
        awaitNoCopies(System.nanoTime());
    }

    /**
     * The operator's copies against the floor's bodies: same labels and annotations (the annotations carry the hash
     * of the content), for every object.
     *
     * @return objects whose copy differs, or is missing
     */
    private int compareWithFloorBodies() {
        Map<String, GenericKubernetesResource> copies = new LinkedHashMap<>();
        for (BenchKind kind : BenchKind.values()) {
            reader.genericKubernetesResources(kind.context).inAnyNamespace()
                    .withLabel(TrackingMetadata.MANAGED_BY_LABEL, KRMSyncer.RECONCILER).list().getItems()
                    .forEach(copy -> copies.put(BenchObject.key(kind, copy.getMetadata().getNamespace(),
                            copy.getMetadata().getName()), copy));
        }
        int differ = 0;
        for (int i = 0; i < objects.size(); i++) {
            BenchObject object = objects.get(i);
            GenericKubernetesResource body = floorBodies.get(i);
            GenericKubernetesResource copy = copies.get(object.key());
            if (copy == null || !Objects.equals(body.getMetadata().getLabels(), copy.getMetadata().getLabels())
                    || !Objects.equals(body.getMetadata().getAnnotations(), copy.getMetadata().getAnnotations())
                    || !Objects.equals(body.getAdditionalProperties().get(object.kind().field()),
                            copy.getAdditionalProperties().get(object.kind().field()))) {
                differ++;
            }
        }
        return differ;
    }

    // --- figure 1: convergence and the floor ----------------------------------------------------------------------

    /**
     * What one phase did. {@code firstWriteNanos}/{@code lastWriteNanos}: the driver's source creates (convergence),
     * or the floor's creates, first sent and last answered.
     */
    record Phase(String label, long startNanos, long lastCreateNanos, long convergedNanos, long settledNanos,
            RequestCounts destination, RequestCounts source, RequestCounts destinationSettled, RequestCounts sourceSettled, long executions,
            long failures, long callNanos, long callCpuNanos, Cpu cpu, RunningOperator operator) {

        double seconds() {
            return (convergedNanos - startNanos) / 1e9;
        }
    }

    /**
     * The floor: a plain fabric8 client creating the same copies (bodies built by the operator's sanitiser from the
     * stored sources, so identical JSON) at the destination, one request at a time as the operator writes one
     * KRMSyncer's copies, with no operator running; observed by the same watch.
     */
    private Phase floor(String label) throws Exception {
        RequestCounts before = clusters.counter(destination).snapshot();
        AtomicLong threadNumber = new AtomicLong();
        ExecutorService pool = Executors.newSingleThreadExecutor(
                task -> new Thread(task, "benchmark-floor-" + threadNumber.incrementAndGet()));
        try (KubernetesClient floor = clusters.client(destination, FLOOR)) {
            floor.namespaces().withName(NAMESPACES.getFirst()).get(); // opens a connection, as the operator's is open
            Cpu cpuBefore = Cpu.now();
            Recording recording = Measurements.startRecording(jfr);
            long start = System.nanoTime();
            Future<Long> creates = pool.submit(() -> {
                for (int i = 0; i < objects.size(); i++) {
                    BenchObject object = objects.get(i);
                    floor.genericKubernetesResources(object.kind().context).inNamespace(object.namespace())
                            .resource(floorBodies.get(i)).create();
                }
                return System.nanoTime();
            });
            long converged = awaitCopies(start);
            stopRecording(recording, label);
            long lastCreate = creates.get();
            Cpu cpu = Cpu.now().minus(cpuBefore, converged - start);
            RequestCounts window = clusters.counter(destination).snapshot().minus(before);
            return new Phase(label, start, lastCreate, converged, converged, window, RequestCounts.EMPTY, window, RequestCounts.EMPTY,
                    0, 0, 0, 0, cpu, null);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The sources exist, the destination holds none of their copies: a fresh operator starts, until the benchmark's
     * watch has seen every copy; then until the operator is quiet.
     */
    private Phase startWithBacklog(String label) throws Exception {
        RequestCounts destinationBefore = clusters.counter(destination).snapshot();
        RequestCounts sourceBefore = clusters.counter(SOURCE).snapshot();
        Cpu cpuBefore = Cpu.now();
        Recording recording = Measurements.startRecording(jfr);
        RunningOperator operator = startOperator();
        long start = operator.startNanos();
        long converged = awaitCopies(start);
        stopRecording(recording, label);
        Cpu cpu = Cpu.now().minus(cpuBefore, converged - start);
        RequestCounts destinationConverged = clusters.counter(destination).snapshot().minus(destinationBefore);
        RequestCounts sourceConverged = clusters.counter(SOURCE).snapshot().minus(sourceBefore);
        long settled = awaitQuiet(operator, converged);
        awaitSynced(operator, objects.size());
        return new Phase(label, start, operator.startedNanos(), converged, settled, destinationConverged,
                sourceConverged, clusters.counter(destination).snapshot().minus(destinationBefore),
                clusters.counter(SOURCE).snapshot().minus(sourceBefore), operator.probe().executions(),
                operator.probe().failures(), operator.probe().callNanos(), operator.probe().callCpuNanos(), cpu,
                operator);
    }

    /**
     * The operator runs, the KRMSyncer is Synced with nothing to sync: the driver creates the sources, until the
     * benchmark's watch has seen every copy at the destination; then until the operator is quiet.
     */
    private Phase converge(String label, RunningOperator operator) throws Exception {
        RequestCounts destinationBefore = clusters.counter(destination).snapshot();
        RequestCounts sourceBefore = clusters.counter(SOURCE).snapshot();
        long executionsBefore = operator.probe().executions();
        long failuresBefore = operator.probe().failures();
        long callNanosBefore = operator.probe().callNanos();
        long callCpuBefore = operator.probe().callCpuNanos();
        Cpu cpuBefore = Cpu.now();
        Recording recording = Measurements.startRecording(jfr);
        long start = System.nanoTime();
        createSources();
        long lastCreate = System.nanoTime();
        long converged = awaitCopies(start);
        stopRecording(recording, label);
        Cpu cpu = Cpu.now().minus(cpuBefore, converged - start);
        RequestCounts destinationConverged = clusters.counter(destination).snapshot().minus(destinationBefore);
        RequestCounts sourceConverged = clusters.counter(SOURCE).snapshot().minus(sourceBefore);
        long settled = awaitQuiet(operator, converged);
        awaitSynced(operator, objects.size());
        return new Phase(label, start, lastCreate, converged, settled, destinationConverged, sourceConverged,
                clusters.counter(destination).snapshot().minus(destinationBefore),
                clusters.counter(SOURCE).snapshot().minus(sourceBefore),
                operator.probe().executions() - executionsBefore, operator.probe().failures() - failuresBefore,
                operator.probe().callNanos() - callNanosBefore, operator.probe().callCpuNanos() - callCpuBefore, cpu,
                operator);
    }

    /** The driver deletes the sources (one collection delete per kind and namespace), until every copy is gone. */
    private Phase deleteSources(String label, RunningOperator operator) throws Exception {
        RequestCounts destinationBefore = clusters.counter(destination).snapshot();
        RequestCounts sourceBefore = clusters.counter(SOURCE).snapshot();
        long executionsBefore = operator.probe().executions();
        long callCpuBefore = operator.probe().callCpuNanos();
        long callNanosBefore = operator.probe().callNanos();
        Cpu cpuBefore = Cpu.now();
        long start = System.nanoTime();
        deleteAll(driver);
        long gone = awaitNoCopies(start);
        Cpu cpu = Cpu.now().minus(cpuBefore, gone - start);
        long settled = awaitQuiet(operator, gone);
        awaitSynced(operator, 0);
        RequestCounts destinationWindow = clusters.counter(destination).snapshot().minus(destinationBefore);
        RequestCounts sourceWindow = clusters.counter(SOURCE).snapshot().minus(sourceBefore);
        return new Phase(label, start, start, gone, settled, destinationWindow, sourceWindow, destinationWindow,
                sourceWindow, operator.probe().executions() - executionsBefore, 0,
                operator.probe().callNanos() - callNanosBefore, operator.probe().callCpuNanos() - callCpuBefore, cpu,
                operator);
    }

    // --- figure 3: restart, suspend and resume ------------------------------------------------------------------

    /** A fresh operator (new client, informers, destination client) against the same servers, nothing changed. */
    private Phase restart() throws Exception {
        RequestCounts destinationBefore = clusters.counter(destination).snapshot();
        RequestCounts sourceBefore = clusters.counter(SOURCE).snapshot();
        Cpu cpuBefore = Cpu.now();
        RunningOperator operator = startOperator();
        awaitSynced(operator, objects.size());
        long synced = System.nanoTime();
        long settled = awaitQuiet(operator, synced);
        Cpu cpu = Cpu.now().minus(cpuBefore, settled - operator.startNanos());
        RequestCounts destinationWindow = clusters.counter(destination).snapshot().minus(destinationBefore);
        RequestCounts sourceWindow = clusters.counter(SOURCE).snapshot().minus(sourceBefore);
        return new Phase("restart", operator.startNanos(), operator.startedNanos(), synced, settled, destinationWindow,
                sourceWindow, destinationWindow, sourceWindow, operator.probe().executions(),
                operator.probe().failures(), operator.probe().callNanos(), operator.probe().callCpuNanos(), cpu,
                operator);
    }

    /** spec.suspend set to true, until Suspended and quiet; then back to false, until Synced and quiet. */
    private Phase[] suspendAndResume(RunningOperator operator) throws Exception {
        Phase[] phases = new Phase[2];
        for (int i = 0; i < 2; i++) {
            boolean suspend = i == 0;
            RequestCounts destinationBefore = clusters.counter(destination).snapshot();
            RequestCounts sourceBefore = clusters.counter(SOURCE).snapshot();
            long executionsBefore = operator.probe().executions();
            long start = System.nanoTime();
            driver.resources(KRMSyncer.class).inNamespace(SYNCER_NAMESPACE).withName(SYNCER_NAME)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
            if (suspend) {
                awaitSuspended();
            } else {
                awaitSynced(operator, objects.size());
            }
            long done = System.nanoTime();
            long settled = awaitQuiet(operator, done);
            RequestCounts destinationWindow = clusters.counter(destination).snapshot().minus(destinationBefore);
            RequestCounts sourceWindow = clusters.counter(SOURCE).snapshot().minus(sourceBefore);
            phases[i] = new Phase(suspend ? "suspend" : "resume", start, start, done, settled, destinationWindow,
                    sourceWindow, destinationWindow, sourceWindow, operator.probe().executions() - executionsBefore, 0,
                    0, 0, null, operator);
        }
        if (watch.seenCount() != objects.size()) {
            throw new AssertionError("copies missing after resume: seen " + watch.seenCount());
        }
        return phases;
    }

    // --- figure 2: latency ------------------------------------------------------------------------------------------

    /**
     * One update: sent (the patch leaves), patched (the source answered), reconcile began (the reconciliation that
     * made the copy write), copy write received and answered (at the destination), seen (by the benchmark's watch).
     */
    record UpdateSample(BenchKind kind, long sent, long patched, long reconcileStarted, long writeReceived,
            long writeAnswered, long seen) {

        long latency() {
            return seen - sent;
        }
    }

    record LatencyRun(List<UpdateSample> samples, RequestCounts destination, RequestCounts source, long executions, long failures,
            long callNanos, long callCpuNanos, Cpu cpu, long wallNanos) {

        long[] sorted(Function<UpdateSample, Long> value) {
            return samples.stream().mapToLong(value::apply).filter(v -> v >= 0).sorted().toArray();
        }
    }

    private UpdateSample update(RunningOperator operator, int index) throws InterruptedException {
        BenchObject object = objects.get(index % objects.size());
        long value = ++seq;
        String expected = Long.toString(value);
        RequestCounter counter = clusters.counter(destination);
        long sent = System.nanoTime();
        driver.genericKubernetesResources(object.kind().context).inNamespace(object.namespace()).withName(object.name())
                .patch(PatchContext.of(PatchType.JSON_MERGE), object.kind().patch(value));
        long patched = System.nanoTime();
        long deadline = sent + timeout.toNanos();
        DestinationWatch.Seen seen;
        synchronized (seenLock) {
            while ((seen = watch.seen(object)) == null || !expected.equals(seen.seq())) {
                watch.check();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(object.key() + " seq " + value + " not seen within " + timeout);
                }
                seenLock.wait(100);
            }
        }
        long received = counter.lastOperatorWriteReceivedNanos();
        long answered = counter.lastOperatorWriteNanos();
        boolean written = received >= sent;
        long reconcile = written ? operator.probe().lastStartBefore(received) : -1;
        return new UpdateSample(object.kind(), sent, patched, reconcile >= sent ? reconcile : -1,
                written ? received : -1, written ? answered : -1, seen.nanos());
    }

    /**
     * {@code warmup} unmeasured, then {@code updates} measured updates, each of one source object (a different one
     * each time, kinds taking turns), each waited for at the destination, then {@code pauseMillis} of pause.
     */
    private LatencyRun latency(RunningOperator operator) throws Exception {
        int index = 0;
        for (int i = 0; i < warmup; i++) {
            update(operator, index++);
            pause();
        }
        awaitQuiet(operator, System.nanoTime());
        RequestCounts destinationBefore = clusters.counter(destination).snapshot();
        RequestCounts sourceBefore = clusters.counter(SOURCE).snapshot();
        long executionsBefore = operator.probe().executions();
        long failuresBefore = operator.probe().failures();
        long callNanosBefore = operator.probe().callNanos();
        long callCpuBefore = operator.probe().callCpuNanos();
        Cpu cpuBefore = Cpu.now();
        Recording recording = Measurements.startRecording(jfr);
        long start = System.nanoTime();
        List<UpdateSample> samples = new ArrayList<>();
        for (int i = 0; i < updates; i++) {
            samples.add(update(operator, index++));
            pause();
        }
        long end = System.nanoTime();
        stopRecording(recording, "latency");
        Cpu cpu = Cpu.now().minus(cpuBefore, end - start);
        long settled = awaitQuiet(operator, end);
        report.note(String.format(Locale.ROOT, "latency: quiet %.1f s after the last update", (settled - end) / 1e9));
        return new LatencyRun(samples, clusters.counter(destination).snapshot().minus(destinationBefore),
                clusters.counter(SOURCE).snapshot().minus(sourceBefore),
                operator.probe().executions() - executionsBefore, operator.probe().failures() - failuresBefore,
                operator.probe().callNanos() - callNanosBefore, operator.probe().callCpuNanos() - callCpuBefore, cpu,
                end - start);
    }

    private void pause() throws InterruptedException {
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
    }

    private void stopRecording(Recording recording, String label) throws IOException {
        Path file = Measurements.stopRecording(recording,
                reportFile.toAbsolutePath().getParent().resolve("krmsyncer-" + label + ".jfr"));
        if (file != null) {
            report.note("JFR profile of " + label + ": " + file);
        }
    }

    // --- the report -----------------------------------------------------------------------------------------------

    private final class Report extends FigureReport {

        private final Map<String, Integer> differing = new LinkedHashMap<>();

        Report() {
            super("KRMSyncer benchmark");
            roundsTable("rounds (seconds; CPU/obj: JVM CPU ms per object; others/steal: CPU s of other processes / "
                    + "stolen by the hypervisor meanwhile; writes: operator writes at the destination, copies / all):",
                    "round", "floor", "CPU/obj", "others/steal", "backlog", "ratio", "writes", "convergence",
                    "creates", "tail", "CPU/obj", "others/steal", "ratio", "writes", "src writes", "calls",
                    "restart writes", "suspend/resume writes", "deletion", "writes", "deletion 2", "writes");
        }

        void setup(String crdOrigin) {
            Map<BenchKind, Long> perKind = objects.stream().collect(Collectors.groupingBy(BenchObject::kind,
                    () -> new java.util.EnumMap<>(BenchKind.class), Collectors.counting()));
            head.add(String.format(Locale.ROOT, "run: source and destination SandboxApiServers (in this JVM, http on "
                    + "loopback); %d objects (%s) of %d keys in namespaces %s; %d rounds; %d updates after %d warm-up, "
                    + "pause %d ms; quiet period %d ms", objects.size(), perKind.entrySet().stream()
                            .map(e -> e.getValue() + " " + e.getKey().kind).collect(Collectors.joining(", ")),
                    keyCount, NAMESPACES, rounds, updates, warmup, pauseMillis, quietMillis));
            head.add("KRMSyncer CRD: " + crdOrigin + "; destination client: krm-sync.clusters.client.qps="
                    + properties.get("krm-sync.clusters.client.qps") + ", burst="
                    + properties.get("krm-sync.clusters.client.burst"));
        }

        void identical(String phase, int differ) {
            differing.put(phase, differ);
        }

        void round(int round, Phase floor, Phase backlog, Phase convergence, Phase restart, Phase[] suspension,
                Phase deletion, Phase deletion2) {
            roundRows.add(new String[] { Integer.toString(round), fmt(floor.seconds()), perObject(floor),
                    interference(floor), fmt(backlog.seconds()),
                    String.format(Locale.ROOT, "%.2fx", backlog.seconds() / floor.seconds()),
                    copyWrites(backlog.destinationSettled()) + " / " + backlog.destinationSettled().writes(OPERATOR),
                    fmt(convergence.seconds()),
                    fmt((convergence.lastCreateNanos() - convergence.startNanos()) / 1e9),
                    fmt((convergence.convergedNanos() - convergence.lastCreateNanos()) / 1e9), perObject(convergence),
                    interference(convergence), String.format(Locale.ROOT, "%.2fx", convergence.seconds() / floor.seconds()),
                    copyWrites(convergence.destinationSettled()) + " / " + convergence.destinationSettled().writes(OPERATOR),
                    Long.toString(convergence.sourceSettled().writes(OPERATOR)),
                    Long.toString(convergence.executions()),
                    Long.toString(restart.destinationSettled().writes(OPERATOR)),
                    suspension[0].destinationSettled().writes(OPERATOR) + " / "
                            + suspension[1].destinationSettled().writes(OPERATOR),
                    fmt(deletion.seconds()),
                    copyWrites(deletion.destinationSettled()) + " / " + deletion.destinationSettled().writes(OPERATOR),
                    fmt(deletion2.seconds()),
                    copyWrites(deletion2.destinationSettled()) + " / " + deletion2.destinationSettled().writes(OPERATOR) });
            note(String.format(Locale.ROOT, "round %d, backlog (fresh operator, sources there): destination requests "
                    + "until quiet: %s; source writes: %s; reconciler calls %d (failures %d), %.2f s in them (%.2f s "
                    + "CPU); SDK started after %s; JVM CPU %s; %s", round,
                    backlog.destinationSettled().describe(OPERATOR, false), backlog.sourceSettled().describe(OPERATOR, true),
                    backlog.executions(), backlog.failures(), backlog.callNanos() / 1e9, backlog.callCpuNanos() / 1e9,
                    secs(backlog.lastCreateNanos() - backlog.startNanos()), backlog.cpu().summary(),
                    backlog.cpu().top(7)));
            note(String.format(Locale.ROOT, "round %d, convergence: destination requests until quiet: %s; source "
                    + "writes: %s; reconciler calls %d (failures %d), %.2f s in them (%.2f s CPU), until quiet; JVM CPU "
                    + "%s; %s", round, convergence.destinationSettled().describe(OPERATOR, false),
                    convergence.sourceSettled().describe(OPERATOR, true), convergence.executions(),
                    convergence.failures(), convergence.callNanos() / 1e9, convergence.callCpuNanos() / 1e9,
                    convergence.cpu().summary(), convergence.cpu().top(7)));
            note(String.format(Locale.ROOT, "round %d, floor: %s; JVM CPU %s; %s", round,
                    floor.destination().describe(FLOOR, true), floor.cpu().summary(), floor.cpu().top(6)));
            note(String.format(Locale.ROOT, "round %d, restart: destination requests %s; source writes %s; reconciler "
                    + "calls %d, start -> Synced %s, quiet %s", round, restart.destinationSettled().describe(OPERATOR, false),
                    restart.sourceSettled().describe(OPERATOR, true), restart.executions(),
                    secs(restart.convergedNanos() - restart.startNanos()),
                    secs(restart.settledNanos() - restart.startNanos())));
            note(String.format(Locale.ROOT, "round %d, suspend: destination requests %s; source writes %s; reconciler "
                    + "calls %d. resume: destination requests %s; source writes %s; reconciler calls %d, resume -> "
                    + "Synced %s", round, suspension[0].destinationSettled().describe(OPERATOR, false),
                    suspension[0].sourceSettled().describe(OPERATOR, true), suspension[0].executions(),
                    suspension[1].destinationSettled().describe(OPERATOR, false),
                    suspension[1].sourceSettled().describe(OPERATOR, true), suspension[1].executions(),
                    secs(suspension[1].convergedNanos() - suspension[1].startNanos())));
            for (Phase d : List.of(deletion, deletion2)) {
                note(String.format(Locale.ROOT, "round %d, %s (the sources deleted): destination requests %s; source "
                        + "writes %s; reconciler calls %d, %.2f s CPU in them", round, d.label(),
                        d.destinationSettled().describe(OPERATOR, false), d.sourceSettled().describe(OPERATOR, true),
                        d.executions(), d.callCpuNanos() / 1e9));
            }
        }

        private long copyWrites(RequestCounts counts) {
            return counts.writes(OPERATOR, Category.CONFIGMAP) + counts.writes(OPERATOR, Category.SECRET)
                    + counts.writes(OPERATOR, Category.CUSTOM_RESOURCE);
        }

        void convergence(List<Phase> floors, List<Phase> backlogs, List<Phase> convergences) {
            String which = convergences.size() > 1 ? "rounds 2-" + convergences.size() : "round 1";
            List<Double> f = warm(floors).stream().map(Phase::seconds).toList();
            List<Double> c = warm(convergences).stream().map(Phase::seconds).toList();
            List<Double> b = warm(backlogs).stream().map(Phase::seconds).toList();
            List<Double> creates = warm(convergences).stream().map(p -> (p.lastCreateNanos() - p.startNanos()) / 1e9)
                    .toList();
            List<Double> tails = warm(convergences).stream().map(p -> (p.convergedNanos() - p.lastCreateNanos()) / 1e9)
                    .toList();
            row("1", "floor: plain client, the same " + objects.size() + " creates at the destination, median " + which,
                    String.format(Locale.ROOT, "%.2f s", median(f)), range(f));
            row("1", "convergence: " + objects.size() + " sources created -> all copies seen at the destination, median "
                    + which, String.format(Locale.ROOT, "%.2f s", median(c)), range(c));
            row("1", "ratio convergence / floor (medians)", String.format(Locale.ROOT, "%.2fx", median(c) / median(f)),
                    "per round: " + perRound(convergences, floors) + " (round 1 in a cold JVM)");
            row("", "  of which the driver creating the sources at the source, median",
                    String.format(Locale.ROOT, "%.2f s", median(creates)),
                    "the operator cannot finish before the last source exists; " + range(creates));
            row("", "  last source created -> last copy seen, median", String.format(Locale.ROOT, "%.2f s",
                    median(tails)), range(tails));
            row("1", "backlog: a fresh operator, " + objects.size() + " sources there -> all copies seen, median "
                    + which, String.format(Locale.ROOT, "%.2f s", median(b)), range(b));
            row("1", "ratio backlog / floor (medians)", String.format(Locale.ROOT, "%.2fx", median(b) / median(f)),
                    "per round: " + perRound(backlogs, floors));
            phaseRows("convergence", convergences);
            phaseRows("backlog", backlogs);
            row("", "operator's copies identical to the floor's bodies (labels, annotations, content)",
                    differing.values().stream().allMatch(d -> d == 0) ? "yes, every time"
                            : "NO: " + differing, "differing or missing objects, checked after each convergence");
            List<Double> cCpu = warm(convergences).stream().map(p -> p.cpu().cpuNanos() / 1e6 / objects.size()).toList();
            List<Double> bCpu = warm(backlogs).stream().map(p -> p.cpu().cpuNanos() / 1e6 / objects.size()).toList();
            List<Double> fCpu = warm(floors).stream().map(p -> p.cpu().cpuNanos() / 1e6 / objects.size()).toList();
            row("", "JVM CPU per object, medians: convergence / backlog / floor",
                    String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", median(cCpu), median(bCpu), median(fCpu)),
                    "servers, operator and benchmark together; convergence includes the source creates");
            row("", "  convergence by thread (last round)", "", convergences.getLast().cpu().top(8));
            row("", "  backlog by thread (last round)", "", backlogs.getLast().cpu().top(8));
            row("", "  floor by thread (last round)", "", floors.getLast().cpu().top(6));
        }

        /** Writes, reads and reconciler calls of each round's phase. */
        private void phaseRows(String name, List<Phase> phases) {
            Phase last = phases.getLast();
            row("", "  " + name + ": operator writes at the destination (every round)",
                    phases.stream().map(p -> Long.toString(p.destinationSettled().writes(OPERATOR)))
                            .collect(Collectors.joining(", ")),
                    "expected " + objects.size() + " creates; last round: " + last.destinationSettled().describe(OPERATOR, true));
            row("", "  " + name + ": operator reads at the destination (last round)",
                    last.destinationSettled().reads(OPERATOR) + " GET, " + last.destinationSettled().watches(OPERATOR)
                            + " WATCH", last.destinationSettled().describe(OPERATOR, false));
            row("", "  " + name + ": operator writes at the source (every round)",
                    phases.stream().map(p -> Long.toString(p.sourceSettled().writes(OPERATOR)))
                            .collect(Collectors.joining(", ")),
                    "last round: " + last.sourceSettled().describe(OPERATOR, true));
            row("", "  " + name + ": reconciler calls until quiet (every round)", phases.stream()
                    .map(p -> Long.toString(p.executions())).collect(Collectors.joining(", ")),
                    String.format(Locale.ROOT, "last round: %.2f s in reconciler calls, %.2f s of it CPU (%.2f ms CPU "
                            + "per call)", last.callNanos() / 1e9, last.callCpuNanos() / 1e9,
                            last.callCpuNanos() / 1e6 / Math.max(1, last.executions())));
        }

        /** Rounds 2 and later (the first runs in a cold JVM), or round 1 if it is the only one. */
        private List<Phase> warm(List<Phase> phases) {
            return phases.size() > 1 ? phases.subList(1, phases.size()) : phases;
        }

        private String perRound(List<Phase> convergences, List<Phase> floors) {
            List<String> ratios = new ArrayList<>();
            for (int i = 0; i < convergences.size(); i++) {
                ratios.add(String.format(Locale.ROOT, "%.2fx", convergences.get(i).seconds() / floors.get(i).seconds()));
            }
            return String.join(", ", ratios);
        }

        void latency(LatencyRun run) {
            List<UpdateSample> s = run.samples();
            long[] l = run.sorted(UpdateSample::latency);
            row("2", "update latency, source patch sent -> copy seen at the destination: p50 / p99",
                    String.format(Locale.ROOT, "%.2f / %.2f ms", pct(l, 50), pct(l, 99)),
                    String.format(Locale.ROOT, "p90 %.2f, max %.2f, mean %.2f ms; %d updates in %.1f s", pct(l, 90),
                            pct(l, 100), Arrays.stream(l).average().orElse(0) / 1e6, l.length, run.wallNanos() / 1e9));
            for (BenchKind kind : BenchKind.values()) {
                long[] k = s.stream().filter(u -> u.kind() == kind).mapToLong(UpdateSample::latency).sorted().toArray();
                row("", "  " + kind.kind + ": p50 / p99", String.format(Locale.ROOT, "%.2f / %.2f ms", pct(k, 50),
                        pct(k, 99)), k.length + " updates");
            }
            row("", "  sent -> source answered", segment(s, UpdateSample::sent, UpdateSample::patched), "");
            row("", "  sent -> the reconcile that wrote the copy began",
                    segment(s, UpdateSample::sent, UpdateSample::reconcileStarted), "source watch, SDK");
            row("", "  reconcile began -> copy write received at the destination",
                    segment(s, UpdateSample::reconcileStarted, UpdateSample::writeReceived),
                    "the pass over every selected object");
            row("", "  copy write received -> answered", segment(s, UpdateSample::writeReceived,
                    UpdateSample::writeAnswered), "");
            row("", "  write answered -> seen by the benchmark's watch",
                    segment(s, UpdateSample::writeAnswered, UpdateSample::seen), "");
            row("", "  operator writes at the destination / per update",
                    run.destination().writes(OPERATOR) + String.format(Locale.ROOT, " / %.3f",
                            run.destination().writes(OPERATOR) / (double) s.size()),
                    run.destination().describe(OPERATOR, false));
            row("", "  operator writes at the source / per update",
                    run.source().writes(OPERATOR) + String.format(Locale.ROOT, " / %.3f",
                            run.source().writes(OPERATOR) / (double) s.size()),
                    run.source().describe(OPERATOR, true));
            row("", "  reconciler calls (per update) / failures", String.format(Locale.ROOT, "%d (%.2f) / %d",
                    run.executions(), run.executions() / (double) s.size(), run.failures()),
                    String.format(Locale.ROOT, "%.2f ms per call, %.2f ms of it CPU", run.callNanos() / 1e6
                            / Math.max(1, run.executions()), run.callCpuNanos() / 1e6 / Math.max(1, run.executions())));
            row("", "  JVM CPU per update", String.format(Locale.ROOT, "%.2f ms", run.cpu().cpuNanos() / 1e6 / s.size()),
                    run.cpu().summary() + "; " + run.cpu().top(6));
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

        void restarts(List<Phase> restarts, List<Phase[]> suspensions) {
            Phase last = restarts.getLast();
            row("3", "restart, nothing changed: operator writes at the destination (every round)",
                    restarts.stream().map(p -> Long.toString(p.destinationSettled().writes(OPERATOR)))
                            .collect(Collectors.joining(", ")),
                    "target 0; last round: " + last.destinationSettled().describe(OPERATOR, true));
            row("", "  operator writes at the source (every round)", restarts.stream()
                    .map(p -> Long.toString(p.sourceSettled().writes(OPERATOR))).collect(Collectors.joining(", ")),
                    "last round: " + last.sourceSettled().describe(OPERATOR, true));
            row("", "  operator reads at the destination (last round)", last.destinationSettled().reads(OPERATOR)
                    + " GET, " + last.destinationSettled().watches(OPERATOR) + " WATCH",
                    last.destinationSettled().describe(OPERATOR, false));
            row("", "  start -> SDK started / Synced / quiet (last round)",
                    secs(last.lastCreateNanos() - last.startNanos()) + " / "
                            + secs(last.convergedNanos() - last.startNanos()) + " / "
                            + secs(last.settledNanos() - last.startNanos()),
                    String.format(Locale.ROOT, "reconciler calls %d, %.2f s CPU in them", last.executions(),
                            last.callCpuNanos() / 1e9));
            row("3", "suspend -> resume, nothing changed: operator writes at the destination (every round)",
                    suspensions.stream().map(p -> p[0].destinationSettled().writes(OPERATOR) + "+"
                            + p[1].destinationSettled().writes(OPERATOR)).collect(Collectors.joining(", ")),
                    "target 0 (suspend + resume); last round: " + suspensions.getLast()[1].destinationSettled()
                            .describe(OPERATOR, true));
            row("", "  operator writes at the source, suspend + resume (every round)",
                    suspensions.stream().map(p -> p[0].sourceSettled().writes(OPERATOR) + "+"
                            + p[1].sourceSettled().writes(OPERATOR)).collect(Collectors.joining(", ")),
                    "last round: " + suspensions.getLast()[0].sourceSettled().describe(OPERATOR, true) + " + "
                            + suspensions.getLast()[1].sourceSettled().describe(OPERATOR, true));
            row("", "  operator reads at the destination on resume (last round)",
                    suspensions.getLast()[1].destinationSettled().reads(OPERATOR) + " GET, "
                            + suspensions.getLast()[1].destinationSettled().watches(OPERATOR) + " WATCH",
                    suspensions.getLast()[1].destinationSettled().describe(OPERATOR, false));
        }

        private String interference(Phase p) {
            return p.cpu().othersNanos() < 0 ? ""
                    : String.format(Locale.ROOT, "%.1f / %.1f", p.cpu().othersNanos() / 1e9, p.cpu().stealNanos() / 1e9);
        }

        private String perObject(Phase p) {
            return String.format(Locale.ROOT, "%.2f", p.cpu().cpuNanos() / 1e6 / objects.size());
        }

    }

    /** The in-memory servers log every request at INFO; held so that the level set on it stays. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger
            .getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }
}
