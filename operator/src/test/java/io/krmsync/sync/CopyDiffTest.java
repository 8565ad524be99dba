package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class CopyDiffTest {

    private static final CopyOwner OWNER = CopyOwner.of("configmapsyncer", "default", "app-syncer");
    private static final SourceRef SOURCE = new SourceRef("local", "default", "app");

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);

    private GenericKubernetesResource desiredConfigMap(Map<String, String> data) {
        ConfigMap source = new ConfigMapBuilder()
                .withNewMetadata().withName("app").withNamespace("default")
                    .withLabels(Map.of("app", "web")).withAnnotations(Map.of("team", "payments")).endMetadata()
                .withData(data)
                .build();
        return sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);
    }

    /** The copy as the API server returns it after creating it: same content plus server-set metadata. */
    private GenericKubernetesResource asLive(GenericKubernetesResource desired) {
        GenericKubernetesResource live = serialization.clone(desired);
        live.getMetadata().setResourceVersion("12345");
        live.getMetadata().setUid("0a0b0c0d-0000-4000-8000-000000000000");
        live.getMetadata().setCreationTimestamp("2024-01-01T00:00:00Z");
        return live;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapAt(GenericKubernetesResource resource, String field) {
        return (Map<String, Object>) resource.getAdditionalProperties().get(field);
    }

    private static Map<String, Object> mutableMapAt(GenericKubernetesResource resource, String field) {
        Map<String, Object> copy = new HashMap<>(mapAt(resource, field));
        resource.setAdditionalProperty(field, copy);
        return copy;
    }

    // ConfigMap: compared exactly

    @Test
    void identicalConfigMapDoesNotDiffer() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));

        assertThat(CopyDiff.differs(desired, asLive(desired))).isFalse();
    }

    @Test
    void changedDataValueDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        mutableMapAt(live, "data").put("key1", "edited");

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void extraDataKeyInLiveConfigMapDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        mutableMapAt(live, "data").put("added", "by-hand");

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void dataKeyRemovedFromLiveDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1", "key2", "value2"));
        GenericKubernetesResource live = asLive(desired);
        mutableMapAt(live, "data").remove("key2");

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void binaryDataAddedToLiveDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("binaryData", Map.of("blob", "AAEC"));

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void changedLabelDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        live.getMetadata().getLabels().put("app", "edited");

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void extraLabelOnLiveDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        live.getMetadata().getLabels().put("added", "by-hand");

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void changedAnnotationDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        live.getMetadata().getAnnotations().put("team", "edited");

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void removedTrackingAnnotationDiffers() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        live.getMetadata().getAnnotations().remove(TrackingMetadata.SOURCE_HASH_ANNOTATION);

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void immutableFalseAndAbsentAreTheSame() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("immutable", false);

        assertThat(CopyDiff.differs(desired, live)).isFalse();
        assertThat(CopyDiff.differs(live, desired)).isFalse();
    }

    @Test
    void immutableTrueAndAbsentDiffer() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value1"));
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("immutable", true);

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void emptyDataAndAbsentDataAreTheSame() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of());
        GenericKubernetesResource live = asLive(desired);
        live.getAdditionalProperties().remove("data");
        desired.setAdditionalProperty("data", Map.of());

        assertThat(CopyDiff.differs(desired, live)).isFalse();
    }

    // Kinds the server defaults: desired must be contained in live

    private GenericKubernetesResource desiredDeployment(int replicas, String image) {
        GenericKubernetesResource source = serialization.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: default
                  labels:
                    app: web
                spec:
                  replicas: %d
                  selector:
                    matchLabels:
                      app: web
                  template:
                    metadata:
                      labels:
                        app: web
                    spec:
                      containers:
                        - name: web
                          image: %s
                          ports:
                            - containerPort: 8080
                """.formatted(replicas, image), GenericKubernetesResource.class);
        return sanitizer.desiredCopy(source, "dev", SOURCE, OWNER);
    }

    /** The Deployment as the destination server returns it: every field defaulted, plus status. */
    private GenericKubernetesResource liveDeployment(GenericKubernetesResource desired, int replicas, String image) {
        GenericKubernetesResource served = serialization.unmarshal("""
                spec:
                  replicas: %d
                  revisionHistoryLimit: 10
                  progressDeadlineSeconds: 600
                  strategy:
                    type: RollingUpdate
                    rollingUpdate:
                      maxSurge: 25%%
                      maxUnavailable: 25%%
                  selector:
                    matchLabels:
                      app: web
                  template:
                    metadata:
                      creationTimestamp: null
                      labels:
                        app: web
                    spec:
                      containers:
                        - name: web
                          image: %s
                          imagePullPolicy: IfNotPresent
                          terminationMessagePath: /dev/termination-log
                          terminationMessagePolicy: File
                          resources: {}
                          ports:
                            - containerPort: 8080
                              protocol: TCP
                      dnsPolicy: ClusterFirst
                      restartPolicy: Always
                      schedulerName: default-scheduler
                      securityContext: {}
                      terminationGracePeriodSeconds: 30
                status:
                  observedGeneration: 1
                  replicas: %d
                  readyReplicas: %d
                """.formatted(replicas, image, replicas, replicas), GenericKubernetesResource.class);
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("spec", served.getAdditionalProperties().get("spec"));
        live.setAdditionalProperty("status", served.getAdditionalProperties().get("status"));
        live.getMetadata().setGeneration(1L);
        return live;
    }

    @Test
    void serverDefaultedFieldsOfAGenericKindAreNoDifference() {
        GenericKubernetesResource desired = desiredDeployment(2, "nginx:1.27");

        assertThat(CopyDiff.differs(desired, liveDeployment(desired, 2, "nginx:1.27"))).isFalse();
    }

    @Test
    void labelsAndAnnotationsAddedByTheDestinationToAGenericKindAreNoDifference() {
        GenericKubernetesResource desired = desiredDeployment(2, "nginx:1.27");
        GenericKubernetesResource live = liveDeployment(desired, 2, "nginx:1.27");
        live.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "3");
        live.getMetadata().getLabels().put("added-by-a-controller", "yes");

        assertThat(CopyDiff.differs(desired, live)).isFalse();
    }

    @Test
    void editedManagedAnnotationOfAGenericKindDiffers() {
        GenericKubernetesResource desired = desiredDeployment(2, "nginx:1.27");
        GenericKubernetesResource live = liveDeployment(desired, 2, "nginx:1.27");
        live.getMetadata().getAnnotations().put(TrackingMetadata.SOURCE_HASH_ANNOTATION, "edited");

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    @Test
    void changedDesiredFieldOfAGenericKindDiffers() {
        GenericKubernetesResource desired = desiredDeployment(3, "nginx:1.27");

        assertThat(CopyDiff.differs(desired, liveDeployment(desired, 2, "nginx:1.27"))).isTrue();
    }

    @Test
    void changedFieldInsideAListOfAGenericKindDiffers() {
        GenericKubernetesResource desired = desiredDeployment(2, "nginx:1.28");

        assertThat(CopyDiff.differs(desired, liveDeployment(desired, 2, "nginx:1.27"))).isTrue();
    }

    @Test
    void numbersOfDifferentJavaTypesCompareByValue() {
        GenericKubernetesResource desired = desiredDeployment(2, "nginx:1.27");
        GenericKubernetesResource live = liveDeployment(desired, 2, "nginx:1.27");
        mutableMapAt(live, "spec").put("replicas", 2L);

        assertThat(CopyDiff.differs(desired, live)).isFalse();
    }

    @Test
    void serverAllocatedServiceFieldsAreNoDifference() {
        GenericKubernetesResource desired = sanitizer.desiredCopy(new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web"))
                    .addNewPort().withName("http").withPort(80).endPort().endSpec()
                .build(), "dev", SOURCE, OWNER);
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("spec", Map.of(
                "selector", Map.of("app", "web"),
                "ports", List.of(Map.of("name", "http", "port", 80, "protocol", "TCP", "targetPort", 80)),
                "clusterIP", "10.0.0.20",
                "clusterIPs", List.of("10.0.0.20"),
                "type", "ClusterIP",
                "sessionAffinity", "None",
                "ipFamilies", List.of("IPv4"),
                "ipFamilyPolicy", "SingleStack"));

        assertThat(CopyDiff.differs(desired, live)).isFalse();
    }

    @Test
    void missingListEntryOfAGenericKindDiffers() {
        GenericKubernetesResource desired = sanitizer.desiredCopy(new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web"))
                    .addNewPort().withName("http").withPort(80).endPort()
                    .addNewPort().withName("https").withPort(443).endPort().endSpec()
                .build(), "dev", SOURCE, OWNER);
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("spec", Map.of(
                "selector", Map.of("app", "web"),
                "ports", List.of(Map.of("name", "http", "port", 80, "protocol", "TCP"))));

        assertThat(CopyDiff.differs(desired, live)).isTrue();
    }

    // needsRecreate

    @Test
    void immutableLiveCopyNeedsRecreate() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value2"));
        GenericKubernetesResource live = asLive(desiredConfigMap(Map.of("key1", "value1")));
        live.setAdditionalProperty("immutable", true);

        assertThat(CopyDiff.needsRecreate(desired, live)).isTrue();
    }

    @Test
    void secretTypeChangeNeedsRecreate() {
        GenericKubernetesResource desired = sanitizer.desiredCopy(new SecretBuilder()
                .withNewMetadata().withName("creds").withNamespace("default").endMetadata()
                .withType("kubernetes.io/basic-auth").withData(Map.of("username", "dXNlcg==")).build(),
                "dev", SOURCE, OWNER);
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("type", "Opaque");

        assertThat(CopyDiff.needsRecreate(desired, live)).isTrue();
    }

    @Test
    void ordinaryContentChangeIsMadeInPlace() {
        GenericKubernetesResource desired = desiredConfigMap(Map.of("key1", "value2"));
        GenericKubernetesResource live = asLive(desiredConfigMap(Map.of("key1", "value1")));

        assertThat(CopyDiff.differs(desired, live)).isTrue();
        assertThat(CopyDiff.needsRecreate(desired, live)).isFalse();
    }

    @Test
    void secretDataChangeWithTheSameTypeIsMadeInPlace() {
        GenericKubernetesResource desired = sanitizer.desiredCopy(new SecretBuilder()
                .withNewMetadata().withName("creds").withNamespace("default").endMetadata()
                .withType("Opaque").withData(Map.of("password", "bmV3")).build(),
                "dev", SOURCE, OWNER);
        GenericKubernetesResource live = asLive(desired);
        live.setAdditionalProperty("data", Map.of("password", "b2xk"));

        assertThat(CopyDiff.differs(desired, live)).isTrue();
        assertThat(CopyDiff.needsRecreate(desired, live)).isFalse();
    }
}
