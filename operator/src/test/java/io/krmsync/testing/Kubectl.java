package io.krmsync.testing;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.krmsync.configmapsyncer.ConfigMapSyncer;

/** Test steps named after the kubectl commands of the seed flows, so that a test reads like the walkthrough. */
public record Kubectl(KubernetesClient client) {

    public void createNamespace(String name, String... labels) {
        var namespace = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(pairs(labels)).endMetadata()
                .build();
        client.namespaces().resource(namespace).createOr(existing -> existing.update());
    }

    /** {@code kubectl create configmap NAME --from-literal=k=v ... -n NAMESPACE} */
    public ConfigMap createConfigMap(String namespace, String name, String... literals) {
        return client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(name).endMetadata().withData(pairs(literals)).build()).create();
    }

    /** {@code kubectl apply -f -} of a new object. */
    public <T extends HasMetadata> T apply(String yaml, Class<T> kind) {
        return client.resource(client.getKubernetesSerialization().unmarshal(yaml, kind)).create();
    }

    /** {@code kubectl patch KIND NAME -n NAMESPACE --type merge -p JSON} */
    public void mergePatch(Class<? extends HasMetadata> kind, String namespace, String name, String json) {
        client.resources(kind).inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    /** {@code kubectl label ns NAME key=value --overwrite}; a value of null removes the label. */
    public void labelNamespace(String name, String key, String value) {
        client.namespaces().withName(name).edit(ns -> {
            if (value == null) {
                ns.getMetadata().getLabels().remove(key);
            } else {
                ns.getMetadata().getLabels().put(key, value);
            }
            return ns;
        });
    }

    public ConfigMap configMap(String namespace, String name) {
        return client.configMaps().inNamespace(namespace).withName(name).get();
    }

    public Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    public ConfigMapSyncer syncer(String namespace, String name) {
        return client.resources(ConfigMapSyncer.class).inNamespace(namespace).withName(name).get();
    }

    /** {@code kubectl edit configmapsyncer NAME}: an update of the whole object. */
    public void editSyncer(String namespace, String name, java.util.function.Consumer<io.krmsync.configmapsyncer.ConfigMapSyncerSpec> change) {
        client.resources(ConfigMapSyncer.class).inNamespace(namespace).withName(name).edit(syncer -> {
            change.accept(syncer.getSpec());
            return syncer;
        });
    }

    public void deleteSyncer(String namespace, String name) {
        client.resources(ConfigMapSyncer.class).inNamespace(namespace).withName(name).delete();
    }

    public List<io.fabric8.kubernetes.api.model.Event> eventsFor(HasMetadata object) {
        return client.v1().events().inNamespace(object.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> object.getMetadata().getName().equals(e.getInvolvedObject().getName())
                        && object.getKind().equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    private static Map<String, String> pairs(String... keyValues) {
        Map<String, String> result = new java.util.TreeMap<>();
        for (String pair : keyValues) {
            String[] parts = pair.split("=", 2);
            result.put(parts[0], parts[1]);
        }
        return result;
    }
}
