package io.krmsync.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.testing.TestClusters;

/**
 * {@link TestClusters} with the install bundle's CRDs in the local cluster before the operator starts, as
 * {@code kubectl apply -f kubernetes/crds/} does: the prod profile does not install them itself.
 */
public class BundleInstalledClusters extends TestClusters {

    private static final Path CRDS = Path.of("..", "kubernetes", "crds");

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = super.start();
        KubernetesClient local = client(LOCAL);
        for (Path file : crdFiles()) {
            try {
                CustomResourceDefinition crd = local.getKubernetesSerialization()
                        .unmarshal(Files.readString(file), CustomResourceDefinition.class);
                local.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return properties;
    }

    private static List<Path> crdFiles() {
        try (Stream<Path> files = Files.list(CRDS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
