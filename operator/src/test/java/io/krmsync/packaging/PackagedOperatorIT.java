package io.krmsync.packaging;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.Tenants;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The operator as it ships, in its prod profile: {@code target/quarkus-app} after {@code ./mvnw verify}, the native
 * executable after {@code ./mvnw verify -Dnative}, started against in-memory clusters with the bundle's CRDs. It gets
 * ready, and each reconciler reads its custom resource, writes its copies and its status: in the native executable
 * that takes the reflection registrations, kubeconfig parsing and dynamic kinds the JVM tests cannot vouch for. As a
 * shared cluster runs it ({@link Tenants}): the ConfigMapSyncer and the propagated ConfigMap are in {@code default},
 * trusted as docs/operations.md shows, and the KRMSyncer is a tenant's, within its own namespace.
 */
@QuarkusIntegrationTest
@WithTestResource(BundleInstalledClusters.class)
@TestProfile(Tenants.class)
class PackagedOperatorIT {

    private static final Duration STARTUP_AND_SYNC = Duration.ofSeconds(60);

    TestClusters clusters;

    @TestHTTPResource("/")
    URL operator;

    /** Up to a minute, retried also on exceptions: status is absent until the first reconciliation writes it. */
    private static ConditionFactory afterStartup() {
        return eventually(STARTUP_AND_SYNC).ignoreExceptions();
    }

    @Test
    void readyWithEveryProviderReachable() {
        OperatorEndpoints endpoints = new OperatorEndpoints(operator.getPort());
        afterStartup().untilAsserted(() -> {
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
        ConfigMapSyncer syncer = kubectl.apply(Manifest.integrationTestSyncer());

        afterStartup().untilAsserted(() -> {
            assertThat(kubectl.configMap("staging", "test-config")).isNotNull();
            assertThat(kubectl.get(syncer).getStatus().getSyncedNamespaces())
                    .containsExactly("dev", "staging");
        });
        kubectl.mergePatch(ConfigMap.class, "default", "test-config", "{\"data\":{\"key1\":\"updated-value\"}}");
        afterStartup().untilAsserted(() -> assertThat(kubectl.configMap("dev", "test-config").getData())
                .containsEntry("key1", "updated-value"));
        kubectl.delete(syncer);
        afterStartup().untilAsserted(() -> {
            assertThat(kubectl.configMap("dev", "test-config")).isNull();
            assertThat(kubectl.get(syncer)).isNull();
        });
    }

    @Test
    void propagationPushesLabelledConfigMapsToEveryProvider() {
        clusters.kubectl(TestClusters.LOCAL).apply(Manifest.propagatedConfigMapSample());
        for (String provider : TestClusters.PROVIDERS) {
            afterStartup().untilAsserted(() -> assertThat(
                    clusters.kubectl(provider).configMap("default", "example-configmap")).isNotNull());
        }
        clusters.kubectl(TestClusters.LOCAL).mergePatch(ConfigMap.class, "default", "example-configmap",
                "{\"data\": {\"hello\": \"brian\"}}");
        afterStartup().untilAsserted(() -> assertThat(
                clusters.kubectl("cluster3").configMap("default", "example-configmap").getData())
                .containsEntry("hello", "brian"));
    }

    @Test
    void krmSyncerPushesToTheClusterOfItsKubeconfigSecret() {
        var kubectl = clusters.kubectl(TestClusters.LOCAL);
        kubectl.createNamespace("team-a");
        kubectl.applySecret("team-a", "destination-kubeconfig", "kubeconfig", clusters.kubeconfigContent("cluster2"));
        // test-syncer.yaml, in a namespace of its own
        KRMSyncer applied = kubectl.apply(Manifest.krmSyncerSample().inNamespace("team-a")
                .with("spec.rules[0].namespaces", List.of("team-a")));
        kubectl.createConfigMap("team-a", "test-sync-data", "key=value1");

        afterStartup().untilAsserted(() -> {
            assertThat(clusters.kubectl("cluster2").configMap("team-a", "test-sync-data")).isNotNull();
            KRMSyncer syncer = kubectl.get(applied);
            assertThat(syncer.getStatus().getSummary()).isEqualTo("1/1");
            assertThat(syncer).isReady();
        });
    }
}
