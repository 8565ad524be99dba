package io.krmsync.bundle;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The install bundle: what the build generated in {@code target/kubernetes/} (Quarkus Kubernetes extension and the
 * operator SDK's CRD generator, during {@code package}) and what is committed in {@code kubernetes/}. These tests are
 * failsafe integration tests ({@code *IT}) because the files exist only after {@code package}.
 */
final class Manifests {

    static final String REGENERATE = "Regenerate the install bundle with kubernetes/regenerate.sh "
            + "(./mvnw package -DskipTests, then copies target/kubernetes/ into kubernetes/) and commit it.";
    static final Path GENERATED_DIR = Path.of("target", "kubernetes");
    static final Path GENERATED_MANIFEST = GENERATED_DIR.resolve("kubernetes.yml");
    static final Path COMMITTED_DIR = Path.of("..", "kubernetes");
    static final Path COMMITTED_MANIFEST = COMMITTED_DIR.resolve("krm-sync.yml");
    static final Path COMMITTED_CRDS = COMMITTED_DIR.resolve("crds");

    static final String NAMESPACE = "krm-sync-system";
    static final String NAME = "krm-sync";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    /** The file, or a test failure saying it is missing and how it is made: never a silent skip. */
    static Path existing(Path file, String howItIsMade) {
        if (!Files.isRegularFile(file)) {
            fail(file + " does not exist. " + howItIsMade);
        }
        return file;
    }

    static Path generatedManifest() {
        return existing(GENERATED_MANIFEST, "The Quarkus build writes it during `package`: run `./mvnw verify` "
                + "(these *IT tests run after packaging), not only `./mvnw test`.");
    }

    /** The CRD files the operator SDK generated: every .yml in target/kubernetes/ except the Quarkus manifest. */
    static List<Path> generatedCrds() {
        generatedManifest();
        try (Stream<Path> files = Files.list(GENERATED_DIR)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yml"))
                    .filter(f -> !f.equals(GENERATED_MANIFEST))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<HasMetadata> resources(Path file) {
        Object parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = SERIALIZATION.unmarshal(in);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
        List<HasMetadata> resources = new ArrayList<>();
        if (parsed instanceof KubernetesResourceList<?> list) {
            list.getItems().forEach(resources::add);
        } else if (parsed instanceof List<?> list) {
            list.forEach(item -> resources.add((HasMetadata) item));
        } else if (parsed instanceof HasMetadata single) {
            resources.add(single);
        } else {
            fail(file + " holds no Kubernetes resources: " + parsed);
        }
        return resources;
    }

    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
