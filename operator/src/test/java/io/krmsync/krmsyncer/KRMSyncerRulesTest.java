package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.TestClusters;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a KRMSyncer's rules select and how the copies land: custom resources and their status, cluster-scoped kinds,
 * namespace mapping, rules changed at runtime, objects that are never copied as they are, and an invalid rule next to
 * a good one. cluster1 is the local cluster, every KRMSyncer here pushes to cluster4; each test has namespaces of its
 * own, since all tests share the clusters.
 */
@QuarkusTest
@WithTestResource(TestClusters.class)
class KRMSyncerRulesTest {

    private static final String DESTINATION = "cluster4";
    private static final String KUBECONFIG_SECRET = "cluster4-kubeconfig";
    private static final String TO_CLUSTER4 = """
            destination:
              clusterConfig:
                kubeConfigSecretRef:
                  name: cluster4-kubeconfig
            """;

    private static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
            .withGroup("example.krm-sync.io").withVersion("v1").withKind("Widget").withPlural("widgets")
            .withNamespaced(true).build();
    private static final ResourceDefinitionContext GADGETS = new ResourceDefinitionContext.Builder()
            .withGroup("example.krm-sync.io").withVersion("v1").withKind("Gadget").withPlural("gadgets")
            .withNamespaced(false).build();

    TestClusters clusters;

    @AfterEach
    void deleteSyncers() {
        new KRMSyncers(clusters.client("cluster1")).deleteAll();
    }

    @Inject
    KRMSyncerReconciler reconciler;

    // 1. Custom resources

    @Test
    void customResourcesAreSyncedWithTheirStatusWhenSyncStatusIsOn() {
        installCrd(WIDGETS, "Namespaced");
        String ns = "rules-widgets-status";
        applySyncer(ns, "widgets", """
                syncStatus: true
                rules:
                  - {group: example.krm-sync.io, version: v1, kind: Widget, namespaces: [%s]}
                """.formatted(ns));

        // kubectl apply -f widget.yaml, then a controller in cluster1 reports on it through /status
        apply(widget(ns, "blue", 3));
        local().genericKubernetesResources(WIDGETS).inNamespace(ns).withName("blue")
                .editStatus(widget -> withStatus(widget, Map.of("phase", "Ready", "observedGeneration", 1)));

        // cluster4's Widget CRD has a status subresource too: the copy's status can only come through /status.
        eventually().untilAsserted(() -> {
            GenericKubernetesResource copy = widgetAtDestination(ns, "blue");
            assertThat(copy).isNotNull();
            assertThat(copy.<Object> get("spec", "size")).isEqualTo(3);
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.SOURCE_GENERATION_ANNOTATION, "1");
            assertThat(copy.<Object> get("status", "phase")).isEqualTo("Ready");
            assertThat(copy.<Object> get("status", "observedGeneration")).isEqualTo(1);
        });

        // kubectl edit widget blue: a new generation, reported again by the controller
        editSpec(ns, "blue", 4);
        local().genericKubernetesResources(WIDGETS).inNamespace(ns).withName("blue")
                .editStatus(widget -> withStatus(widget, Map.of("phase", "Resizing", "observedGeneration", 2)));
        eventually().untilAsserted(() -> {
            GenericKubernetesResource copy = widgetAtDestination(ns, "blue");
            assertThat(copy.<Object> get("spec", "size")).isEqualTo(4);
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.SOURCE_GENERATION_ANNOTATION, "2");
            assertThat(copy.<Object> get("status", "phase")).isEqualTo("Resizing");
            assertThat(copy.<Object> get("status", "observedGeneration")).isEqualTo(2);
        });
        assertThat(syncers().rule(ns, "widgets", "Widget").getSynced()).isEqualTo(1);
    }

    @Test
    void customResourcesAreSyncedWithoutTheirStatusWhenSyncStatusIsOff() {
        installCrd(WIDGETS, "Namespaced");
        String ns = "rules-widgets-no-status";
        applySyncer(ns, "widgets", """
                rules:
                  - {group: example.krm-sync.io, version: v1, kind: Widget, namespaces: [%s]}
                """.formatted(ns));

        apply(widget(ns, "green", 1));
        local().genericKubernetesResources(WIDGETS).inNamespace(ns).withName("green")
                .editStatus(widget -> withStatus(widget, Map.of("phase", "Ready")));
        // A later spec change: once the copy shows it, the pass has also seen the status written before it.
        editSpec(ns, "green", 2);

        eventually().untilAsserted(() -> {
            GenericKubernetesResource copy = widgetAtDestination(ns, "green");
            assertThat(copy).isNotNull();
            assertThat(copy.<Object> get("spec", "size")).isEqualTo(2);
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.SOURCE_GENERATION_ANNOTATION, "2");
        });
        assertThat(widgetAtDestination(ns, "green").getAdditionalProperties()).doesNotContainKey("status");
    }

    // 2. Cluster-scoped kinds

    @Test
    void clusterScopedObjectsLandClusterScopedWhateverTheNamespaces() {
        installCrd(GADGETS, "Cluster");
        String ns = "rules-cluster-scoped";
        // Both the rule's namespaces and the namespace mapping only mean something for namespaced kinds.
        applySyncer(ns, "gadgets", """
                rules:
                  - {group: example.krm-sync.io, version: v1, kind: Gadget, namespaces: [%s]}
                destination:
                  namespace: rules-cluster-scoped-mapped
                  clusterConfig:
                    kubeConfigSecretRef:
                      name: cluster4-kubeconfig
                """.formatted(ns));

        apply(gadget("rules-gadget-lamp", "on"));
        apply(gadget("rules-gadget-fan", "off"));

        eventually().untilAsserted(() -> {
            for (String name : List.of("rules-gadget-lamp", "rules-gadget-fan")) {
                GenericKubernetesResource copy = destination().genericKubernetesResources(GADGETS).withName(name).get();
                assertThat(copy).as(name).isNotNull();
                assertThat(copy.getMetadata().getNamespace()).as(name).isNull();
            }
            RuleStatus rule = syncers().rule(ns, "gadgets", "Gadget");
            assertThat(rule.getSynced()).isEqualTo(2);
            assertThat(rule.getFailed()).isZero();
        });
        assertThat(destination().genericKubernetesResources(GADGETS).withName("rules-gadget-lamp").get()
                .<Object> get("spec", "power")).isEqualTo("on");
        assertThat(destination().namespaces().withName("rules-cluster-scoped-mapped").get()).isNull();
    }

    // 3. Namespace mapping

    @Test
    void namespaceMappingPutsEveryCopyInOneNamespaceAndMovesThemWhenChanged() {
        String ns = "rules-mapping";
        String team = "rules-mapping-team";
        applySyncer(ns, "mapped", """
                rules:
                  - {version: v1, kind: ConfigMap, namespaces: [%s]}
                destination:
                  namespace: rules-mapping-first
                  clusterConfig:
                    kubeConfigSecretRef:
                      name: cluster4-kubeconfig
                """.formatted(team));
        source().createNamespace(team);
        source().createConfigMap(team, "settings", "color=blue");

        eventually().untilAsserted(() -> {
            assertThat(target().configMap("rules-mapping-first", "settings")).isNotNull()
                    .extracting(ConfigMap::getData).isEqualTo(Map.of("color", "blue"));
            assertThat(destination().namespaces().withName("rules-mapping-first").get()).isNotNull();
        });
        assertThat(target().configMap(team, "settings")).isNull();

        // kubectl edit krmsyncer mapped: spec.destination.namespace rules-mapping-second
        syncers().edit(ns, "mapped", spec -> spec.getDestination().setNamespace("rules-mapping-second"));
        eventually().untilAsserted(() -> {
            assertThat(target().configMap("rules-mapping-second", "settings")).isNotNull()
                    .extracting(ConfigMap::getData).isEqualTo(Map.of("color", "blue"));
            assertThat(target().configMap("rules-mapping-first", "settings")).isNull();
        });
    }

    @Test
    void sameNameInTwoMappedNamespacesIsReportedAndTheCopyStaysWithItsFirstSource() {
        String ns = "rules-collision";
        String red = "rules-collision-red";
        String blue = "rules-collision-blue";
        source().createNamespace(red);
        source().createNamespace(blue);
        // Two already there when the KRMSyncer starts: the older one is synced.
        source().createConfigMap(blue, "quotas", "team=blue");
        source().createConfigMap(red, "quotas", "team=red");
        applySyncer(ns, "mapped", """
                rules:
                  - {version: v1, kind: ConfigMap, namespaces: [%s, %s]}
                destination:
                  namespace: rules-collision-target
                  clusterConfig:
                    kubeConfigSecretRef:
                      name: cluster4-kubeconfig
                """.formatted(red, blue));
        eventually().untilAsserted(() -> assertThat(target().configMap("rules-collision-target", "quotas")).isNotNull());
        // Then one name first created in each namespace, so that whichever namespace the operator looks at first, one
        // of the two collisions below comes second in that order.
        source().createConfigMap(red, "settings", "team=red");
        source().createConfigMap(blue, "limits", "team=blue");
        eventually().untilAsserted(() -> {
            assertThat(target().configMap("rules-collision-target", "settings")).isNotNull();
            assertThat(target().configMap("rules-collision-target", "limits")).isNotNull();
        });

        source().createConfigMap(blue, "settings", "team=blue");
        source().createConfigMap(red, "limits", "team=red");
        eventually().untilAsserted(() -> {
            RuleStatus rule = syncers().rule(ns, "mapped", "ConfigMap");
            assertThat(rule.getReason()).isEqualTo("NameCollision");
            assertThat(rule.getFailed()).isEqualTo(3);
            assertThat(rule.getSynced()).isEqualTo(3);
            assertThat(rule.getLastError()).contains("would both be rules-collision-target/");
        });
        assertThat(syncers().ready(ns, "mapped").getStatus()).isEqualTo("False");
        assertCopiedFrom(target().configMap("rules-collision-target", "settings"), red);
        assertCopiedFrom(target().configMap("rules-collision-target", "limits"), blue);
        assertCopiedFrom(target().configMap("rules-collision-target", "quotas"), blue);
    }

    private static void assertCopiedFrom(ConfigMap copy, String namespace) {
        String team = namespace.substring("rules-collision-".length());
        assertThat(copy.getData()).as(copy.getMetadata().getName()).isEqualTo(Map.of("team", team));
        assertThat(copy.getMetadata().getAnnotations()).containsEntry(TrackingMetadata.SOURCE_ANNOTATION,
                "cluster1/" + namespace + "/" + copy.getMetadata().getName());
    }

    // 4. Rules changed at runtime

    @Test
    void ruleAddedAtRuntimeSyncsItsKindAndRemovingItDeletesTheCopiesAndTheWatch() throws Exception {
        String ns = "rules-runtime";
        String apps = "rules-runtime-apps";
        applySyncer(ns, "runtime", """
                rules:
                  - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(apps));
        source().createNamespace(apps);
        source().createConfigMap(apps, "first", "k=v");
        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "first")).isNotNull());
        syncers().awaitReady(ns, "runtime", "Synced");
        assertThat(sourceWatchesIn(apps)).containsExactly("ConfigMap.v1 in namespace " + apps);

        // A Secret that no rule selects yet
        createSecret(apps, "api-key", "Opaque", Map.of());
        syncers().edit(ns, "runtime", spec -> spec.getRules().add(new SyncRule("", "v1", "Secret", List.of(apps))));
        eventually().untilAsserted(() -> {
            assertThat(target().secret(apps, "api-key")).isNotNull();
            assertThat(syncers().rule(ns, "runtime", "Secret")).isNotNull()
                    .extracting(RuleStatus::getSynced).isEqualTo(1);
        });
        assertThat(sourceWatchesIn(apps)).containsExactlyInAnyOrder("ConfigMap.v1 in namespace " + apps,
                "Secret.v1 in namespace " + apps);

        // kubectl edit krmsyncer runtime: the Secret rule removed
        syncers().edit(ns, "runtime", spec -> spec.getRules().removeIf(rule -> "Secret".equals(rule.getKind())));
        eventually().untilAsserted(() -> {
            assertThat(target().secret(apps, "api-key")).isNull();
            assertThat(syncers().rule(ns, "runtime", "Secret")).isNull();
        });
        assertThat(sourceWatchesIn(apps)).containsExactly("ConfigMap.v1 in namespace " + apps);

        // A new Secret is not copied; the ConfigMap created after it is, which shows a pass ran since.
        createSecret(apps, "api-key-2", "Opaque", Map.of());
        source().createConfigMap(apps, "second", "k=v");
        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "second")).isNotNull());
        assertThat(target().secret(apps, "api-key-2")).isNull();
        assertThat(target().configMap(apps, "first")).isNotNull();
    }

    // 5. Never copied blindly

    @Test
    void serviceAccountTokensAreSkippedAndCounted() {
        String ns = "rules-tokens";
        String apps = "rules-tokens-apps";
        applySyncer(ns, "secrets", """
                rules:
                  - {version: v1, kind: Secret, namespaces: [%s]}
                """.formatted(apps));
        source().createNamespace(apps);
        createSecret(apps, "builder-token", "kubernetes.io/service-account-token",
                Map.of("kubernetes.io/service-account.name", "builder"));
        createSecret(apps, "db-password", "Opaque", Map.of());

        eventually().untilAsserted(() -> {
            assertThat(target().secret(apps, "db-password")).isNotNull();
            RuleStatus rule = syncers().rule(ns, "secrets", "Secret");
            assertThat(rule.getSynced()).isEqualTo(1);
            assertThat(rule.getSkipped()).isEqualTo(1);
            assertThat(rule.getFailed()).isZero();
        });
        assertThat(target().secret(apps, "builder-token")).isNull();
        assertThat(syncers().ready(ns, "secrets").getStatus()).isEqualTo("True");
    }

    @Test
    void serviceClusterIpsStayInTheSourceCluster() {
        String ns = "rules-services";
        String apps = "rules-services-apps";
        applySyncer(ns, "services", """
                rules:
                  - {version: v1, kind: Service, namespaces: [%s]}
                """.formatted(apps));
        source().createNamespace(apps);
        source().apply("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: %s
                spec:
                  clusterIP: 10.96.0.15
                  clusterIPs: [10.96.0.15]
                  selector: {app: web}
                  ports:
                    - {name: http, port: 80, targetPort: 8080}
                """.formatted(apps), Service.class);

        eventually().untilAsserted(() -> assertThat(destination().services().inNamespace(apps).withName("web").get())
                .isNotNull());
        Service copy = destination().services().inNamespace(apps).withName("web").get();
        assertThat(copy.getSpec().getSelector()).isEqualTo(Map.of("app", "web"));
        assertThat(copy.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(80);
            assertThat(port.getTargetPort().getIntVal()).isEqualTo(8080);
        });
        assertThat(copy.getSpec().getClusterIP()).isNull();
        assertThat(copy.getSpec().getClusterIPs()).isNullOrEmpty();
    }

    @Test
    void immutableConfigMapWhoseDataChangesIsRecreatedAtTheDestination() {
        String ns = "rules-immutable";
        String apps = "rules-immutable-apps";
        applySyncer(ns, "configmaps", """
                rules:
                  - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(apps));
        source().createNamespace(apps);
        source().apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: frozen
                  namespace: %s
                immutable: true
                data: {release: "1"}
                """.formatted(apps), ConfigMap.class);
        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "frozen")).isNotNull()
                .extracting(ConfigMap::getData).isEqualTo(Map.of("release", "1")));
        ConfigMap before = target().configMap(apps, "frozen");
        assertThat(before.getImmutable()).isTrue();

        // A real API server refuses this edit: the user deletes and recreates the ConfigMap, which the operator may see
        // as one change. The in-memory server allows it, so the operator surely sees an immutable ConfigMap changed.
        local().configMaps().inNamespace(apps).withName("frozen").edit(cm -> {
            cm.setData(Map.of("release", "2"));
            return cm;
        });
        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "frozen")).isNotNull()
                .extracting(ConfigMap::getData).isEqualTo(Map.of("release", "2")));
        ConfigMap after = target().configMap(apps, "frozen");
        assertThat(after.getImmutable()).isTrue();
        assertThat(after.getMetadata().getUid()).as("recreated, not updated in place")
                .isNotEqualTo(before.getMetadata().getUid());
    }

    // 6. An invalid rule fails alone

    @Test
    void invalidRuleFailsAloneWhileTheOtherRulesKeepSyncing() {
        String ns = "rules-invalid";
        String apps = "rules-invalid-apps";
        applySyncer(ns, "mixed", """
                rules:
                  - {group: nope.example.com, version: v1, kind: Nope}
                  - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(apps));
        source().createNamespace(apps);
        source().createConfigMap(apps, "still-synced", "k=v");

        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "still-synced")).isNotNull());
        Condition ready = syncers().awaitReady(ns, "mixed", "RuleInvalid");
        assertThat(ready.getStatus()).isEqualTo("False");
        RuleStatus invalid = syncers().rule(ns, "mixed", "Nope");
        assertThat(invalid.getReason()).isEqualTo("RuleInvalid");
        assertThat(invalid.getLastError()).contains("nope.example.com/v1");
        eventually().untilAsserted(() -> {
            RuleStatus configMaps = syncers().rule(ns, "mixed", "ConfigMap");
            assertThat(configMaps.getSynced()).isEqualTo(1);
            assertThat(configMaps.getReason()).isNull();
        });

        // Still syncing, not just once
        local().configMaps().inNamespace(apps).withName("still-synced").edit(cm -> {
            cm.setData(Map.of("k", "v2"));
            return cm;
        });
        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "still-synced").getData())
                .containsEntry("k", "v2"));
    }

    // Steps

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100));
    }

    private KubernetesClient local() {
        return clusters.client(TestClusters.LOCAL);
    }

    private KubernetesClient destination() {
        return clusters.client(DESTINATION);
    }

    private Kubectl source() {
        return clusters.kubectl(TestClusters.LOCAL);
    }

    private Kubectl target() {
        return clusters.kubectl(DESTINATION);
    }

    private KRMSyncers syncers() {
        return new KRMSyncers(local());
    }

    /**
     * The KRMSyncer's namespace, the Secret with cluster4's kubeconfig in it, then the KRMSyncer with this spec; a spec
     * without a destination gets cluster4 with no namespace mapping.
     */
    private void applySyncer(String namespace, String name, String spec) {
        source().createNamespace(namespace);
        syncers().kubeconfigSecret(namespace, KUBECONFIG_SECRET, "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        syncers().apply(namespace, """
                apiVersion: syncer.gkelabs.io/v1alpha1
                kind: KRMSyncer
                metadata:
                  name: %s
                spec:
                %s""".formatted(name, (spec.contains("destination:") ? spec : spec + TO_CLUSTER4).indent(2)));
    }

    /** kubectl apply -f crd.yaml in both clusters: the destination must serve the kind too. */
    private void installCrd(ResourceDefinitionContext kind, String scope) {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: %s.%s
                spec:
                  group: %s
                  scope: %s
                  names: {kind: %s, plural: %s, singular: %s, listKind: %sList}
                  versions:
                    - name: %s
                      served: true
                      storage: true
                      subresources: {status: {}}
                      schema:
                        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
                """.formatted(kind.getPlural(), kind.getGroup(), kind.getGroup(), scope, kind.getKind(),
                kind.getPlural(), kind.getKind().toLowerCase(), kind.getKind(), kind.getVersion());
        for (String cluster : List.of(TestClusters.LOCAL, DESTINATION)) {
            clusters.client(cluster).resource(crd).createOr(existing -> existing.update());
        }
    }

    /** kubectl apply -f - in cluster1, of a new object. */
    private void apply(String yaml) {
        local().resource(yaml).create();
    }

    private static String widget(String namespace, String name, int size) {
        return """
                apiVersion: example.krm-sync.io/v1
                kind: Widget
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  size: %d
                """.formatted(name, namespace, size);
    }

    private static String gadget(String name, String power) {
        return """
                apiVersion: example.krm-sync.io/v1
                kind: Gadget
                metadata:
                  name: %s
                spec:
                  power: "%s"
                """.formatted(name, power);
    }

    /** kubectl edit widget NAME: spec.size changed, a new generation. */
    private void editSpec(String namespace, String name, int size) {
        local().genericKubernetesResources(WIDGETS).inNamespace(namespace).withName(name).edit(widget -> {
            widget.setAdditionalProperty("spec", Map.of("size", size));
            return widget;
        });
    }

    private static GenericKubernetesResource withStatus(GenericKubernetesResource object, Map<String, Object> status) {
        object.setAdditionalProperty("status", status);
        return object;
    }

    private GenericKubernetesResource widgetAtDestination(String namespace, String name) {
        return destination().genericKubernetesResources(WIDGETS).inNamespace(namespace).withName(name).get();
    }

    /** kubectl create secret generic NAME --type TYPE, with annotations. */
    private void createSecret(String namespace, String name, String type, Map<String, String> annotations) {
        local().secrets().inNamespace(namespace).resource(new SecretBuilder()
                .withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withType(type).withStringData(Map.of("token", "s3cr3t")).build()).create();
    }

    /**
     * The operator's open source watches on one namespace, as "Kind.version in namespace NAME". SourceWatches is no
     * bean: it is read from the reconciler that created it. All its keys would count the watches of every KRMSyncer
     * in the JVM, which other tests (or their cleanup) may be changing at the same time.
     */
    private List<String> sourceWatchesIn(String namespace) throws ReflectiveOperationException {
        Field sources = KRMSyncerReconciler.class.getDeclaredField("sources");
        sources.setAccessible(true);
        SourceWatches open = (SourceWatches) sources.get(ClientProxy.unwrap(reconciler));
        return open.keys().stream().filter(key -> namespace.equals(key.namespace()))
                .map(SourceWatches.WatchKey::toString).toList();
    }
}
