package io.krmsync.propagation;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Clusters added, changed and removed while the operator runs (as multi-cluster controller-runtime does), from each source, and kubeconfigs that must
 * not become clusters. cluster4 runs from the start but is in no source until a test adds it.
 */
@QuarkusTest
class PropagationClustersTest extends OperatorTest {

    private static final String SECRET_NAMESPACE = TestClusters.OPERATOR_NAMESPACE;

    @Test
    void aKubeconfigFileDroppedIntoTheDirectoryAddsAClusterChangingItRebuildsItRemovingItRemovesIt() throws Exception {
        labelled("dir-test", "v1");
        Path file = clusters.watchedDirectory().resolve("cluster4.kubeconfig");

        Files.writeString(file, clusters.kubeconfigContent("cluster4"));
        awaitValue("cluster4", "dir-test", "v1");
        await().untilAsserted(() -> assertThat(health()).contains("\"cluster4\": \"reachable\""));

        Files.writeString(file, clusters.kubeconfigContent("cluster4") + "# rotated\n");
        updateSource("dir-test", "v2");
        awaitValue("cluster4", "dir-test", "v2");

        Files.delete(file);
        await().untilAsserted(() -> assertThat(health()).doesNotContain("\"cluster4\""));
        updateSource("dir-test", "v3");
        awaitValue("cluster2", "dir-test", "v3");
        // A removed cluster is no longer written; its copies stay as they were.
        assertThat(kubectl("cluster4").configMap(namespace, "dir-test").getData()).containsEntry("k", "v2");
    }

    /** A copy left behind in a cluster (its source deleted while the cluster was away) goes as the cluster is added. */
    @Test
    void aClusterAddedLaterIsSweptOfCopiesWhoseSourceIsGone() throws Exception {
        labelled("sweep-template", "v1");
        awaitValue("cluster2", "sweep-template", "v1");
        ConfigMap template = kubectl("cluster2").configMap(namespace, "sweep-template");
        Map<String, String> annotations = new HashMap<>(template.getMetadata().getAnnotations());
        annotations.put(TrackingMetadata.SOURCE_ANNOTATION, "cluster1/" + namespace + "/left-behind");
        kubectl("cluster4").createNamespace(namespace);
        clusters.client("cluster4").configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("left-behind")
                        .withLabels(template.getMetadata().getLabels()).withAnnotations(annotations).build())
                .withData(Map.of("k", "v")).build()).create();
        Path file = clusters.watchedDirectory().resolve("cluster4.kubeconfig");

        Files.writeString(file, clusters.kubeconfigContent("cluster4"));
        try {
            awaitValue("cluster4", "sweep-template", "v1");
            // Sooner than the periodic sweep (15 s): the new cluster is swept once its copies are listed.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    kubectl("cluster4").configMap(namespace, "left-behind")).isNull());
        } finally {
            Files.delete(file);
            await().untilAsserted(() -> assertThat(health()).doesNotContain("\"cluster4\""));
        }
    }

    @Test
    void aLabelledSecretAddsAClusterChangingItRebuildsItDeletingItRemovesIt() {
        kubectl().createNamespace(SECRET_NAMESPACE);
        labelled("secret-test", "v1");
        KubernetesClient local = local();

        local.secrets().inNamespace(SECRET_NAMESPACE).resource(kubeconfigSecret("cluster4",
                clusters.kubeconfigContent("cluster4"))).create();
        awaitValue("cluster4", "secret-test", "v1");

        local.secrets().inNamespace(SECRET_NAMESPACE).resource(kubeconfigSecret("cluster4",
                clusters.kubeconfigContent("cluster4") + "# rotated\n")).update();
        updateSource("secret-test", "v2");
        awaitValue("cluster4", "secret-test", "v2");

        local.secrets().inNamespace(SECRET_NAMESPACE).withName("cluster4").delete();
        await().untilAsserted(() -> assertThat(health()).doesNotContain("\"cluster4\""));
        updateSource("secret-test", "v3");
        awaitValue("cluster2", "secret-test", "v3");
        assertThat(kubectl("cluster4").configMap(namespace, "secret-test").getData()).containsEntry("k", "v2");
    }

    @Test
    void aFlaggedKubeconfigFileThatChangesGetsANewClient() throws Exception {
        labelled("flag-test", "v1");
        awaitValue("cluster3", "flag-test", "v1");

        Files.writeString(clusters.kubeconfig("cluster3"), clusters.kubeconfigContent("cluster3") + "# rotated\n");
        updateSource("flag-test", "v2");

        awaitValue("cluster3", "flag-test", "v2");
    }

    @Test
    void badKubeconfigsAreReportedOneByOneAndLeaveTheOtherClustersAlone() throws Exception {
        Path dir = clusters.watchedDirectory();
        Map<String, String> bad = Map.of(
                "malformed.kubeconfig", "clusters: [unclosed",
                "nested.kubeconfig", "[".repeat(20_000),
                "no-current-context.kubeconfig", kubeconfig("http://127.0.0.1:1", "user: {}").replace(
                        "current-context: only\n", ""),
                "exec.kubeconfig", kubeconfig("http://127.0.0.1:1",
                        "user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: get-token"),
                "auth-provider.kubeconfig", kubeconfig("http://127.0.0.1:1",
                        "user:\n    auth-provider:\n      name: oidc\n      config: {id-token: secret-token-123}"),
                "file-references.kubeconfig", kubeconfig("http://127.0.0.1:1",
                        "user:\n    client-certificate: /etc/krm-sync/client.crt\n    client-key: /etc/krm-sync/client.key"),
                "unreachable.kubeconfig", kubeconfig("http://127.0.0.1:1", "user: {}"),
                // cluster2 is already defined by -provider-kubeconfigs
                "cluster2.kubeconfig", clusters.kubeconfigContent("cluster4"));
        try {
            for (var file : bad.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(health())
                    .contains("malformed.kubeconfig\": \"not used: MalformedKubeconfig")
                    .contains("nested.kubeconfig\": \"not used: MalformedKubeconfig")
                    .contains("no-current-context.kubeconfig\": \"not used: NoCurrentContext")
                    .contains("exec.kubeconfig\": \"not used: ExecRefused")
                    .contains("auth-provider.kubeconfig\": \"not used: AuthProviderRefused")
                    .contains("file-references.kubeconfig\": \"not used: FileReferenceRefused")
                    .contains("cluster2.kubeconfig\": \"not used: DuplicateClusterName")
                    .contains("\"unreachable\": \"unreachable since")
                    .contains("\"cluster2\": \"reachable\"")
                    .contains("\"cluster3\": \"reachable\"")
                    .doesNotContain("secret-token-123"));

            labelled("despite-bad-kubeconfigs", "v1");
            awaitValue("cluster2", "despite-bad-kubeconfigs", "v1");
            awaitValue("cluster3", "despite-bad-kubeconfigs", "v1");
            // The duplicate did not replace cluster2's client: cluster4 got nothing.
            assertThat(kubectl("cluster4").configMap(namespace, "despite-bad-kubeconfigs")).isNull();
        } finally {
            for (String file : bad.keySet()) {
                Files.deleteIfExists(dir.resolve(file));
            }
        }
        await().untilAsserted(() -> assertThat(health()).doesNotContain("not used").doesNotContain("\"unreachable\""));
    }

    @Test
    void aRefusedKubeconfigSecretGetsAWarningEvent() {
        kubectl().createNamespace(SECRET_NAMESPACE);
        KubernetesClient local = local();
        local.secrets().inNamespace(SECRET_NAMESPACE).resource(kubeconfigSecret("with-exec", kubeconfig(
                "http://127.0.0.1:1", "user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: get-token")))
                .create();
        try {
            await().untilAsserted(() -> assertThat(local.v1().events().inNamespace(SECRET_NAMESPACE).list().getItems())
                    .anySatisfy(event -> {
                        assertThat(event.getInvolvedObject().getName()).isEqualTo("with-exec");
                        assertThat(event.getReason()).isEqualTo("ExecRefused");
                        assertThat(event.getMessage()).contains("krm-sync.clusters.insecure.allow-exec");
                    }));
        } finally {
            local.secrets().inNamespace(SECRET_NAMESPACE).withName("with-exec").delete();
        }
    }

    /** Issue 13: a kubeconfig nested deeper than a parser's stack is one more refused Secret; its neighbours are used. */
    @Test
    void aKubeconfigSecretNestedTooDeepIsRefusedAndAValidOneBesideItStillAddsItsCluster() {
        kubectl().createNamespace(SECRET_NAMESPACE);
        labelled("beside-nested", "v1");
        KubernetesClient local = local();
        local.secrets().inNamespace(SECRET_NAMESPACE).resource(kubeconfigSecret("nested", "[".repeat(20_000))).create();
        local.secrets().inNamespace(SECRET_NAMESPACE).resource(kubeconfigSecret("cluster4",
                clusters.kubeconfigContent("cluster4"))).create();
        try {
            awaitValue("cluster4", "beside-nested", "v1");
            await().untilAsserted(() -> assertThat(local.v1().events().inNamespace(SECRET_NAMESPACE).list().getItems())
                    .anySatisfy(event -> {
                        assertThat(event.getInvolvedObject().getName()).isEqualTo("nested");
                        assertThat(event.getReason()).isEqualTo("MalformedKubeconfig");
                    }));
        } finally {
            local.secrets().inNamespace(SECRET_NAMESPACE).withName("nested").delete();
            local.secrets().inNamespace(SECRET_NAMESPACE).withName("cluster4").delete();
        }
        await().untilAsserted(() -> assertThat(health()).doesNotContain("\"cluster4\""));
    }

    @Test
    void aProviderThatGoesDownDoesNotHoldUpTheOthersAndCatchesUpWhenItIsBack() {
        labelled("before-outage", "v1");
        awaitValue("cluster3", "before-outage", "v1");
        int port3 = clusters.port("cluster3");

        clusters.stop("cluster3");
        try {
            await().untilAsserted(() -> assertThat(health()).contains("\"cluster3\": \"unreachable since"));
            assertThat(operator().metrics()).contains("krm_sync_cluster_reachable{cluster=\"cluster3\"} 0.0");
            assertThat(operator().get("/q/health/ready").statusCode()).isEqualTo(200);

            labelled("during-outage", "v1");
            updateSource("before-outage", "v2");
            awaitValue("cluster2", "during-outage", "v1");
            awaitValue("cluster2", "before-outage", "v2");
        } finally {
            clusters.restart("cluster3", port3);
        }

        // Back, and empty: it receives every labelled ConfigMap.
        awaitValue("cluster3", "during-outage", "v1");
        awaitValue("cluster3", "before-outage", "v2");
        await().untilAsserted(() -> assertThat(health()).contains("\"cluster3\": \"reachable\""));
    }

    private void labelled(String name, String value) {
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withLabels(Map.of("example.io/propagate", "true"))
                        .build())
                .withData(Map.of("k", value)).build()).create();
    }

    private void updateSource(String name, String value) {
        kubectl().mergePatch(ConfigMap.class, namespace, name,
                "{\"data\":{\"k\":\"" + value + "\"}}");
    }

    private void awaitValue(String cluster, String name, String value) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ConfigMap copy = kubectl(cluster).configMap(namespace, name);
            assertThat(copy).as("%s in %s", name, cluster).isNotNull();
            assertThat(copy.getData()).as("%s in %s", name, cluster).containsEntry("k", value);
        });
    }

    private String health() {
        return operator().health();
    }

    private static Secret kubeconfigSecret(String name, String kubeconfig) {
        return new SecretBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("krm-sync.io/cluster-kubeconfig", "true")).endMetadata()
                .withStringData(Map.of("kubeconfig", kubeconfig)).build();
    }

    private static String kubeconfig(String server, String user) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: only
                  cluster:
                    server: %s
                users:
                - name: only
                  %s
                contexts:
                - name: only
                  context:
                    cluster: only
                    user: only
                current-context: only
                """.formatted(server, user);
    }
}
