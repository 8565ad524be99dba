package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.status.Reason;

class ObjectSanitizerTest {

    private static final CopyOwner OWNER = CopyOwner.of("configmapsyncer", "default", "app-syncer");
    private static final SourceRef SOURCE = new SourceRef("local", "default", "app-config");

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);

    private static ConfigMap sourceConfigMapWithServerMetadata() {
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName("app-config")
                    .withNamespace("default")
                    .withUid("6f1c7a2e-0000-4000-8000-000000000001")
                    .withResourceVersion("4711")
                    .withCreationTimestamp("2024-01-01T00:00:00Z")
                    .withGeneration(3L)
                    .withSelfLink("/api/v1/namespaces/default/configmaps/app-config")
                    .withDeletionTimestamp("2024-02-01T00:00:00Z")
                    .withDeletionGracePeriodSeconds(30L)
                    .addNewManagedField().withManager("kubectl").withOperation("Update").endManagedField()
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("app")
                        .withUid("6f1c7a2e-0000-4000-8000-000000000002").endOwnerReference()
                    .withFinalizers("example.com/keep")
                    .withLabels(Map.of("app", "web"))
                .endMetadata()
                .withData(Map.of("key1", "value1"))
                .build();
    }

    @Test
    void dropsServerSetMetadata() {
        GenericKubernetesResource copy = sanitizer.desiredCopy(sourceConfigMapWithServerMetadata(), "dev", SOURCE, OWNER);

        var metadata = copy.getMetadata();
        assertThat(metadata.getUid()).isNull();
        assertThat(metadata.getResourceVersion()).isNull();
        assertThat(metadata.getCreationTimestamp()).isNull();
        assertThat(metadata.getGeneration()).isNull();
        assertThat(metadata.getSelfLink()).isNull();
        assertThat(metadata.getDeletionTimestamp()).isNull();
        assertThat(metadata.getDeletionGracePeriodSeconds()).isNull();
        assertThat(metadata.getManagedFields()).isNullOrEmpty();
        assertThat(metadata.getOwnerReferences()).isNullOrEmpty();
        assertThat(metadata.getFinalizers()).isNullOrEmpty();
    }

    @Test
    void serializedCopyMetadataHoldsOnlyNameNamespaceLabelsAndAnnotations() {
        GenericKubernetesResource copy = sanitizer.desiredCopy(sourceConfigMapWithServerMetadata(), "dev", SOURCE, OWNER);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = serialization.unmarshal(serialization.asJson(copy), Map.class);

        assertThat(json).containsOnlyKeys("apiVersion", "kind", "metadata", "data");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) json.get("metadata");
        assertThat(metadata).containsOnlyKeys("name", "namespace", "labels", "annotations");
    }

    @Test
    void dropsStatus() {
        Service source = new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web")).addNewPort().withPort(80).endPort().endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("203.0.113.7").endIngress()
                    .endLoadBalancer().endStatus()
                .build();

        GenericKubernetesResource copy = sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);

        assertThat(copy.getAdditionalProperties()).doesNotContainKey("status").containsKey("spec");
    }

    @Test
    void setsNamespaceToTheTargetAndKeepsNameAndKind() {
        GenericKubernetesResource copy = sanitizer.desiredCopy(sourceConfigMapWithServerMetadata(), "dev", SOURCE, OWNER);

        assertThat(copy.getMetadata().getNamespace()).isEqualTo("dev");
        assertThat(copy.getMetadata().getName()).isEqualTo("app-config");
        assertThat(copy.getApiVersion()).isEqualTo("v1");
        assertThat(copy.getKind()).isEqualTo("ConfigMap");
    }

    @Test
    void keepsDataOfTheSource() {
        GenericKubernetesResource copy = sanitizer.desiredCopy(sourceConfigMapWithServerMetadata(), "dev", SOURCE, OWNER);

        assertThat(copy.getAdditionalProperties()).containsEntry("data", Map.of("key1", "value1"));
    }

    @Test
    void keepsSourceLabelsAndAnnotationsExceptLastAppliedAndTrackingKeys() {
        ConfigMap source = new ConfigMapBuilder()
                .withNewMetadata()
                    .withName("app-config").withNamespace("default")
                    .withLabels(Map.of("app", "web", "krm-sync.io/managed-by", "someone-else",
                            "krm-sync.io/whatever", "x"))
                    .withAnnotations(Map.of("team", "payments",
                            ObjectSanitizer.LAST_APPLIED_ANNOTATION, "{\"apiVersion\":\"v1\"}",
                            "krm-sync.io/source", "other/ns/name", "krm-sync.io/custom", "y"))
                .endMetadata()
                .withData(Map.of("key1", "value1"))
                .build();

        GenericKubernetesResource copy = sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);

        assertThat(copy.getMetadata().getLabels())
                .containsEntry("app", "web")
                .doesNotContainKey("krm-sync.io/whatever")
                .containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "configmapsyncer");
        assertThat(copy.getMetadata().getAnnotations())
                .containsEntry("team", "payments")
                .doesNotContainKey(ObjectSanitizer.LAST_APPLIED_ANNOTATION)
                .doesNotContainKey("krm-sync.io/custom")
                .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "local/default/app-config");
    }

    @Test
    void stampsTheTrackingMarker() {
        GenericKubernetesResource copy = sanitizer.desiredCopy(sourceConfigMapWithServerMetadata(), "dev", SOURCE, OWNER);

        assertThat(copy.getMetadata().getLabels())
                .containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "configmapsyncer")
                .containsEntry(TrackingMetadata.OWNER_LABEL, OWNER.labelValue());
        assertThat(copy.getMetadata().getAnnotations())
                .containsEntry(TrackingMetadata.OWNER_ANNOTATION, "configmapsyncer/default/app-syncer")
                .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "local/default/app-config")
                .containsKey(TrackingMetadata.SOURCE_HASH_ANNOTATION);
        assertThat(copy.getMetadata().getAnnotations().get(TrackingMetadata.SOURCE_HASH_ANNOTATION))
                .matches("[0-9a-f]{32}");
    }

    @Test
    void keepsSecretType() {
        Secret source = new SecretBuilder()
                .withNewMetadata().withName("tls").withNamespace("default").endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5"))
                .build();

        GenericKubernetesResource copy = sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);

        assertThat(copy.getAdditionalProperties())
                .containsEntry("type", "kubernetes.io/tls")
                .containsEntry("data", Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5"));
    }

    @Test
    void refusesServiceAccountTokenSecrets() {
        Secret source = new SecretBuilder()
                .withNewMetadata().withName("builder-token").withNamespace("default")
                    .withAnnotations(Map.of("kubernetes.io/service-account.name", "builder")).endMetadata()
                .withType(ObjectSanitizer.SERVICE_ACCOUNT_TOKEN_TYPE)
                .withData(Map.of("token", "dG9rZW4="))
                .build();

        assertThatThrownBy(() -> sanitizer.desiredCopy(source, "dev", SOURCE, OWNER))
                .isInstanceOfSatisfying(UncopyableObjectException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ServiceAccountTokenSecret))
                .hasMessageContaining("local/default/app-config")
                .hasMessageNotContaining("dG9rZW4=");
    }

    @Test
    void refusesObjectsEveryClusterMakesForItself() {
        ConfigMap rootCa = new ConfigMapBuilder().withNewMetadata().withName("kube-root-ca.crt").withNamespace("default")
                .endMetadata().withData(Map.of("ca.crt", "-----BEGIN CERTIFICATE-----")).build();
        Secret bootstrapToken = new SecretBuilder().withNewMetadata().withName("bootstrap-token-abcdef")
                .withNamespace("kube-system").endMetadata().withType("bootstrap.kubernetes.io/token")
                .withData(Map.of("token-secret", "c2VjcmV0")).build();

        for (var source : List.of(rootCa, bootstrapToken)) {
            assertThatThrownBy(() -> sanitizer.desiredCopy(source, "dev", SOURCE, OWNER))
                    .isInstanceOfSatisfying(UncopyableObjectException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.ClusterLocalObject))
                    .hasMessageNotContaining("c2VjcmV0");
        }
    }

    private static Service serviceWithClusterIps() {
        return new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withClusterIP("10.96.12.34")
                    .withClusterIPs("10.96.12.34")
                    .withSelector(Map.of("app", "web"))
                    .addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort()
                    .withSessionAffinity("None")
                .endSpec()
                .build();
    }

    @Test
    void dropsServiceClusterIpsAndKeepsTheRestOfTheSpec() {
        GenericKubernetesResource copy = sanitizer.desiredCopy(serviceWithClusterIps(), "dev", SOURCE, OWNER);

        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) copy.getAdditionalProperties().get("spec");
        assertThat(spec)
                .doesNotContainKeys("clusterIP", "clusterIPs")
                .containsEntry("type", "ClusterIP")
                .containsEntry("selector", Map.of("app", "web"))
                .containsEntry("sessionAffinity", "None");
        assertThat((List<?>) spec.get("ports")).singleElement()
                .isEqualTo(Map.of("name", "http", "port", 80, "protocol", "TCP"));
    }

    @Test
    void keepsAHeadlessServicesClusterIpNone() {
        Service headless = serviceWithClusterIps();
        headless.getSpec().setClusterIP("None");
        headless.getSpec().setClusterIPs(List.of("None"));

        GenericKubernetesResource copy = sanitizer.desiredCopy(headless, "dev", SOURCE, OWNER);

        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) copy.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("clusterIP", "None").containsEntry("clusterIPs", List.of("None"));
    }

    @Test
    void doesNotMutateATypedSource() {
        Service source = serviceWithClusterIps();

        sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);

        assertThat(source.getSpec().getClusterIP()).isEqualTo("10.96.12.34");
        assertThat(source.getSpec().getClusterIPs()).containsExactly("10.96.12.34");
        assertThat(source.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(source.getMetadata().getLabels()).isNullOrEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void doesNotMutateAGenericSource() {
        GenericKubernetesResource source = serialization.convertValue(serviceWithClusterIps(),
                GenericKubernetesResource.class);

        sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);

        Map<String, Object> spec = (Map<String, Object>) source.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("clusterIP", "10.96.12.34").containsKey("clusterIPs");
        assertThat(source.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(source.getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void keepsBinaryData() {
        ConfigMap source = new ConfigMapBuilder()
                .withNewMetadata().withName("app-config").withNamespace("default").endMetadata()
                .withData(Map.of("text", "hello"))
                .withBinaryData(Map.of("blob", "AAECAw=="))
                .build();

        GenericKubernetesResource copy = sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);

        assertThat(copy.getAdditionalProperties())
                .containsEntry("binaryData", Map.of("blob", "AAECAw=="))
                .containsEntry("data", Map.of("text", "hello"));
    }

    @Test
    void keepsImmutableFlag() {
        ConfigMap source = new ConfigMapBuilder()
                .withNewMetadata().withName("app-config").withNamespace("default").endMetadata()
                .withData(Map.of("key1", "value1"))
                .withImmutable(true)
                .build();

        GenericKubernetesResource copy = sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);

        assertThat(copy.getAdditionalProperties()).containsEntry("immutable", true);
    }

    @Test
    void inNamespaceChangesOnlyTheNamespaceAndKeepsTheHash() {
        var desired = new ObjectSanitizer(new KubernetesSerialization()).desiredCopy(
                new ConfigMapBuilder().withNewMetadata().withName("app-config")
                        .withNamespace("src").endMetadata().withData(Map.of("k", "v")).build(),
                "dev", new SourceRef("local", "src", "app-config"), CopyOwner.of("configmapsyncer", "src", "fanout"));

        var staging = ObjectSanitizer.inNamespace(desired, "staging");

        assertThat(staging.getMetadata().getNamespace()).isEqualTo("staging");
        assertThat(desired.getMetadata().getNamespace()).isEqualTo("dev");
        assertThat(staging.getMetadata().getAnnotations())
                .isEqualTo(desired.getMetadata().getAnnotations());
        assertThat(staging.getAdditionalProperties())
                .isEqualTo(desired.getAdditionalProperties());
        assertThat(CopyDiff.differs(desired, staging)).isFalse();
    }
}
