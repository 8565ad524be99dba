package io.krmsync.benchmark;

import static io.krmsync.benchmark.Measurements.fmt;
import static io.krmsync.benchmark.Measurements.median;
import static io.krmsync.benchmark.Measurements.pct;
import static io.krmsync.benchmark.Measurements.range;
import static io.krmsync.benchmark.Measurements.secs;
import static io.krmsync.benchmark.Measurements.segment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Function;
import java.util.stream.Collectors;

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
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
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
import io.krmsync.status.StatusConditions;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.tenancy.Tenancy;
import io.smallrye.config.SmallRyeConfig;

/**
 * KRMSyncer benchmark: a source and a destination in-memory API server ({@link PropagationClusters} with one
 * provider, the destination), one KRMSyncer with three rules (ConfigMaps, Secrets and a custom resource, Widget, whose
 * CRD both clusters have) selecting the objects of two namespaces, and the operator built with the operator SDK
 * directly ({@link RunningOperator}, no Quarkus, as the other benchmarks), so that it can be stopped and a fresh one
 * started. Prints a table of figures (and writes it to target/benchmark-reports/krmsyncer.txt); asserts only that the
 * copies arrived, never anything about time.
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
    static final String OPERATOR = RequestCounter.OPERATOR;
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

    /** The phases count the requests of the destination server, and of the source server ({@link #SOURCE}). */
    private static final String DESTINATION = "destination";
    /** The phases of every round. */
    private static final String FLOORS = "floor";
    private static final String BACKLOGS = "backlog";
    private static final String RESTARTS = "restart";
    private static final String SUSPENSIONS = "suspend";
    private static final String RESUMPTIONS = "resume";
    private static final String DELETIONS = "deletion";
    private static final String CONVERGENCES = "convergence";
    private static final String SECOND_DELETIONS = "deletion after convergence";

    // The servers come first: the harness counts their requests.
    private final PropagationClusters clusters = new PropagationClusters(1);
    private String destinationCluster;
    private final Report report = new Report();
    private final BenchmarkHarness harness = new BenchmarkHarness("benchmark.krmsyncer.", report,
            "target/benchmark-reports/krmsyncer.txt", 600, "krmsyncer-")
            .counting(DESTINATION, () -> clusters.counter(destinationCluster).snapshot())
            .counting(SOURCE, () -> clusters.counter(SOURCE).snapshot())
            .operatorWrites(() -> Math.max(clusters.counter(SOURCE).lastOperatorWriteNanos(),
                    clusters.counter(destinationCluster).lastOperatorWriteNanos()));
    private final int objectCount = harness.integer("objects", 1000);
    private final int keyCount = harness.integer("keys", 5);
    private final int rounds = Math.max(1, harness.integer("rounds", 5));
    private final int updates = harness.integer("updates", 200);
    private final int warmup = harness.integer("warmup", 50);
    private final long pauseMillis = harness.number("pauseMillis", 20);

    private final Object seenLock = new Object();
    private final Rounds phases = new Rounds();
    private Map<String, String> properties;
    private KubernetesClient driver;
    private KubernetesClient reader;
    private DestinationWatch watch;
    private List<BenchObject> objects;
    private List<String> objectKeys;
    private List<GenericKubernetesResource> floorBodies;
    private long seq;
    private RunningOperator<Probe> operator;

    @Test
    void krmSyncer() throws Exception {
        try {
            properties = new LinkedHashMap<>(clusters.start());
            // Only the destination client's settings matter here (no cluster registry, no providers).
            properties.remove("krm-sync.clusters.provider-kubeconfigs");
            properties.put("krm-sync.clusters.client.qps", harness.text("qps", "10000"));
            properties.put("krm-sync.clusters.client.burst", harness.text("burst", "10000"));
            destinationCluster = clusters.providers().getFirst();
            driver = clusters.client(SOURCE, DRIVER);
            reader = clusters.client(destinationCluster, DRIVER);
            report.machine(driver);
            String crdOrigin = setUp();
            watch = new DestinationWatch();
            report.setup(crdOrigin);

            for (int round = 1; round <= rounds; round++) {
                round(round);
            }
            report.convergence();
            report.restarts();
        } finally {
            stopOperator();
            harness.printReport();
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

    /**
     * One round: the floor; the backlog (a fresh operator, the sources there); a restart; suspend and resume; in the
     * last round the latency figure; the sources deleted; the convergence (sources created while the operator runs);
     * the sources deleted again.
     */
    private void round(int round) throws Exception {
        phases.add(FLOORS, floor("floor-" + round));
        deleteCopiesDirectly();

        // 1b: the sources exist, a fresh operator starts.
        createSources();
        phases.add(BACKLOGS, startWithBacklog("backlog-" + round));
        report.identical("backlog-" + round, compareWithFloorBodies());

        // 3: restart, then suspend and resume, nothing changed.
        stopOperator();
        phases.add(RESTARTS, restart());
        phases.add(SUSPENSIONS, suspendOrResume(true));
        phases.add(RESUMPTIONS, suspendOrResume(false));
        if (watch.copies.count(objectKeys) != objects.size()) {
            throw new AssertionError("copies missing after resume: seen " + watch.copies.count(objectKeys));
        }

        // 2: one change at a time.
        if (round == rounds) {
            report.latency(latency());
        }
        phases.add(DELETIONS, deleteSources("deletion-" + round));

        // 1: the sources are created while the operator runs.
        phases.add(CONVERGENCES, converge("convergence-" + round));
        report.identical("convergence-" + round, compareWithFloorBodies());
        phases.add(SECOND_DELETIONS, deleteSources("deletion-" + round + "b"));
        report.round(round);
        stopOperator();
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

    /**
     * Namespaces in both clusters (so that neither the operator nor the floor creates any), the Widget CRD in both,
     * the KRMSyncer CRD, the kubeconfig Secret and the KRMSyncer in the source. Then the floor's request bodies: the
     * sources are created once with no operator running, turned into copies by the operator's sanitiser, and deleted.
     */
    private String setUp() throws Exception {
        objects = new ArrayList<>();
        for (int i = 0; i < objectCount; i++) {
            objects.add(new BenchObject(BenchKind.values()[i % 3], NAMESPACES.get((i / 3) % NAMESPACES.size()),
                    String.format(Locale.ROOT, "obj-%04d", i + 1)));
        }
        objectKeys = objects.stream().map(BenchObject::key).toList();
        KubernetesClient destinationDriver = clusters.client(destinationCluster, DRIVER);
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
        String origin = BenchmarkCrds.install(driver, KRMSyncer.class, Path.of(harness.text("crd", GENERATED_CRD)));
        driver.secrets().inNamespace(SYNCER_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName(KUBECONFIG_SECRET).withNamespace(SYNCER_NAMESPACE).endMetadata()
                .withStringData(Map.of("kubeconfig", Files.readString(clusters.kubeconfig(destinationCluster)))).build())
                .create();

        createSources();
        floorBodies = floorBodies();
        deleteSourcesDirectly();
        driver.resources(KRMSyncer.class).inNamespace(SYNCER_NAMESPACE).resource(syncer()).create();
        return origin;
    }

    /**
     * The floor's request bodies, from the sources as the API server stored them (as the operator's informers see
     * them): what RulePass.syncObject builds for a source, the sanitised copy plus the source's generation.
     */
    private List<GenericKubernetesResource> floorBodies() {
        ObjectSanitizer sanitizer = new ObjectSanitizer(driver.getKubernetesSerialization());
        Map<String, GenericKubernetesResource> stored = new LinkedHashMap<>();
        for (BenchKind kind : BenchKind.values()) {
            for (String namespace : NAMESPACES) {
                driver.genericKubernetesResources(kind.context).inNamespace(namespace).withLabel(BENCH_LABEL, BENCH_VALUE)
                        .list().getItems().forEach(o -> stored.put(BenchObject.key(kind, namespace,
                                o.getMetadata().getName()), o));
            }
        }
        List<GenericKubernetesResource> bodies = new ArrayList<>();
        for (BenchObject object : objects) {
            GenericKubernetesResource source = Objects.requireNonNull(stored.get(object.key()), object.key());
            GenericKubernetesResource desired = sanitizer.desiredCopy(source, object.namespace(),
                    new SourceRef(SOURCE, object.namespace(), object.name()), owner());
            if (source.getMetadata().getGeneration() != null) {
                desired.getMetadata().getAnnotations().put(TrackingMetadata.SOURCE_GENERATION_ANNOTATION,
                        String.valueOf(source.getMetadata().getGeneration()));
            }
            bodies.add(desired);
        }
        return bodies;
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
        return CopyOwner.of(KRMSyncerReconciler.NAME, SYNCER_NAMESPACE, SYNCER_NAME);
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
        Map<String, String> keys = BenchmarkHarness.sourceData(keyCount);
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
        harness.await(() -> count(client) == 0, 50, () -> "objects not deleted within " + harness.timeout());
    }

    // --- the operator -------------------------------------------------------------------------------------------

    /** {@link ReconcileTracker}, plus when every reconciliation began (to find the one that made a write). */
    static final class Probe extends ReconcileTracker {

        private final ConcurrentSkipListSet<Long> starts = new ConcurrentSkipListSet<>();

        @Override
        void started(HasMetadata resource, long nanos) {
            starts.add(nanos);
        }

        /** The last reconciliation that began at or before {@code nanos}, or -1. */
        long lastStartBefore(long nanos) {
            Long start = starts.floor(nanos);
            return start == null ? -1 : start;
        }
    }

    /**
     * A fresh operator as the Quarkus application wires KRMSyncerReconciler: its own client of the source cluster,
     * RemoteClients with the settings read through SmallRye Config.
     */
    private void startOperator() {
        SmallRyeConfig config = PropagationClusters.config(properties, "krmsyncer-benchmark", ClustersConfig.class,
                KRMSyncerConfig.class, LocalClusterConfig.class);
        ClustersConfig clustersConfig = config.getConfigMapping(ClustersConfig.class);
        operator = RunningOperator.with(RunningOperator.clientOf(clusters.url(SOURCE)), new Probe())
                .start(parts -> new KRMSyncerReconciler(parts.copyEngine(), parts.statusRecorder(), parts.events(),
                        parts.metrics(), new RemoteClients(parts.serialization(), clustersConfig), clustersConfig,
                        config.getConfigMapping(LocalClusterConfig.class),
                        config.getConfigMapping(KRMSyncerConfig.class), parts.tenancy(), parts.impersonation()));
    }

    private void stopOperator() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
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
    private void awaitSynced(int synced) throws InterruptedException {
        KRMSyncer[] lastRead = new KRMSyncer[1];
        harness.await(() -> {
            KRMSyncer syncer = currentSyncer();
            lastRead[0] = syncer;
            Condition ready = condition(syncer, StatusConditions.READY);
            return ready != null && "True".equals(ready.getStatus()) && "Synced".equals(ready.getReason())
                    && Objects.equals(syncer.getStatus().getObservedGeneration(), syncer.getMetadata().getGeneration())
                    && (synced + "/" + synced).equals(syncer.getStatus().getSummary());
        }, 20, () -> "the KRMSyncer is not Synced with " + synced + " objects within " + harness.timeout() + ": "
                + (lastRead[0] == null ? null : lastRead[0].getStatus() == null ? null
                        : driver.getKubernetesSerialization().asJson(lastRead[0].getStatus())));
    }

    private void awaitSuspended() throws InterruptedException {
        harness.await(() -> {
            KRMSyncer syncer = currentSyncer();
            Condition suspended = condition(syncer, "Suspended");
            return suspended != null && "True".equals(suspended.getStatus())
                    && Objects.equals(syncer.getStatus().getObservedGeneration(), syncer.getMetadata().getGeneration());
        }, 20, () -> "the KRMSyncer is not Suspended within " + harness.timeout());
    }

    // --- observing the destination ------------------------------------------------------------------------------

    /**
     * The benchmark's own view of the destination: a watch (own client, own connection) per kind on everything
     * carrying krm-sync's managed-by label for KRMSyncers, recording each copy's "seq" ({@link #copies}).
     */
    private final class DestinationWatch {

        private final KubernetesClient client = clusters.client(destinationCluster, WATCHER);
        private final List<Watch> watches = new ArrayList<>();
        private final SeenCopies<String> copies = new SeenCopies<>("the benchmark's watch on the destination");

        DestinationWatch() {
            for (BenchKind kind : BenchKind.values()) {
                watches.add(client.genericKubernetesResources(kind.context).inAnyNamespace()
                        .withLabel(TrackingMetadata.MANAGED_BY_LABEL, KRMSyncerReconciler.NAME).watch(watcher(kind)));
            }
        }

        private Watcher<GenericKubernetesResource> watcher(BenchKind kind) {
            return new Watcher<>() {
                @Override
                public void eventReceived(Action action, GenericKubernetesResource copy) {
                    long now = System.nanoTime();
                    String key = BenchObject.key(kind, copy.getMetadata().getNamespace(), copy.getMetadata().getName());
                    if (action == Action.DELETED) {
                        copies.deleted(key, now);
                    } else {
                        copies.seen(key, kind.seqOf(copy), now);
                    }
                    synchronized (seenLock) {
                        seenLock.notifyAll();
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    copies.closed(cause);
                }
            };
        }

        void close() {
            watches.forEach(Watch::close);
            client.close();
        }
    }

    /** Waits until the watch has seen every copy with "seq" 0, then confirms with a list of each kind. */
    private long awaitCopies(long start) throws InterruptedException {
        return harness.awaitSeen(start, 20, () -> {
            watch.copies.check();
            return watch.copies.allSeenAt(objectKeys, "0");
        }, () -> count(reader) == objects.size(), () -> "the copies did not converge within " + harness.timeout()
                + "; seen " + watch.copies.count(objectKeys) + " of " + objects.size());
    }

    private long awaitNoCopies(long start) throws InterruptedException {
        return harness.awaitSeen(start, 20, () -> {
            watch.copies.check();
            return watch.copies.noneSeenAt(objectKeys);
        }, () -> count(reader) == 0, () -> "the copies were not deleted within " + harness.timeout() + "; seen "
                + watch.copies.count(objectKeys));
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
                    .withLabel(TrackingMetadata.MANAGED_BY_LABEL, KRMSyncerReconciler.NAME).list().getItems()
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
     * The floor: a plain fabric8 client creating the same copies (bodies built by the operator's sanitiser from the
     * stored sources, so identical JSON) at the destination, one request at a time as the operator writes one
     * KRMSyncer's copies, with no operator running; observed by the same watch.
     */
    private Phase floor(String label) throws Exception {
        try (KubernetesClient floor = clusters.client(destinationCluster, FLOOR)) {
            floor.namespaces().withName(NAMESPACES.getFirst()).get(); // opens a connection, as the operator's is open
            List<Floor.Write> creates = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                BenchObject object = objects.get(i);
                GenericKubernetesResource body = floorBodies.get(i);
                creates.add(() -> floor.genericKubernetesResources(object.kind().context).inNamespace(object.namespace())
                        .resource(body).create());
            }
            return Floor.measure(harness, label, 1, creates, this::awaitCopies);
        }
    }

    /**
     * The sources exist, the destination holds none of their copies: a fresh operator starts, until the benchmark's
     * watch has seen every copy; then until the operator is quiet.
     */
    private Phase startWithBacklog(String label) throws Exception {
        PhaseWindow window = harness.profiled(label, null);
        startOperator();
        return untilAllCopied(window.started(operator));
    }

    /**
     * The operator runs, the KRMSyncer is Synced with nothing to sync: the driver creates the sources, until the
     * benchmark's watch has seen every copy at the destination; then until the operator is quiet.
     */
    private Phase converge(String label) throws Exception {
        PhaseWindow window = harness.profiled(label, operator);
        createSources();
        return untilAllCopied(window.mark(System.nanoTime()));
    }

    /** Until the watch has seen every copy; then until the operator is quiet and the KRMSyncer Synced with all. */
    private Phase untilAllCopied(PhaseWindow window) throws Exception {
        long converged = awaitCopies(window.start());
        window.converged(converged);
        long settled = harness.awaitQuiet(operator, converged, 1);
        awaitSynced(objects.size());
        return window.settled(settled);
    }

    /** The driver deletes the sources (one collection delete per kind and namespace), until every copy is gone. */
    private Phase deleteSources(String label) throws Exception {
        PhaseWindow window = harness.open(label, operator);
        deleteAll(driver);
        long gone = awaitNoCopies(window.start());
        window.converged(gone);
        long settled = harness.awaitQuiet(operator, gone, 1);
        awaitSynced(0);
        return window.settled(settled);
    }

    // --- figure 3: restart, suspend and resume ------------------------------------------------------------------

    /** A fresh operator (new client, informers, destination client) against the same servers, nothing changed. */
    private Phase restart() throws Exception {
        PhaseWindow window = harness.open("restart", null).cpuUntilSettled();
        startOperator();
        window.started(operator);
        awaitSynced(objects.size());
        long synced = System.nanoTime();
        window.converged(synced);
        return window.settled(harness.awaitQuiet(operator, synced, 1));
    }

    /** spec.suspend set to {@code suspend}: until Suspended (or Synced again) and quiet. */
    private Phase suspendOrResume(boolean suspend) throws Exception {
        PhaseWindow window = harness.open(suspend ? "suspend" : "resume", operator);
        driver.resources(KRMSyncer.class).inNamespace(SYNCER_NAMESPACE).withName(SYNCER_NAME)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
        if (suspend) {
            awaitSuspended();
        } else {
            awaitSynced(objects.size());
        }
        long done = System.nanoTime();
        window.converged(done);
        return window.settled(harness.awaitQuiet(operator, done, 1));
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

    /** The latency figure: its updates, and the phase they ran in (requests, reconciler calls, CPU). */
    record LatencyRun(List<UpdateSample> samples, Phase phase) {

        long[] sorted(Function<UpdateSample, Long> value) {
            return samples.stream().mapToLong(value::apply).filter(v -> v >= 0).sorted().toArray();
        }
    }

    private UpdateSample update(int index) throws InterruptedException {
        BenchObject object = objects.get(index % objects.size());
        long value = ++seq;
        String expected = Long.toString(value);
        RequestCounter counter = clusters.counter(destinationCluster);
        long sent = System.nanoTime();
        driver.genericKubernetesResources(object.kind().context).inNamespace(object.namespace()).withName(object.name())
                .patch(PatchContext.of(PatchType.JSON_MERGE), object.kind().patch(value));
        long patched = System.nanoTime();
        long deadline = sent + harness.timeout().toNanos();
        SeenCopies.Seen<String> seen;
        synchronized (seenLock) {
            while ((seen = watch.copies.get(object.key())) == null || !expected.equals(seen.value())) {
                watch.copies.check();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(object.key() + " seq " + value + " not seen within " + harness.timeout());
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
    private LatencyRun latency() throws Exception {
        int index = 0;
        for (int i = 0; i < warmup; i++) {
            update(index++);
            pause();
        }
        harness.awaitQuiet(operator, System.nanoTime(), 1);
        PhaseWindow window = harness.profiled("latency", operator);
        List<UpdateSample> samples = new ArrayList<>();
        for (int i = 0; i < updates; i++) {
            samples.add(update(index++));
            pause();
        }
        long end = System.nanoTime();
        window.converged(end);
        long settled = harness.awaitQuiet(operator, end, 1);
        report.note(String.format(Locale.ROOT, "latency: quiet %.1f s after the last update", (settled - end) / 1e9));
        return new LatencyRun(samples, window.settled(settled));
    }

    private void pause() throws InterruptedException {
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
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
                    keyCount, NAMESPACES, rounds, updates, warmup, pauseMillis, harness.quiet().toMillis()));
            head.add("KRMSyncer CRD: " + crdOrigin + "; destination client: krm-sync.clusters.client.qps="
                    + properties.get("krm-sync.clusters.client.qps") + ", burst="
                    + properties.get("krm-sync.clusters.client.burst"));
        }

        void identical(String phase, int differ) {
            differing.put(phase, differ);
        }

        void round(int round) {
            Phase floor = phases.last(FLOORS);
            Phase backlog = phases.last(BACKLOGS);
            Phase convergence = phases.last(CONVERGENCES);
            Phase deletion = phases.last(DELETIONS);
            Phase deletion2 = phases.last(SECOND_DELETIONS);
            roundRows.add(new String[] { Integer.toString(round), fmt(floor.seconds()), perObject(floor),
                    othersAndSteal(floor.cpu(), "%.1f"), fmt(backlog.seconds()),
                    String.format(Locale.ROOT, "%.2fx", backlog.seconds() / floor.seconds()), writes(backlog),
                    fmt(convergence.seconds()), fmt((convergence.markNanos() - convergence.startNanos()) / 1e9),
                    fmt((convergence.convergedNanos() - convergence.markNanos()) / 1e9), perObject(convergence),
                    othersAndSteal(convergence.cpu(), "%.1f"),
                    String.format(Locale.ROOT, "%.2fx", convergence.seconds() / floor.seconds()), writes(convergence),
                    Long.toString(convergence.untilSettled(SOURCE).writes(OPERATOR)),
                    Long.toString(convergence.calls().executions()),
                    Long.toString(phases.last(RESTARTS).untilSettled(DESTINATION).writes(OPERATOR)),
                    phases.last(SUSPENSIONS).untilSettled(DESTINATION).writes(OPERATOR) + " / "
                            + phases.last(RESUMPTIONS).untilSettled(DESTINATION).writes(OPERATOR),
                    fmt(deletion.seconds()), writes(deletion), fmt(deletion2.seconds()), writes(deletion2) });
            operatorNotes(round, backlog, convergence);
            note(String.format(Locale.ROOT, "round %d, floor: %s; JVM CPU %s; %s", round,
                    floor.untilConverged(DESTINATION).describe(FLOOR, true), floor.cpu().summary(), floor.cpu().top(6)));
            restartNotes(round);
            for (Phase d : List.of(deletion, deletion2)) {
                note(String.format(Locale.ROOT, "round %d, %s (the sources deleted): destination requests %s; source "
                        + "writes %s; reconciler calls %d, %.2f s CPU in them", round, d.label(),
                        d.untilSettled(DESTINATION).describe(OPERATOR, false),
                        d.untilSettled(SOURCE).describe(OPERATOR, true), d.calls().executions(), d.calls().cpuNanos() / 1e9));
            }
        }

        /** "copies / all": the operator's writes at the destination until quiet. */
        private String writes(Phase p) {
            RequestCounts atDestination = p.untilSettled(DESTINATION);
            return copyWrites(atDestination) + " / " + atDestination.writes(OPERATOR);
        }

        private void operatorNotes(int round, Phase backlog, Phase convergence) {
            note(String.format(Locale.ROOT, "round %d, backlog (fresh operator, sources there): destination requests "
                    + "until quiet: %s; source writes: %s; reconciler calls %d (failures %d), %.2f s in them (%.2f s "
                    + "CPU); SDK started after %s; JVM CPU %s; %s", round,
                    backlog.untilSettled(DESTINATION).describe(OPERATOR, false),
                    backlog.untilSettled(SOURCE).describe(OPERATOR, true), backlog.calls().executions(),
                    backlog.calls().failures(), backlog.calls().nanos() / 1e9, backlog.calls().cpuNanos() / 1e9,
                    secs(backlog.markNanos() - backlog.startNanos()), backlog.cpu().summary(), backlog.cpu().top(7)));
            note(String.format(Locale.ROOT, "round %d, convergence: destination requests until quiet: %s; source "
                    + "writes: %s; reconciler calls %d (failures %d), %.2f s in them (%.2f s CPU), until quiet; JVM CPU "
                    + "%s; %s", round, convergence.untilSettled(DESTINATION).describe(OPERATOR, false),
                    convergence.untilSettled(SOURCE).describe(OPERATOR, true), convergence.calls().executions(),
                    convergence.calls().failures(), convergence.calls().nanos() / 1e9,
                    convergence.calls().cpuNanos() / 1e9, convergence.cpu().summary(), convergence.cpu().top(7)));
        }

        private void restartNotes(int round) {
            Phase restart = phases.last(RESTARTS);
            Phase suspend = phases.last(SUSPENSIONS);
            Phase resume = phases.last(RESUMPTIONS);
            note(String.format(Locale.ROOT, "round %d, restart: destination requests %s; source writes %s; reconciler "
                    + "calls %d, start -> Synced %s, quiet %s", round,
                    restart.untilSettled(DESTINATION).describe(OPERATOR, false),
                    restart.untilSettled(SOURCE).describe(OPERATOR, true), restart.calls().executions(),
                    secs(restart.convergedNanos() - restart.startNanos()),
                    secs(restart.settledNanos() - restart.startNanos())));
            note(String.format(Locale.ROOT, "round %d, suspend: destination requests %s; source writes %s; reconciler "
                    + "calls %d. resume: destination requests %s; source writes %s; reconciler calls %d, resume -> "
                    + "Synced %s", round, suspend.untilSettled(DESTINATION).describe(OPERATOR, false),
                    suspend.untilSettled(SOURCE).describe(OPERATOR, true), suspend.calls().executions(),
                    resume.untilSettled(DESTINATION).describe(OPERATOR, false),
                    resume.untilSettled(SOURCE).describe(OPERATOR, true), resume.calls().executions(),
                    secs(resume.convergedNanos() - resume.startNanos())));
        }

        private long copyWrites(RequestCounts counts) {
            return counts.writes(OPERATOR, Category.CONFIGMAP) + counts.writes(OPERATOR, Category.SECRET)
                    + counts.writes(OPERATOR, Category.CUSTOM_RESOURCE);
        }

        void convergence() {
            List<Phase> floors = phases.warm(FLOORS);
            List<Phase> convergences = phases.warm(CONVERGENCES);
            List<Phase> backlogs = phases.warm(BACKLOGS);
            String which = phases.all(CONVERGENCES).size() > 1 ? "rounds 2-" + phases.all(CONVERGENCES).size()
                    : "round 1";
            List<Double> f = Rounds.seconds(floors);
            List<Double> c = Rounds.seconds(convergences);
            List<Double> b = Rounds.seconds(backlogs);
            List<Double> creates = convergences.stream().map(p -> (p.markNanos() - p.startNanos()) / 1e9).toList();
            List<Double> tails = convergences.stream().map(p -> (p.convergedNanos() - p.markNanos()) / 1e9).toList();
            row("1", "floor: plain client, the same " + objects.size() + " creates at the destination, median " + which,
                    String.format(Locale.ROOT, "%.2f s", median(f)), range(f));
            row("1", "convergence: " + objects.size() + " sources created -> all copies seen at the destination, median "
                    + which, String.format(Locale.ROOT, "%.2f s", median(c)), range(c));
            row("1", "ratio convergence / floor (medians)", String.format(Locale.ROOT, "%.2fx", median(c) / median(f)),
                    "per round: " + Measurements.ratios(Rounds.ratios(phases.all(CONVERGENCES), phases.all(FLOORS)))
                            + " (round 1 in a cold JVM)");
            row("", "  of which the driver creating the sources at the source, median",
                    String.format(Locale.ROOT, "%.2f s", median(creates)),
                    "the operator cannot finish before the last source exists; " + range(creates));
            row("", "  last source created -> last copy seen, median", String.format(Locale.ROOT, "%.2f s",
                    median(tails)), range(tails));
            row("1", "backlog: a fresh operator, " + objects.size() + " sources there -> all copies seen, median "
                    + which, String.format(Locale.ROOT, "%.2f s", median(b)), range(b));
            row("1", "ratio backlog / floor (medians)", String.format(Locale.ROOT, "%.2fx", median(b) / median(f)),
                    "per round: " + Measurements.ratios(Rounds.ratios(phases.all(BACKLOGS), phases.all(FLOORS))));
            phaseRows("convergence", phases.all(CONVERGENCES));
            phaseRows("backlog", phases.all(BACKLOGS));
            row("", "operator's copies identical to the floor's bodies (labels, annotations, content)",
                    differing.values().stream().allMatch(d -> d == 0) ? "yes, every time"
                            : "NO: " + differing, "differing or missing objects, checked after each convergence");
            cpuRows(floors, convergences, backlogs);
        }

        private void cpuRows(List<Phase> floors, List<Phase> convergences, List<Phase> backlogs) {
            List<Double> cCpu = convergences.stream().map(p -> p.cpu().cpuNanos() / 1e6 / objects.size()).toList();
            List<Double> bCpu = backlogs.stream().map(p -> p.cpu().cpuNanos() / 1e6 / objects.size()).toList();
            List<Double> fCpu = floors.stream().map(p -> p.cpu().cpuNanos() / 1e6 / objects.size()).toList();
            row("", "JVM CPU per object, medians: convergence / backlog / floor",
                    String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", median(cCpu), median(bCpu), median(fCpu)),
                    "servers, operator and benchmark together; convergence includes the source creates");
            row("", "  convergence by thread (last round)", "", phases.last(CONVERGENCES).cpu().top(8));
            row("", "  backlog by thread (last round)", "", phases.last(BACKLOGS).cpu().top(8));
            row("", "  floor by thread (last round)", "", phases.last(FLOORS).cpu().top(6));
        }

        /** Writes, reads and reconciler calls of each round's phase. */
        private void phaseRows(String name, List<Phase> all) {
            Phase last = all.getLast();
            RequestCounts atDestination = last.untilSettled(DESTINATION);
            row("", "  " + name + ": operator writes at the destination (every round)",
                    all.stream().map(p -> Long.toString(p.untilSettled(DESTINATION).writes(OPERATOR)))
                            .collect(Collectors.joining(", ")),
                    "expected " + objects.size() + " creates; last round: " + atDestination.describe(OPERATOR, true));
            row("", "  " + name + ": operator reads at the destination (last round)",
                    atDestination.reads(OPERATOR) + " GET, " + atDestination.watches(OPERATOR) + " WATCH",
                    atDestination.describe(OPERATOR, false));
            row("", "  " + name + ": operator writes at the source (every round)",
                    all.stream().map(p -> Long.toString(p.untilSettled(SOURCE).writes(OPERATOR)))
                            .collect(Collectors.joining(", ")),
                    "last round: " + last.untilSettled(SOURCE).describe(OPERATOR, true));
            row("", "  " + name + ": reconciler calls until quiet (every round)", all.stream()
                    .map(p -> Long.toString(p.calls().executions())).collect(Collectors.joining(", ")),
                    String.format(Locale.ROOT, "last round: %.2f s in reconciler calls, %.2f s of it CPU (%.2f ms CPU "
                            + "per call)", last.calls().nanos() / 1e9, last.calls().cpuNanos() / 1e9,
                            last.calls().cpuNanos() / 1e6 / Math.max(1, last.calls().executions())));
        }

        void latency(LatencyRun run) {
            List<UpdateSample> s = run.samples();
            long[] l = run.sorted(UpdateSample::latency);
            row("2", "update latency, source patch sent -> copy seen at the destination: p50 / p99",
                    String.format(Locale.ROOT, "%.2f / %.2f ms", pct(l, 50), pct(l, 99)),
                    String.format(Locale.ROOT, "p90 %.2f, max %.2f, mean %.2f ms; %d updates in %.1f s", pct(l, 90),
                            pct(l, 100), Arrays.stream(l).average().orElse(0) / 1e6, l.length, run.phase().seconds()));
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
            latencyCostRows(run);
        }

        /** What the updates cost: writes at each server, reconciler calls, the JVM's CPU. */
        private void latencyCostRows(LatencyRun run) {
            int updated = run.samples().size();
            RequestCounts atDestination = run.phase().untilSettled(DESTINATION);
            RequestCounts atSource = run.phase().untilSettled(SOURCE);
            ReconcileTracker.Calls calls = run.phase().calls();
            row("", "  operator writes at the destination / per update", atDestination.writes(OPERATOR)
                    + String.format(Locale.ROOT, " / %.3f", atDestination.writes(OPERATOR) / (double) updated),
                    atDestination.describe(OPERATOR, false));
            row("", "  operator writes at the source / per update", atSource.writes(OPERATOR)
                    + String.format(Locale.ROOT, " / %.3f", atSource.writes(OPERATOR) / (double) updated),
                    atSource.describe(OPERATOR, true));
            row("", "  reconciler calls (per update) / failures", String.format(Locale.ROOT, "%d (%.2f) / %d",
                    calls.executions(), calls.executions() / (double) updated, calls.failures()),
                    String.format(Locale.ROOT, "%.2f ms per call, %.2f ms of it CPU", calls.nanos() / 1e6
                            / Math.max(1, calls.executions()), calls.cpuNanos() / 1e6 / Math.max(1, calls.executions())));
            row("", "  JVM CPU per update", String.format(Locale.ROOT, "%.2f ms",
                    run.phase().cpu().cpuNanos() / 1e6 / updated),
                    run.phase().cpu().summary() + "; " + run.phase().cpu().top(6));
        }

        void restarts() {
            Phase last = phases.last(RESTARTS);
            List<Phase> suspends = phases.all(SUSPENSIONS);
            List<Phase> resumes = phases.all(RESUMPTIONS);
            row("3", "restart, nothing changed: operator writes at the destination (every round)",
                    everyRound(RESTARTS, DESTINATION),
                    "target 0; last round: " + last.untilSettled(DESTINATION).describe(OPERATOR, true));
            row("", "  operator writes at the source (every round)", everyRound(RESTARTS, SOURCE),
                    "last round: " + last.untilSettled(SOURCE).describe(OPERATOR, true));
            row("", "  operator reads at the destination (last round)", reads(last), last.untilSettled(DESTINATION)
                    .describe(OPERATOR, false));
            row("", "  start -> SDK started / Synced / quiet (last round)",
                    secs(last.markNanos() - last.startNanos()) + " / "
                            + secs(last.convergedNanos() - last.startNanos()) + " / "
                            + secs(last.settledNanos() - last.startNanos()),
                    String.format(Locale.ROOT, "reconciler calls %d, %.2f s CPU in them", last.calls().executions(),
                            last.calls().cpuNanos() / 1e9));
            row("3", "suspend -> resume, nothing changed: operator writes at the destination (every round)",
                    suspendAndResume(suspends, resumes, DESTINATION), "target 0 (suspend + resume); last round: "
                            + resumes.getLast().untilSettled(DESTINATION).describe(OPERATOR, true));
            row("", "  operator writes at the source, suspend + resume (every round)",
                    suspendAndResume(suspends, resumes, SOURCE),
                    "last round: " + suspends.getLast().untilSettled(SOURCE).describe(OPERATOR, true) + " + "
                            + resumes.getLast().untilSettled(SOURCE).describe(OPERATOR, true));
            row("", "  operator reads at the destination on resume (last round)", reads(resumes.getLast()),
                    resumes.getLast().untilSettled(DESTINATION).describe(OPERATOR, false));
        }

        /** The operator's writes at {@code server} in each round's phase of this kind: "0, 0, 0". */
        private String everyRound(String kind, String server) {
            return phases.all(kind).stream().map(p -> Long.toString(p.untilSettled(server).writes(OPERATOR)))
                    .collect(Collectors.joining(", "));
        }

        /** "0+0, 0+0": the operator's writes at {@code server} on suspend and on resume, each round. */
        private String suspendAndResume(List<Phase> suspends, List<Phase> resumes, String server) {
            List<String> rounds = new ArrayList<>();
            for (int i = 0; i < suspends.size(); i++) {
                rounds.add(suspends.get(i).untilSettled(server).writes(OPERATOR) + "+"
                        + resumes.get(i).untilSettled(server).writes(OPERATOR));
            }
            return String.join(", ", rounds);
        }

        private String reads(Phase p) {
            RequestCounts atDestination = p.untilSettled(DESTINATION);
            return atDestination.reads(OPERATOR) + " GET, " + atDestination.watches(OPERATOR) + " WATCH";
        }

        private String perObject(Phase p) {
            return String.format(Locale.ROOT, "%.2f", p.cpu().cpuNanos() / 1e6 / objects.size());
        }
    }
}
