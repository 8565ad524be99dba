package io.krmsync.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** Test steps named after the kubectl commands of the walkthroughs, so that a test reads like one. */
public record Kubectl(KubernetesClient client) {

    /** {@code kubectl create namespace NAME}, then {@code kubectl label namespace NAME k=v ...} */
    public void createNamespace(String name, String... labels) {
        var namespace = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(pairs(labels)).endMetadata()
                .build();
        client.namespaces().resource(namespace).createOr(existing -> existing.update());
    }

    /** {@code kubectl get namespace NAME}: whether it exists. */
    public boolean hasNamespace(String name) {
        return client.namespaces().withName(name).get() != null;
    }

    /** {@code kubectl create configmap NAME --from-literal=k=v ... -n NAMESPACE} */
    public ConfigMap createConfigMap(String namespace, String name, String... literals) {
        return client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(name).endMetadata().withData(pairs(literals)).build()).create();
    }

    /**
     * {@code kubectl create secret generic NAME --from-file=KEY=FILE --dry-run=client -o yaml | kubectl apply -f -}:
     * creates the Secret, or replaces its data (a rotation). As {@code data}: a rotation is an update, and an update
     * keeps {@code stringData} as written instead of converting it.
     */
    public void applySecret(String namespace, String name, String key, String content) {
        Secret secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withData(Map.of(key, Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8))))
                .build();
        client.secrets().inNamespace(namespace).resource(secret).createOr(existing -> existing.update());
    }

    /** {@code kubectl apply -f -} of a new object. */
    public <T extends HasMetadata> T apply(String yaml, Class<T> kind) {
        return client.resource(client.getKubernetesSerialization().unmarshal(yaml, kind)).create();
    }

    /**
     * {@code kubectl apply -f FILE} of a new object, sent as written: fields krm-sync's classes do not know (a newer
     * CRD's) reach the API server, which keeps what its schema allows.
     */
    public <T extends HasMetadata> void applyAsWritten(Manifest<T> manifest) {
        client.resource(client.getKubernetesSerialization().unmarshal(manifest.toString(),
                GenericKubernetesResource.class)).create();
    }

    /** {@code kubectl apply -f FILE} of a new object. */
    public <T extends HasMetadata> T apply(Manifest<T> manifest) {
        return client.resource(manifest.object()).create();
    }

    /** {@code kubectl get KIND NAME -n NAMESPACE -o yaml}: the object as it is now, or null once it is gone. */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> T get(T object) {
        return client.resources((Class<T>) object.getClass()).inNamespace(object.getMetadata().getNamespace())
                .withName(object.getMetadata().getName()).get();
    }

    /** {@code kubectl edit KIND NAME}: an update of the whole object. */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> void edit(T object, Consumer<T> change) {
        client.resources((Class<T>) object.getClass()).inNamespace(object.getMetadata().getNamespace())
                .withName(object.getMetadata().getName()).edit(live -> {
                    change.accept(live);
                    return live;
                });
    }

    /** {@code kubectl patch KIND NAME --type merge -p JSON} */
    public void patch(HasMetadata object, String json) {
        mergePatch(object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName(), json);
    }

    /** {@code kubectl patch KIND NAME -n NAMESPACE --type merge -p JSON} */
    public void mergePatch(Class<? extends HasMetadata> kind, String namespace, String name, String json) {
        client.resources(kind).inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    /** {@code kubectl delete KIND NAME --wait=false} */
    public void delete(HasMetadata object) {
        client.resources(object.getClass()).inNamespace(object.getMetadata().getNamespace())
                .withName(object.getMetadata().getName()).delete();
    }

    /** {@code kubectl delete configmap NAME -n NAMESPACE} */
    public void deleteConfigMap(String namespace, String name) {
        client.configMaps().inNamespace(namespace).withName(name).delete();
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

    /**
     * {@code kubectl annotate KIND NAME [-n NAMESPACE] key=value --overwrite}, or {@code key-} for a value of null; a
     * namespace of null for a cluster-scoped kind.
     */
    public <T extends HasMetadata> void annotate(Class<T> kind, String namespace, String name, String key,
            String value) {
        var resources = client.resources(kind);
        var object = namespace == null ? resources.withName(name) : resources.inNamespace(namespace).withName(name);
        object.edit(live -> {
            Map<String, String> annotations = new TreeMap<>(
                    Objects.requireNonNullElse(live.getMetadata().getAnnotations(), Map.of()));
            if (value == null) {
                annotations.remove(key);
            } else {
                annotations.put(key, value);
            }
            live.getMetadata().setAnnotations(annotations);
            return live;
        });
    }

    public ConfigMap configMap(String namespace, String name) {
        return client.configMaps().inNamespace(namespace).withName(name).get();
    }

    public List<ConfigMap> configMaps(String namespace) {
        return client.configMaps().inNamespace(namespace).list().getItems();
    }

    public Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    /** {@code kubectl get events --field-selector involvedObject.kind=KIND,involvedObject.name=NAME} */
    public List<Event> eventsFor(HasMetadata object) {
        return client.v1().events().inNamespace(object.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> object.getMetadata().getName().equals(e.getInvolvedObject().getName())
                        && object.getKind().equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    private static Map<String, String> pairs(String... keyValues) {
        Map<String, String> result = new TreeMap<>();
        for (String pair : keyValues) {
            String[] parts = pair.split("=", 2);
            result.put(parts[0], parts[1]);
        }
        return result;
    }
}
