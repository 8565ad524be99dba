package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.assertj.core.api.ThrowingConsumer;
import org.awaitility.core.ThrowingRunnable;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.krmsync.status.StatusConditions;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.TestClusters;

/**
 * One test method's own namespace in cluster1, where its KRMSyncers, their kubeconfig Secrets and their source
 * ConfigMaps live; the copies land in the namespace of the same name at the destination. The test methods share the
 * clusters, so every name is unique. The steps are named after what a user does with kubectl.
 */
final class SyncerNamespace {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final TestClusters clusters;
    private final String name;

    private SyncerNamespace(TestClusters clusters, String name) {
        this.clusters = clusters;
        this.name = name;
    }

    /** {@code kubectl create namespace PREFIX-N} in cluster1. */
    static SyncerNamespace create(TestClusters clusters, String prefix) {
        String name = prefix + "-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 46656, 36);
        clusters.kubectl(TestClusters.LOCAL).createNamespace(name);
        return new SyncerNamespace(clusters, name);
    }

    String name() {
        return name;
    }

    /** The owner annotation krm-sync stamps on the copies of a KRMSyncer of this namespace. */
    String owner(String syncer) {
        return KRMSyncerReconciler.NAME + "/" + name + "/" + syncer;
    }

    private KubernetesClient local() {
        return clusters.client(TestClusters.LOCAL);
    }

    /** kubectl in cluster1, the source cluster. */
    Kubectl source() {
        return clusters.kubectl(TestClusters.LOCAL);
    }

    /**
     * {@code kubectl create secret generic SECRET --from-file=KEY=dest.kubeconfig --dry-run=client -o yaml | kubectl
     * apply -f -}: creates the Secret, or replaces its data (a rotation).
     */
    void kubeconfigSecret(String secret, String key, String kubeconfig) {
        var object = new SecretBuilder().withNewMetadata().withName(secret).withNamespace(name).endMetadata()
                .withData(Map.of(key, Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
                .build();
        local().secrets().inNamespace(name).resource(object).createOr(existing -> existing.update());
    }

    /** {@code kubectl apply -f -} of a new KRMSyncer in this namespace. */
    KRMSyncer apply(String yaml) {
        KRMSyncer syncer = local().getKubernetesSerialization().unmarshal(yaml, KRMSyncer.class);
        return local().resources(KRMSyncer.class).inNamespace(name).resource(syncer).create();
    }

    /**
     * A KRMSyncer syncing the ConfigMaps of this namespace to the cluster of the kubeconfig in {@code secret}, with
     * extra spec fields (YAML lines, indented as spec's fields).
     */
    String syncer(String syncer, String secret, String... specLines) {
        return """
                apiVersion: syncer.gkelabs.io/v1alpha1
                kind: KRMSyncer
                metadata:
                  name: %s
                spec:
                  rules:
                    - group: ""
                      version: v1
                      kind: ConfigMap
                      namespaces: [%s]
                  destination:
                    clusterConfig:
                      kubeConfigSecretRef:
                        name: %s
                %s""".formatted(syncer, name, secret,
                specLines.length == 0 ? "" : "  " + String.join("\n  ", specLines) + "\n");
    }

    /** {@code kubectl patch krmsyncer NAME --type merge -p JSON} */
    void patch(String syncer, String json) {
        local().resources(KRMSyncer.class).inNamespace(name).withName(syncer)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    /** {@code kubectl delete krmsyncer NAME --wait=false} */
    void delete(String syncer) {
        local().resources(KRMSyncer.class).inNamespace(name).withName(syncer).delete();
    }

    /** {@code kubectl delete krmsyncers --all}, without waiting: what is left of a test, so that it stops syncing. */
    void deleteSyncers() {
        local().resources(KRMSyncer.class).inNamespace(name).delete();
    }

    KRMSyncer get(String syncer) {
        return local().resources(KRMSyncer.class).inNamespace(name).withName(syncer).get();
    }

    Condition condition(String syncer, String type) {
        KRMSyncer object = get(syncer);
        return object == null || object.getStatus() == null ? null
                : StatusConditions.find(object.getStatus().getConditions(), type).orElse(null);
    }

    Condition ready(String syncer) {
        return condition(syncer, StatusConditions.READY);
    }

    /** {@code kubectl wait krmsyncer/NAME --for=jsonpath=...}: the condition once it has this status and reason. */
    Condition awaitCondition(String syncer, String type, String status, String reason) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Condition condition = condition(syncer, type);
            assertThat(condition).as("%s condition of %s/%s", type, name, syncer).isNotNull();
            assertThat(condition.getStatus() + " " + condition.getReason()).as("%s condition: %s", type, condition)
                    .isEqualTo(status + " " + reason);
        });
        return condition(syncer, type);
    }

    Condition awaitReady(String syncer, String status, String reason) {
        return awaitCondition(syncer, StatusConditions.READY, status, reason);
    }

    RuleStatus rule(String syncer, String kind) {
        return get(syncer).getStatus().getRules().stream().filter(r -> kind.equals(r.getKind())).findFirst()
                .orElse(null);
    }

    /** {@code kubectl get events --field-selector involvedObject.kind=KRMSyncer,involvedObject.name=NAME} */
    List<Event> events(String syncer) {
        return local().v1().events().inNamespace(name).list().getItems().stream()
                .filter(e -> "KRMSyncer".equals(e.getInvolvedObject().getKind())
                        && syncer.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    /** Waits for a Warning event with this reason on the KRMSyncer, and returns it. */
    Event awaitWarning(String syncer, String reason) {
        await().atMost(Duration.ofSeconds(10)).until(() -> events(syncer).stream()
                .anyMatch(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason())));
        return events(syncer).stream().filter(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason()))
                .findFirst().orElseThrow();
    }

    /** {@code kubectl --kubeconfig CLUSTER.kubeconfig get configmap NAME -n NAMESPACE}, or null. */
    ConfigMap configMapIn(String cluster, String configMap) {
        return clusters.client(cluster).configMaps().inNamespace(name).withName(configMap).get();
    }

    /** The ConfigMaps of this namespace in a cluster. */
    List<ConfigMap> configMapsIn(String cluster) {
        return clusters.client(cluster).configMaps().inNamespace(name).list().getItems();
    }

    /** Whether this namespace exists in a cluster: the destination's is only created by a first copy. */
    boolean existsIn(String cluster) {
        return clusters.client(cluster).namespaces().withName(name).get() != null;
    }

    /** Waits until the ConfigMap is at the destination and passes the assertions. */
    ConfigMap awaitCopy(String cluster, String configMap, ThrowingConsumer<ConfigMap> assertions) {
        return awaitCopy(cluster, configMap, Duration.ofSeconds(15), assertions);
    }

    ConfigMap awaitCopy(String cluster, String configMap, Duration atMost, ThrowingConsumer<ConfigMap> assertions) {
        await().atMost(atMost).untilAsserted(() -> {
            ConfigMap copy = configMapIn(cluster, configMap);
            assertThat(copy).as("%s/%s in %s", name, configMap, cluster).isNotNull();
            assertions.accept(copy);
        });
        return configMapIn(cluster, configMap);
    }

    void awaitNoCopy(String cluster, String configMap) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(
                () -> assertThat(configMapIn(cluster, configMap)).as("%s/%s in %s", name, configMap, cluster).isNull());
    }

    /**
     * {@code curl localhost:PORT/q/metrics}: how many copies the KRMSyncers of this namespace wrote (created, updated,
     * recreated, deleted) through the kubeconfig Secret {@code secret}, whose metric cluster label is NAMESPACE/SECRET.
     */
    long writesThrough(String secret, int httpPort) {
        String cluster = "cluster=\"" + name + "/" + secret + "\"";
        return new OperatorEndpoints(httpPort).metrics().lines()
                .filter(line -> line.startsWith("krm_sync_copy_writes_total{") && line.contains(cluster)
                        && line.contains("reconciler=\"" + KRMSyncerReconciler.NAME + "\""))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** The assertions hold, and keep holding for the whole period: something that must not happen did not. */
    static void holdsFor(Duration period, ThrowingRunnable assertions) {
        await().during(period).atMost(period.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(assertions);
    }
}
