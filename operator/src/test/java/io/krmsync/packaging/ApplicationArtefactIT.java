package io.krmsync.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The application as it ships, {@code target/quarkus-app} (the jar of {@code ./mvnw package} and of the container
 * image): none of its classes is dev tooling. The sandbox module and the in-memory API server are provided-scope
 * dependencies of the operator, so the build leaves them out by construction; this reads the artefact to show it.
 */
class ApplicationArtefactIT {

    private static final Path APPLICATION = Path.of("target", "quarkus-app");

    @Test
    void holdsNoClassOfTheSandboxOrOfTheInMemoryApiServer() {
        assertThat(APPLICATION.resolve("quarkus-run.jar")).as("run `./mvnw verify`: packaging writes it").exists();
        Map<Path, Set<String>> classesByJar = ClassFiles.inJarsUnder(APPLICATION);
        assertThat(classesByJar.values()).as("the classes of the jars in %s", APPLICATION)
                .anyMatch(classes -> classes.contains("io.krmsync.KrmSyncMain"))
                .anyMatch(classes -> classes.contains("io.fabric8.kubernetes.client.KubernetesClient"));
        assertThat(loose(APPLICATION)).as("class files outside jars in %s", APPLICATION).isEmpty();

        DevOnlyClasses devOnly = DevOnlyClasses.onTheTestClassPath();
        assertThat(devOnly.foundIn(classesByJar))
                .as("The packaged application holds classes of %s, which only quarkus:dev and the tests may have: "
                        + "the operator must depend on dev-sandbox (and so on kubernetes-server-mock) with scope "
                        + "provided, and on nothing that pulls them in", devOnly.artefacts())
                .isEmpty();
    }

    /** A fast-jar application keeps every class in a jar; a loose class file would escape the scan of the jars. */
    private static Set<Path> loose(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return Set.copyOf(files.filter(file -> file.getFileName().toString().endsWith(".class")).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
