package io.krmsync.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** PropagationReconciler with cluster1 local, cluster2 and cluster3 providers (cluster1 listed as a provider too). */
@QuarkusTest
@WithTestResource(TestClusters.class)
class PropagationBehaviourTest {

    private static final String LABEL = "example.io/propagate";

    TestClusters clusters;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private KubernetesClient local;

    @BeforeEach
    void setUp() {
        local = clusters.client(TestClusters.LOCAL);
    }

    @Test
    void binaryDataLabelsAndAnnotationsArePropagated() {
        byte[] payload = { 0, 1, 2, (byte) 0xff };
        local.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("binary").withLabels(Map.of(LABEL, "true", "team", "a"))
                        .withAnnotations(Map.of("owner", "team-a")).build())
                .withData(Map.of("text", "plain"))
                .withBinaryData(Map.of("blob", Base64.getEncoder().encodeToString(payload))).build()).create();

        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> {
                ConfigMap copy = clusters.kubectl(provider).configMap("default", "binary");
                assertThat(copy).isNotNull();
                assertThat(copy.getData()).containsEntry("text", "plain");
                assertThat(Base64.getDecoder().decode(copy.getBinaryData().get("blob"))).isEqualTo(payload);
                assertThat(copy.getMetadata().getLabels()).containsEntry("team", "a");
                assertThat(copy.getMetadata().getAnnotations()).containsEntry("owner", "team-a");
            });
        }
    }

    @Test
    void theSourceNamespaceIsCreatedInProvidersThatLackIt() {
        clusters.kubectl(TestClusters.LOCAL).createNamespace("team-b");
        labelled("team-b", "settings", "k", "v");

        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(clusters.kubectl(provider).configMap("team-b", "settings"))
                    .as("copy in %s", provider).isNotNull());
            assertThat(clusters.client(provider).namespaces().withName("team-b").get()).isNotNull();
        }
    }

    @Test
    void aDeletedCopyIsRecreated() {
        labelled("default", "recreated", "k", "v");
        awaitCopies("default", "recreated");

        clusters.client("cluster3").configMaps().inNamespace("default").withName("recreated").delete();

        await().untilAsserted(() -> assertThat(clusters.kubectl("cluster3").configMap("default", "recreated"))
                .isNotNull());
    }

    @Test
    void anObjectKrmSyncDidNotCreateIsNotOverwritten() {
        clusters.kubectl("cluster2").createConfigMap("default", "preexisting", "mine=yes");
        labelled("default", "preexisting", "k", "from-cluster1");

        await().untilAsserted(() -> assertThat(clusters.kubectl("cluster3").configMap("default", "preexisting"))
                .isNotNull());
        await().untilAsserted(() -> assertThat(eventsOn("preexisting"))
                .anySatisfy(event -> {
                    assertThat(event.getReason()).isEqualTo("Conflict");
                    assertThat(event.getType()).isEqualTo("Warning");
                    assertThat(event.getMessage()).contains("cluster2").contains("not created by krm-sync");
                }));
        assertThat(clusters.kubectl("cluster2").configMap("default", "preexisting").getData())
                .containsExactlyEntriesOf(Map.of("mine", "yes"));
        assertThat(new OperatorEndpoints(port).metrics())
                .contains("krm_sync_conflicts_total{cluster=\"cluster2\",reconciler=\"propagation\"}");
    }

    @Test
    void removingTheLabelDeletesTheCopies() {
        labelled("default", "unlabelled", "k", "v");
        awaitCopies("default", "unlabelled");

        local.configMaps().inNamespace("default").withName("unlabelled").edit(cm -> {
            cm.getMetadata().getLabels().remove(LABEL);
            return cm;
        });

        // A real API server reports the label removal as a deletion to the label-selected watch; the in-memory one does
        // not, so here the periodic sweep (15 s) finds the source no longer selected.
        for (String provider : TestClusters.PROVIDERS) {
            await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(
                    clusters.kubectl(provider).configMap("default", "unlabelled")).as("copy in %s", provider).isNull());
        }
        assertThat(local.configMaps().inNamespace("default").withName("unlabelled").get()).isNotNull();
    }

    @Test
    void aCopyWhoseSourceWasDeletedWhileTheOperatorWasDownIsSwept() {
        labelled("default", "template", "k", "v");
        ConfigMap template = awaitCopies("default", "template");
        // What a copy left behind looks like: this operator's marker, and a source that no longer exists.
        Map<String, String> annotations = new HashMap<>(template.getMetadata().getAnnotations());
        annotations.put(TrackingMetadata.SOURCE_ANNOTATION, "cluster1/default/gone-while-down");
        clusters.client("cluster2").configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("gone-while-down")
                        .withLabels(template.getMetadata().getLabels()).withAnnotations(annotations).build())
                .withData(Map.of("k", "v")).build()).create();
        clusters.kubectl("cluster2").createConfigMap("default", "users-own", "k=v");

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(
                clusters.kubectl("cluster2").configMap("default", "gone-while-down")).isNull());
        assertThat(clusters.kubectl("cluster2").configMap("default", "users-own")).isNotNull();
        assertThat(clusters.kubectl("cluster2").configMap("default", "template")).isNotNull();
    }

    /** The deletion's removal of the copies races the new source's reconcile: the new source's copies win. */
    @Test
    void aSourceDeletedAndCreatedAgainWhileItIsCopiedEndsUpCopied() {
        labelled("default", "reborn", "k", "v1");
        local.configMaps().inNamespace("default").withName("reborn").delete();
        labelled("default", "reborn", "k", "v2");

        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(clusters.kubectl(provider).configMap("default", "reborn"))
                    .as("copy in %s", provider).isNotNull()
                    .extracting(ConfigMap::getData).isEqualTo(Map.of("k", "v2")));
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String provider : TestClusters.PROVIDERS) {
                assertThat(clusters.kubectl(provider).configMap("default", "reborn")).as("copy in %s", provider)
                        .isNotNull();
            }
        });
    }

    @Test
    void aKrmSyncCopyInTheLocalClusterIsNotPropagatedAgain() {
        local.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("a-copy").withLabels(Map.of(LABEL, "true"))
                        .withAnnotations(Map.of(TrackingMetadata.OWNER_ANNOTATION, "configmapsyncer/default/x")).build())
                .withData(Map.of("k", "v")).build()).create();

        await().untilAsserted(() -> assertThat(eventsOn("a-copy"))
                .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("SourceIsACopy")));
        assertThat(clusters.kubectl("cluster2").configMap("default", "a-copy")).isNull();
    }

    /** Every namespace of a real cluster has its own kube-root-ca.crt: labelled, it is reported, never pushed. */
    @Test
    void aClusterLocalConfigMapIsReportedNotPropagated() {
        String namespace = "root-ca-" + System.nanoTime();
        local.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        local.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("kube-root-ca.crt").withLabels(Map.of(LABEL, "true"))
                        .build())
                .withData(Map.of("ca.crt", "cluster1's CA")).build()).create();

        await().untilAsserted(() -> assertThat(local.v1().events().inNamespace(namespace).list().getItems())
                .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("ClusterLocalObject")));
        assertThat(clusters.kubectl("cluster2").configMap(namespace, "kube-root-ca.crt")).isNull();
    }

    @Test
    void healthShowsEveryClusterAndTheLocalOneAmongThem() {
        await().untilAsserted(() -> assertThat(new OperatorEndpoints(port).health())
                .contains("\"cluster1\": \"the local cluster (not written to as a remote)\"")
                .contains("\"cluster2\": \"reachable\"")
                .contains("\"cluster3\": \"reachable\""));
        assertThat(new OperatorEndpoints(port).metrics())
                .contains("krm_sync_clusters{state=\"reachable\"} 2.0")
                .contains("krm_sync_clusters{state=\"local\"} 1.0")
                .contains("krm_sync_cluster_reachable{cluster=\"cluster2\"} 1.0");
    }

    private void labelled(String namespace, String name, String key, String value) {
        local.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withLabels(Map.of(LABEL, "true")).build())
                .withData(Map.of(key, value)).build()).create();
    }

    private ConfigMap awaitCopies(String namespace, String name) {
        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(clusters.kubectl(provider).configMap(namespace, name))
                    .as("copy in %s", provider).isNotNull());
        }
        return clusters.kubectl("cluster2").configMap(namespace, name);
    }

    private List<Event> eventsOn(String configMap) {
        return local.v1().events().inNamespace("default").list().getItems().stream()
                .filter(event -> configMap.equals(event.getInvolvedObject().getName())).toList();
    }
}
