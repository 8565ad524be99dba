package io.krmsync.propagation;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.junit.QuarkusTest;

/** PropagationReconciler with cluster1 local, cluster2 and cluster3 providers (cluster1 listed as a provider too). */
@QuarkusTest
class PropagationBehaviourTest extends OperatorTest {

    private static final String LABEL = "example.io/propagate";

    @Test
    void binaryDataLabelsAndAnnotationsArePropagated() {
        byte[] payload = { 0, 1, 2, (byte) 0xff };
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("binary").withLabels(Map.of(LABEL, "true", "team", "a"))
                        .withAnnotations(Map.of("owner", "team-a")).build())
                .withData(Map.of("text", "plain"))
                .withBinaryData(Map.of("blob", Base64.getEncoder().encodeToString(payload))).build()).create();

        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> {
                ConfigMap copy = kubectl(provider).configMap(namespace, "binary");
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
        labelled(namespace, "settings", "k", "v");

        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(kubectl(provider).configMap(namespace, "settings"))
                    .as("copy in %s", provider).isNotNull());
            assertThat(kubectl(provider).hasNamespace(namespace)).isTrue();
        }
    }

    @Test
    void aDeletedCopyIsRecreated() {
        labelled(namespace, "recreated", "k", "v");
        awaitCopies(namespace, "recreated");

        kubectl("cluster3").deleteConfigMap(namespace, "recreated");

        await().untilAsserted(() -> assertThat(kubectl("cluster3").configMap(namespace, "recreated"))
                .isNotNull());
    }

    @Test
    void anObjectKrmSyncDidNotCreateIsNotOverwritten() {
        kubectl("cluster2").createNamespace(namespace);
        kubectl("cluster2").createConfigMap(namespace, "preexisting", "mine=yes");
        labelled(namespace, "preexisting", "k", "from-cluster1");

        await().untilAsserted(() -> assertThat(kubectl("cluster3").configMap(namespace, "preexisting"))
                .isNotNull());
        await().untilAsserted(() -> assertThat(eventsOn("preexisting"))
                .anySatisfy(event -> {
                    assertThat(event.getReason()).isEqualTo("Conflict");
                    assertThat(event.getType()).isEqualTo("Warning");
                    assertThat(event.getMessage()).contains("cluster2").contains("not created by krm-sync");
                }));
        assertThat(kubectl("cluster2").configMap(namespace, "preexisting").getData())
                .containsExactlyEntriesOf(Map.of("mine", "yes"));
        assertThat(operator().metrics())
                .contains("krm_sync_conflicts_total{cluster=\"cluster2\",reconciler=\"propagation\"}");
    }

    @Test
    void removingTheLabelDeletesTheCopies() {
        labelled(namespace, "unlabelled", "k", "v");
        awaitCopies(namespace, "unlabelled");

        local().configMaps().inNamespace(namespace).withName("unlabelled").edit(cm -> {
            cm.getMetadata().getLabels().remove(LABEL);
            return cm;
        });

        // A real API server reports the label removal as a deletion to the label-selected watch; the in-memory one does
        // not, so here the periodic sweep (15 s) finds the source no longer selected.
        for (String provider : TestClusters.PROVIDERS) {
            await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(
                    kubectl(provider).configMap(namespace, "unlabelled")).as("copy in %s", provider).isNull());
        }
        assertThat(kubectl().configMap(namespace, "unlabelled")).isNotNull();
    }

    @Test
    void aCopyWhoseSourceWasDeletedWhileTheOperatorWasDownIsSwept() {
        labelled(namespace, "template", "k", "v");
        ConfigMap template = awaitCopies(namespace, "template");
        // What a copy left behind looks like: this operator's marker, and a source that no longer exists.
        Map<String, String> annotations = new HashMap<>(template.getMetadata().getAnnotations());
        annotations.put(TrackingMetadata.SOURCE_ANNOTATION, "cluster1/" + namespace + "/gone-while-down");
        clusters.client("cluster2").configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("gone-while-down")
                        .withLabels(template.getMetadata().getLabels()).withAnnotations(annotations).build())
                .withData(Map.of("k", "v")).build()).create();
        kubectl("cluster2").createConfigMap(namespace, "users-own", "k=v");

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(
                kubectl("cluster2").configMap(namespace, "gone-while-down")).isNull());
        assertThat(kubectl("cluster2").configMap(namespace, "users-own")).isNotNull();
        assertThat(kubectl("cluster2").configMap(namespace, "template")).isNotNull();
    }

    /** The deletion's removal of the copies races the new source's reconcile: the new source's copies win. */
    @Test
    void aSourceDeletedAndCreatedAgainWhileItIsCopiedEndsUpCopied() {
        labelled(namespace, "reborn", "k", "v1");
        local().configMaps().inNamespace(namespace).withName("reborn").delete();
        labelled(namespace, "reborn", "k", "v2");

        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(kubectl(provider).configMap(namespace, "reborn"))
                    .as("copy in %s", provider).isNotNull()
                    .extracting(ConfigMap::getData).isEqualTo(Map.of("k", "v2")));
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String provider : TestClusters.PROVIDERS) {
                assertThat(kubectl(provider).configMap(namespace, "reborn")).as("copy in %s", provider)
                        .isNotNull();
            }
        });
    }

    @Test
    void aKrmSyncCopyInTheLocalClusterIsNotPropagatedAgain() {
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("a-copy").withLabels(Map.of(LABEL, "true"))
                        .withAnnotations(Map.of(TrackingMetadata.OWNER_ANNOTATION, "configmapsyncer/default/x")).build())
                .withData(Map.of("k", "v")).build()).create();

        await().untilAsserted(() -> assertThat(eventsOn("a-copy"))
                .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("SourceIsACopy")));
        assertThat(kubectl("cluster2").configMap(namespace, "a-copy")).isNull();
    }

    /** Every namespace of a real cluster has its own kube-root-ca.crt: labelled, it is reported, never pushed. */
    @Test
    void aClusterLocalConfigMapIsReportedNotPropagated() {
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("kube-root-ca.crt").withLabels(Map.of(LABEL, "true"))
                        .build())
                .withData(Map.of("ca.crt", "cluster1's CA")).build()).create();

        await().untilAsserted(() -> assertThat(local().v1().events().inNamespace(namespace).list().getItems())
                .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("ClusterLocalObject")));
        assertThat(kubectl("cluster2").configMap(namespace, "kube-root-ca.crt")).isNull();
    }

    @Test
    void healthShowsEveryClusterAndTheLocalOneAmongThem() {
        await().untilAsserted(() -> assertThat(operator().health())
                .contains("\"cluster1\": \"the local cluster (not written to as a remote)\"")
                .contains("\"cluster2\": \"reachable\"")
                .contains("\"cluster3\": \"reachable\""));
        assertThat(operator().metrics())
                .contains("krm_sync_clusters{state=\"reachable\"} 2.0")
                .contains("krm_sync_clusters{state=\"local\"} 1.0")
                .contains("krm_sync_cluster_reachable{cluster=\"cluster2\"} 1.0");
    }

    private void labelled(String namespace, String name, String key, String value) {
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withLabels(Map.of(LABEL, "true")).build())
                .withData(Map.of(key, value)).build()).create();
    }

    private ConfigMap awaitCopies(String namespace, String name) {
        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(kubectl(provider).configMap(namespace, name))
                    .as("copy in %s", provider).isNotNull());
        }
        return kubectl("cluster2").configMap(namespace, name);
    }

    private List<Event> eventsOn(String configMap) {
        return local().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(event -> configMap.equals(event.getInvolvedObject().getName())).toList();
    }
}
