package io.krmsync.krmsyncer;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.ruleOf;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
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
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a KRMSyncer's rules select and how the copies land: custom resources and their status, cluster-scoped kinds,
 * namespace mapping, rules changed at runtime, objects that are never copied as they are, and an invalid rule next to
 * a good one. cluster1 is the local cluster, every KRMSyncer here pushes to cluster4.
 */
@QuarkusTest
class KRMSyncerRulesTest extends OperatorTest {

    private static final String DESTINATION = "cluster4";
    private static final String KUBECONFIG_SECRET = "cluster4-kubeconfig";

    private static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
            .withGroup("example.krm-sync.io").withVersion("v1").withKind("Widget").withPlural("widgets")
            .withNamespaced(true).build();
    private static final ResourceDefinitionContext GADGETS = new ResourceDefinitionContext.Builder()
            .withGroup("example.krm-sync.io").withVersion("v1").withKind("Gadget").withPlural("gadgets")
            .withNamespaced(false).build();

    @Inject
    KRMSyncerReconciler reconciler;

    /** kubectl create secret generic cluster4-kubeconfig --from-file=kubeconfig=cluster4.kubeconfig */
    @BeforeEach
    void destinationKubeconfig() {
        kubectl().applySecret(namespace, KUBECONFIG_SECRET, "kubeconfig", clusters.kubeconfigContent(DESTINATION));
    }

    // 1. Custom resources

    @Test
    void customResourcesAreSyncedWithTheirStatusWhenSyncStatusIsOn() {
        installCrd(WIDGETS, "Namespaced");
        KRMSyncer widgets = apply(syncer("widgets", """
                - {group: example.krm-sync.io, version: v1, kind: Widget, namespaces: [%s]}
                """.formatted(namespace)).with("spec.syncStatus", true));

        // kubectl apply -f widget.yaml, then a controller in cluster1 reports on it through /status
        apply(widget(namespace, "blue", 3));
        local().genericKubernetesResources(WIDGETS).inNamespace(namespace).withName("blue")
                .editStatus(widget -> withStatus(widget, Map.of("phase", "Ready", "observedGeneration", 1)));

        // cluster4's Widget CRD has a status subresource too: the copy's status can only come through /status.
        eventually().untilAsserted(() -> {
            GenericKubernetesResource copy = widgetAtDestination(namespace, "blue");
            assertThat(copy).isNotNull();
            assertThat(copy.<Object> get("spec", "size")).isEqualTo(3);
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.SOURCE_GENERATION_ANNOTATION, "1");
            assertThat(copy.<Object> get("status", "phase")).isEqualTo("Ready");
            assertThat(copy.<Object> get("status", "observedGeneration")).isEqualTo(1);
        });

        // kubectl edit widget blue: a new generation, reported again by the controller
        editSpec(namespace, "blue", 4);
        local().genericKubernetesResources(WIDGETS).inNamespace(namespace).withName("blue")
                .editStatus(widget -> withStatus(widget, Map.of("phase", "Resizing", "observedGeneration", 2)));
        eventually().untilAsserted(() -> {
            GenericKubernetesResource copy = widgetAtDestination(namespace, "blue");
            assertThat(copy.<Object> get("spec", "size")).isEqualTo(4);
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.SOURCE_GENERATION_ANNOTATION, "2");
            assertThat(copy.<Object> get("status", "phase")).isEqualTo("Resizing");
            assertThat(copy.<Object> get("status", "observedGeneration")).isEqualTo(2);
        });
        assertThat(ruleOf(latest(widgets), "Widget").getSynced()).isEqualTo(1);
    }

    @Test
    void customResourcesAreSyncedWithoutTheirStatusWhenSyncStatusIsOff() {
        installCrd(WIDGETS, "Namespaced");
        apply(syncer("widgets", """
                - {group: example.krm-sync.io, version: v1, kind: Widget, namespaces: [%s]}
                """.formatted(namespace)));

        apply(widget(namespace, "green", 1));
        local().genericKubernetesResources(WIDGETS).inNamespace(namespace).withName("green")
                .editStatus(widget -> withStatus(widget, Map.of("phase", "Ready")));
        // A later spec change: once the copy shows it, the pass has also seen the status written before it.
        editSpec(namespace, "green", 2);

        eventually().untilAsserted(() -> {
            GenericKubernetesResource copy = widgetAtDestination(namespace, "green");
            assertThat(copy).isNotNull();
            assertThat(copy.<Object> get("spec", "size")).isEqualTo(2);
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.SOURCE_GENERATION_ANNOTATION, "2");
        });
        assertThat(widgetAtDestination(namespace, "green").getAdditionalProperties()).doesNotContainKey("status");
    }

    // 2. Cluster-scoped kinds

    @Test
    void clusterScopedObjectsLandClusterScopedWhateverTheNamespaces() {
        installCrd(GADGETS, "Cluster");
        String mapped = namespace + "-mapped";
        // Both the rule's namespaces and the namespace mapping only mean something for namespaced kinds.
        KRMSyncer gadgets = apply(syncer("gadgets", """
                - {group: example.krm-sync.io, version: v1, kind: Gadget, namespaces: [%s]}
                """.formatted(namespace)).with("spec.destination.namespace", mapped));

        apply(gadget("rules-gadget-lamp", "on"));
        apply(gadget("rules-gadget-fan", "off"));

        eventually().untilAsserted(() -> {
            for (String name : List.of("rules-gadget-lamp", "rules-gadget-fan")) {
                GenericKubernetesResource copy = destination().genericKubernetesResources(GADGETS).withName(name).get();
                assertThat(copy).as(name).isNotNull();
                assertThat(copy.getMetadata().getNamespace()).as(name).isNull();
            }
            RuleStatus rule = ruleOf(latest(gadgets), "Gadget");
            assertThat(rule.getSynced()).isEqualTo(2);
            assertThat(rule.getFailed()).isZero();
        });
        assertThat(destination().genericKubernetesResources(GADGETS).withName("rules-gadget-lamp").get()
                .<Object> get("spec", "power")).isEqualTo("on");
        assertThat(target().hasNamespace(mapped)).isFalse();
    }

    // 3. Namespace mapping

    @Test
    void namespaceMappingPutsEveryCopyInOneNamespaceAndMovesThemWhenChanged() {
        String first = namespace + "-first";
        String second = namespace + "-second";
        String team = namespace("team");
        KRMSyncer mapped = apply(syncer("mapped", """
                - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(team)).with("spec.destination.namespace", first));
        kubectl().createConfigMap(team, "settings", "color=blue");

        eventually().untilAsserted(() -> {
            assertThat(target().configMap(first, "settings")).isNotNull()
                    .extracting(ConfigMap::getData).isEqualTo(Map.of("color", "blue"));
            assertThat(target().hasNamespace(first)).isTrue();
        });
        assertThat(target().configMap(team, "settings")).isNull();

        // kubectl edit krmsyncer mapped: spec.destination.namespace NAMESPACE-second
        kubectl().edit(mapped, syncer -> syncer.getSpec().getDestination().setNamespace(second));
        eventually().untilAsserted(() -> {
            assertThat(target().configMap(second, "settings")).isNotNull()
                    .extracting(ConfigMap::getData).isEqualTo(Map.of("color", "blue"));
            assertThat(target().configMap(first, "settings")).isNull();
        });
    }

    @Test
    void sameNameInTwoMappedNamespacesIsReportedAndTheCopyStaysWithItsFirstSource() {
        String red = namespace("red");
        String blue = namespace("blue");
        String collisions = namespace + "-target";
        // Two already there when the KRMSyncer starts: the older one is synced.
        kubectl().createConfigMap(blue, "quotas", "team=blue");
        kubectl().createConfigMap(red, "quotas", "team=red");
        KRMSyncer mapped = apply(syncer("mapped", """
                - {version: v1, kind: ConfigMap, namespaces: [%s, %s]}
                """.formatted(red, blue)).with("spec.destination.namespace", collisions));
        eventually().untilAsserted(() -> assertThat(target().configMap(collisions, "quotas")).isNotNull());
        // Then one name first created in each namespace, so that whichever namespace the operator looks at first, one
        // of the two collisions below comes second in that order.
        kubectl().createConfigMap(red, "settings", "team=red");
        kubectl().createConfigMap(blue, "limits", "team=blue");
        eventually().untilAsserted(() -> {
            assertThat(target().configMap(collisions, "settings")).isNotNull();
            assertThat(target().configMap(collisions, "limits")).isNotNull();
        });

        kubectl().createConfigMap(blue, "settings", "team=blue");
        kubectl().createConfigMap(red, "limits", "team=red");
        eventually().untilAsserted(() -> {
            RuleStatus rule = ruleOf(latest(mapped), "ConfigMap");
            assertThat(rule.getReason()).isEqualTo("NameCollision");
            assertThat(rule.getFailed()).isEqualTo(3);
            assertThat(rule.getSynced()).isEqualTo(3);
            assertThat(rule.getLastError()).contains("would both be " + collisions + "/");
        });
        assertThat(latest(mapped)).isNotReady();
        assertCopiedFrom(target().configMap(collisions, "settings"), red);
        assertCopiedFrom(target().configMap(collisions, "limits"), blue);
        assertCopiedFrom(target().configMap(collisions, "quotas"), blue);
    }

    private static void assertCopiedFrom(ConfigMap copy, String namespace) {
        String team = namespace.substring(namespace.lastIndexOf('-') + 1);
        assertThat(copy.getData()).as(copy.getMetadata().getName()).isEqualTo(Map.of("team", team));
        assertThat(copy.getMetadata().getAnnotations()).containsEntry(TrackingMetadata.SOURCE_ANNOTATION,
                "cluster1/" + namespace + "/" + copy.getMetadata().getName());
    }

    // 4. Rules changed at runtime

    @Test
    void ruleAddedAtRuntimeSyncsItsKindAndRemovingItDeletesTheCopiesAndTheWatch() throws Exception {
        String apps = namespace("apps");
        KRMSyncer runtime = apply(syncer("runtime", """
                - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(apps)));
        kubectl().createConfigMap(apps, "first", "k=v");
        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "first")).isNotNull());
        awaitReady(runtime, "Synced");
        assertThat(sourceWatchesIn(apps)).containsExactly("ConfigMap.v1 in namespace " + apps);

        // A Secret that no rule selects yet
        createSecret(apps, "api-key", "Opaque", Map.of());
        kubectl().edit(runtime, syncer -> syncer.getSpec().getRules().add(new SyncRule("", "v1", "Secret", List.of(apps))));
        eventually().untilAsserted(() -> {
            assertThat(target().secret(apps, "api-key")).isNotNull();
            assertThat(ruleOf(latest(runtime), "Secret")).isNotNull()
                    .extracting(RuleStatus::getSynced).isEqualTo(1);
        });
        assertThat(sourceWatchesIn(apps)).containsExactlyInAnyOrder("ConfigMap.v1 in namespace " + apps,
                "Secret.v1 in namespace " + apps);

        // kubectl edit krmsyncer runtime: the Secret rule removed
        kubectl().edit(runtime, syncer -> syncer.getSpec().getRules().removeIf(rule -> "Secret".equals(rule.getKind())));
        eventually().untilAsserted(() -> {
            assertThat(target().secret(apps, "api-key")).isNull();
            assertThat(ruleOf(latest(runtime), "Secret")).isNull();
        });
        assertThat(sourceWatchesIn(apps)).containsExactly("ConfigMap.v1 in namespace " + apps);

        // A new Secret is not copied; the ConfigMap created after it is, which shows a pass ran since.
        createSecret(apps, "api-key-2", "Opaque", Map.of());
        kubectl().createConfigMap(apps, "second", "k=v");
        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "second")).isNotNull());
        assertThat(target().secret(apps, "api-key-2")).isNull();
        assertThat(target().configMap(apps, "first")).isNotNull();
    }

    // 5. Never copied blindly

    @Test
    void serviceAccountTokensAreSkippedAndCounted() {
        String apps = namespace("apps");
        KRMSyncer secrets = apply(syncer("secrets", """
                - {version: v1, kind: Secret, namespaces: [%s]}
                """.formatted(apps)));
        createSecret(apps, "builder-token", "kubernetes.io/service-account-token",
                Map.of("kubernetes.io/service-account.name", "builder"));
        createSecret(apps, "db-password", "Opaque", Map.of());

        eventually().untilAsserted(() -> {
            assertThat(target().secret(apps, "db-password")).isNotNull();
            RuleStatus rule = ruleOf(latest(secrets), "Secret");
            assertThat(rule.getSynced()).isEqualTo(1);
            assertThat(rule.getSkipped()).isEqualTo(1);
            assertThat(rule.getFailed()).isZero();
        });
        assertThat(target().secret(apps, "builder-token")).isNull();
        assertThat(latest(secrets)).isReady();
    }

    @Test
    void serviceClusterIpsStayInTheSourceCluster() {
        String apps = namespace("apps");
        apply(syncer("services", """
                - {version: v1, kind: Service, namespaces: [%s]}
                """.formatted(apps)));
        kubectl().apply("""
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
        String apps = namespace("apps");
        apply(syncer("configmaps", """
                - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(apps)));
        kubectl().apply("""
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
        String apps = namespace("apps");
        KRMSyncer mixed = apply(syncer("mixed", """
                - {group: nope.example.com, version: v1, kind: Nope}
                - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(apps)));
        kubectl().createConfigMap(apps, "still-synced", "k=v");

        eventually().untilAsserted(() -> assertThat(target().configMap(apps, "still-synced")).isNotNull());
        Condition ready = awaitNotReady(mixed, "RuleInvalid");
        assertThat(ready.getStatus()).isEqualTo("False");
        RuleStatus invalid = ruleOf(latest(mixed), "Nope");
        assertThat(invalid.getReason()).isEqualTo("RuleInvalid");
        assertThat(invalid.getLastError()).contains("nope.example.com/v1");
        eventually().untilAsserted(() -> {
            RuleStatus configMaps = ruleOf(latest(mixed), "ConfigMap");
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

    private KubernetesClient destination() {
        return clusters.client(DESTINATION);
    }

    private Kubectl target() {
        return kubectl(DESTINATION);
    }

    /** The KRMSyncer sample named NAME in this test's namespace, with these rules, pushing to cluster4. */
    private Manifest<KRMSyncer> syncer(String name, String rules) {
        return krmSyncer(name, KUBECONFIG_SECRET).withYaml("spec.rules", rules);
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
        for (String cluster : List.of(LOCAL, DESTINATION)) {
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

    /** The operator's open source watches on one namespace. */
    private List<String> sourceWatchesIn(String namespace) throws ReflectiveOperationException {
        return OpenSourceWatches.matching(reconciler, key -> namespace.equals(key.namespace()));
    }
}
