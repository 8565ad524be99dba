package io.krmsync.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The operator as it ships, in its prod profile: {@code target/quarkus-app} after {@code ./mvnw verify}, the native
 * executable after {@code ./mvnw verify -Dnative}, started against in-memory clusters with the bundle's CRDs. It gets
 * ready, and each reconciler reads its custom resource, writes its copies and its status: in the native executable
 * that takes the reflection registrations, kubeconfig parsing and dynamic kinds the JVM tests cannot vouch for.
 */
@QuarkusIntegrationTest
@WithTestResource(BundleInstalledClusters.class)
class PackagedOperatorIT {

    private static final Duration STARTUP_AND_SYNC = Duration.ofSeconds(60);

    TestClusters clusters;

    @TestHTTPResource("/")
    URL operator;

    /** Up to a minute, retried also on exceptions: status is absent until the first reconciliation writes it. */
    private static ConditionFactory eventually() {
        return await().atMost(STARTUP_AND_SYNC).ignoreExceptions();
    }

    @Test
    void readyWithEveryProviderReachable() {
        OperatorEndpoints endpoints = new OperatorEndpoints(operator.getPort());
        eventually().untilAsserted(() -> {
            assertThat(endpoints.get("/q/health/ready").statusCode()).isEqualTo(200);
            assertThat(endpoints.health()).contains("\"cluster2\": \"reachable\"", "\"cluster3\": \"reachable\"");
        });
    }

    @Test
    void configMapSyncerFansOutAndCleansUp() {
        var kubectl = clusters.kubectl(TestClusters.LOCAL);
        kubectl.createNamespace("dev");
        kubectl.createNamespace("staging");
        kubectl.createConfigMap("default", "test-config", "key1=value1", "key2=value2");
        kubectl.apply("""
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: test-syncer
                  namespace: default
                spec:
                  sourceNamespace: default
                  sourceConfigMap: test-config
                  targetNamespaces: [dev, staging]
                """, ConfigMapSyncer.class);

        eventually().untilAsserted(() -> {
            assertThat(kubectl.configMap("staging", "test-config")).isNotNull();
            assertThat(kubectl.syncer("default", "test-syncer").getStatus().getSyncedNamespaces())
                    .containsExactly("dev", "staging");
        });
        kubectl.mergePatch(ConfigMap.class, "default", "test-config", "{\"data\":{\"key1\":\"updated-value\"}}");
        eventually().untilAsserted(() -> assertThat(kubectl.configMap("dev", "test-config").getData())
                .containsEntry("key1", "updated-value"));
        kubectl.deleteSyncer("default", "test-syncer");
        eventually().untilAsserted(() -> {
            assertThat(kubectl.configMap("dev", "test-config")).isNull();
            assertThat(kubectl.syncer("default", "test-syncer")).isNull();
        });
    }

    @Test
    void propagationPushesLabelledConfigMapsToEveryProvider() throws Exception {
        clusters.client(TestClusters.LOCAL).resource(clusters.client(TestClusters.LOCAL).getKubernetesSerialization()
                .unmarshal(Files.readString(Path.of("..", "kubernetes", "samples", "example-cm.yaml")), ConfigMap.class))
                .create();
        for (String provider : TestClusters.PROVIDERS) {
            eventually().untilAsserted(() -> assertThat(
                    clusters.kubectl(provider).configMap("default", "example-configmap")).isNotNull());
        }
        clusters.kubectl(TestClusters.LOCAL).mergePatch(ConfigMap.class, "default", "example-configmap",
                "{\"data\": {\"hello\": \"brian\"}}");
        eventually().untilAsserted(() -> assertThat(
                clusters.kubectl("cluster3").configMap("default", "example-configmap").getData())
                .containsEntry("hello", "brian"));
    }

    @Test
    void krmSyncerPushesToTheClusterOfItsKubeconfigSecret() {
        var active = clusters.client(TestClusters.LOCAL);
        clusters.kubectl(TestClusters.LOCAL).createNamespace("team-a");
        String kubeconfig = clusters.kubeconfigContent("cluster2");
        active.secrets().inNamespace("team-a").resource(new SecretBuilder().withNewMetadata()
                .withName("destination-kubeconfig").endMetadata()
                .withData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        clusters.kubectl(TestClusters.LOCAL).apply("""
                apiVersion: syncer.gkelabs.io/v1alpha1
                kind: KRMSyncer
                metadata:
                  name: configmap-sync
                  namespace: team-a
                spec:
                  suspend: false
                  rules:
                    - group: ""
                      version: "v1"
                      kind: "ConfigMap"
                      namespaces: ["team-a"]
                  destination:
                    clusterConfig:
                      kubeConfigSecretRef:
                        name: "destination-kubeconfig"
                """, KRMSyncer.class);
        clusters.kubectl(TestClusters.LOCAL).createConfigMap("team-a", "test-sync-data", "key=value1");

        eventually().untilAsserted(() -> {
            assertThat(clusters.kubectl("cluster2").configMap("team-a", "test-sync-data")).isNotNull();
            KRMSyncer syncer = active.resources(KRMSyncer.class).inNamespace("team-a").withName("configmap-sync").get();
            assertThat(syncer.getStatus().getSummary()).isEqualTo("1/1");
            assertThat(syncer.getStatus().getConditions())
                    .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
        });
    }
}
