package io.krmsync.krmsyncer;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krmsync.status.StatusConditions;

/** What a KRMSyncer user does with kubectl, for tests. */
record KRMSyncers(KubernetesClient client) {

    /**
     * kubectl create secret generic NAME --from-file=kubeconfig=dest-kubeconfig.yaml (or apply, to rotate it). As
     * {@code data}: the in-memory server keeps {@code stringData} verbatim on update instead of converting it.
     */
    void kubeconfigSecret(String namespace, String name, String key, String kubeconfig) {
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata()
                .withData(Map.of(key, Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
                .build()).createOr(existing -> existing.update());
    }

    /** kubectl apply -f: into the manifest's namespace, default if it names none. */
    KRMSyncer apply(String yaml) {
        KRMSyncer syncer = client.getKubernetesSerialization().unmarshal(yaml, KRMSyncer.class);
        if (syncer.getMetadata().getNamespace() == null) {
            syncer.getMetadata().setNamespace("default");
        }
        return client.resource(syncer).createOr(existing -> existing.update());
    }

    /** kubectl apply -n NAMESPACE -f - */
    KRMSyncer apply(String namespace, String yaml) {
        KRMSyncer syncer = client.getKubernetesSerialization().unmarshal(yaml, KRMSyncer.class);
        return client.resources(KRMSyncer.class).inNamespace(namespace).resource(syncer)
                .createOr(existing -> existing.update());
    }

    KRMSyncer applySample(String file) throws java.io.IOException {
        return apply(Files.readString(Path.of("../kubernetes/samples", file)));
    }

    KRMSyncer get(String namespace, String name) {
        return client.resources(KRMSyncer.class).inNamespace(namespace).withName(name).get();
    }

    /** kubectl edit: a 409 (the operator wrote the status meanwhile) means read again and edit again. */
    void edit(String namespace, String name, Consumer<KRMSyncerSpec> change) {
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException failure && failure.getCode() == 409)
                .until(() -> {
                    client.resources(KRMSyncer.class).inNamespace(namespace).withName(name).edit(syncer -> {
                        change.accept(syncer.getSpec());
                        return syncer;
                    });
                    return true;
                });
    }

    /** The Ready condition once it has the given reason (kubectl wait --for=condition=Ready, or for a reason). */
    Condition awaitReady(String namespace, String name, String reason) {
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(namespace, name) != null
                && reason.equals(ready(namespace, name).getReason()));
        return ready(namespace, name);
    }

    Condition ready(String namespace, String name) {
        return condition(namespace, name, StatusConditions.READY);
    }

    Condition condition(String namespace, String name, String type) {
        KRMSyncer syncer = get(namespace, name);
        return syncer == null || syncer.getStatus() == null ? null
                : StatusConditions.find(syncer.getStatus().getConditions(), type).orElse(null);
    }

    /**
     * Deletes every KRMSyncer in the cluster and waits until they are gone: test classes with the same clusters share
     * one running operator, and a KRMSyncer left behind would keep pushing into the next class's clusters.
     */
    void deleteAll() {
        client.resources(KRMSyncer.class).inAnyNamespace().delete();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.resources(KRMSyncer.class).inAnyNamespace().list().getItems().isEmpty());
    }

    RuleStatus rule(String namespace, String name, String kind) {
        return get(namespace, name).getStatus().getRules().stream().filter(r -> kind.equals(r.getKind())).findFirst()
                .orElse(null);
    }
}
