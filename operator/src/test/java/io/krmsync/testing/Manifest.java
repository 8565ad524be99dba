package io.krmsync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;

/**
 * A manifest as a user keeps it in a file: the project's samples in {@code kubernetes/samples/}, read as they ship,
 * and variations of them, each a copy with some fields set or removed ({@code spec.rules[0].namespaces}). Tests
 * apply these instead of YAML of their own, so that a sample that stops working fails a test.
 *
 * @param <T> the class the manifest's kind binds to
 */
public final class Manifest<T extends HasMetadata> {

    public static final String CONFIGMAPSYNCER = "config_v1alpha1_configmapsyncer.yaml";
    public static final String CONFIGMAPSYNCER_EXERCISES = "configmapsyncer-exercises.yaml";
    public static final String KRMSYNCER = "test-syncer.yaml";
    public static final String PROPAGATED_CONFIGMAP = "example-cm.yaml";

    private static final Path SAMPLES = Path.of("..", "kubernetes", "samples");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Class<T> kind;
    private final ObjectNode tree;

    private Manifest(Class<T> kind, ObjectNode tree) {
        this.kind = kind;
        this.tree = tree;
    }

    /** The ConfigMapSyncer sample: default/app-config to dev, staging and prod. */
    public static Manifest<ConfigMapSyncer> configMapSyncerSample() {
        return sample(CONFIGMAPSYNCER, ConfigMapSyncer.class);
    }

    /**
     * The ConfigMapSyncer of the upstream operator's integration test scenario, which users follow too: the sample
     * named test-syncer, copying default/test-config to dev and staging.
     */
    public static Manifest<ConfigMapSyncer> integrationTestSyncer() {
        return configMapSyncerSample().named("test-syncer").with("spec.sourceConfigMap", "test-config")
                .with("spec.targetNamespaces", List.of("dev", "staging"));
    }

    /** The KRMSyncer sample: the ConfigMaps of default to the cluster of the Secret destination-kubeconfig. */
    public static Manifest<KRMSyncer> krmSyncerSample() {
        return sample(KRMSYNCER, KRMSyncer.class);
    }

    /** The labelled ConfigMap that PropagationReconciler pushes to every provider cluster. */
    public static Manifest<ConfigMap> propagatedConfigMapSample() {
        return sample(PROPAGATED_CONFIGMAP, ConfigMap.class);
    }

    /** A sample file of one document. */
    public static <T extends HasMetadata> Manifest<T> sample(String file, Class<T> kind) {
        List<Manifest<T>> documents = samples(file, kind);
        if (documents.size() != 1) {
            throw new IllegalArgumentException(file + " holds " + documents.size() + " documents, not one");
        }
        return documents.getFirst();
    }

    /** Every document of a sample file, in order. */
    public static <T extends HasMetadata> List<Manifest<T>> samples(String file, Class<T> kind) {
        try {
            String yaml = Files.readString(SAMPLES.resolve(file));
            return Arrays.stream(yaml.split("(?m)^---\\s*$")).filter(document -> !document.isBlank())
                    .map(document -> new Manifest<>(kind, SERIALIZATION.unmarshal(document, ObjectNode.class)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Manifest<T> named(String name) {
        return with("metadata.name", name);
    }

    public Manifest<T> inNamespace(String namespace) {
        return with("metadata.namespace", namespace);
    }

    /** A copy with the field at {@code path} (dots between fields, {@code [i]} into lists) set to a value. */
    public Manifest<T> with(String path, Object value) {
        return withNode(path, JSON.valueToTree(value));
    }

    /** A copy with the field at {@code path} set to what a YAML fragment says, e.g. {@code "- {kind: Secret}"}. */
    public Manifest<T> withYaml(String path, String yaml) {
        return withNode(path, SERIALIZATION.unmarshal(yaml, JsonNode.class));
    }

    /** A copy without the field at {@code path}. */
    public Manifest<T> without(String path) {
        ObjectNode copy = tree.deepCopy();
        String[] fields = path.split("\\.");
        JsonNode parent = parent(copy, fields);
        ((ObjectNode) parent).remove(fields[fields.length - 1]);
        return new Manifest<>(kind, copy);
    }

    public String name() {
        return tree.path("metadata").path("name").asText();
    }

    /** The object, as {@code kubectl apply} would send it. */
    public T object() {
        return SERIALIZATION.unmarshal(tree.toString(), kind);
    }

    @Override
    public String toString() {
        return tree.toString();
    }

    private Manifest<T> withNode(String path, JsonNode value) {
        ObjectNode copy = tree.deepCopy();
        String[] fields = path.split("\\.");
        JsonNode parent = parent(copy, fields);
        String last = fields[fields.length - 1];
        if (last.endsWith("]")) {
            ((ArrayNode) parent.get(last.substring(0, last.indexOf('[')))).set(index(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
        return new Manifest<>(kind, copy);
    }

    /** The node that holds the last field of the path; objects on the way are created as needed. */
    private static JsonNode parent(ObjectNode root, String[] fields) {
        JsonNode node = root;
        for (String field : Arrays.copyOf(fields, fields.length - 1)) {
            if (field.endsWith("]")) {
                node = node.get(field.substring(0, field.indexOf('['))).get(index(field));
            } else {
                node = ((ObjectNode) node).withObjectProperty(field);
            }
        }
        return node;
    }

    private static int index(String field) {
        return Integer.parseInt(field.substring(field.indexOf('[') + 1, field.length() - 1));
    }
}
