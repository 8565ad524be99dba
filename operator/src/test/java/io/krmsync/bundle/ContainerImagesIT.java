package io.krmsync.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The images of src/main/docker/ against the Deployment that runs them and the build outputs they copy: they are
 * built only in .github/workflows/, so a mismatch would otherwise show first on a kind cluster.
 */
class ContainerImagesIT {

    private static final Path DOCKER = Path.of("src", "main", "docker");
    private static final Path NATIVE_IMAGE_ARGS = Path.of("target", "native-check", "native-sources", "native-image.args");

    @ParameterizedTest
    @ValueSource(strings = { "Dockerfile.jvm", "Dockerfile.native-micro" })
    void runsAsANumericNonRootUserOnTheDeploymentsPort(String dockerfile) {
        List<String> instructions = instructions(dockerfile);
        List<String> users = arguments(instructions, "USER");
        assertThat(users).as("USER of %s", dockerfile).isNotEmpty();
        assertThat(users.get(users.size() - 1))
                .as("the Deployment sets runAsNonRoot without runAsUser: the kubelet can only check a numeric user")
                .matches("[1-9][0-9]*");
        Container container = deploymentContainer();
        assertThat(arguments(instructions, "EXPOSE")).as("EXPOSE of %s", dockerfile)
                .containsExactly(String.valueOf(container.getPorts().get(0).getContainerPort()));
        assertThat(arguments(instructions, "ENTRYPOINT")).as("ENTRYPOINT of %s", dockerfile).singleElement()
                .asString()
                .as("exec form: the operator is PID 1 and gets SIGTERM, and the Deployment's args reach it")
                .startsWith("[");
    }

    @Test
    void jvmImageCopiesTheFastJarLayout() {
        List<String> sources = copySources(instructions("Dockerfile.jvm"));
        assertThat(sources).isNotEmpty();
        for (String source : sources) {
            assertThat(matches(source)).as("%s after ./mvnw package", source).isNotEmpty();
        }
        assertThat(matches("target/quarkus-app/quarkus-run.jar")).isNotEmpty();
    }

    @Test
    void nativeImageCopiesTheExecutableTheNativeBuildWrites() throws IOException {
        List<String> sources = copySources(instructions("Dockerfile.native-micro"));
        assertThat(sources).hasSize(1);
        List<String> arguments = List.of(Files.readString(
                Manifests.existing(NATIVE_IMAGE_ARGS, "The native-sources execution of the Quarkus plugin writes it "
                        + "during `package` unless tests are skipped: run `./mvnw verify`.")).split("\\s+"));
        String executable = arguments.get(arguments.indexOf("-jar") - 1);
        assertThat(FileSystems.getDefault().getPathMatcher("glob:" + sources.get(0)).matches(Path.of("target", executable)))
                .as("%s copies target/%s, the executable native-image is asked to write", sources.get(0), executable)
                .isTrue();
    }

    private static Container deploymentContainer() {
        Deployment deployment = Manifests.ofType(Manifests.resources(Manifests.generatedManifest()), Deployment.class)
                .get(0);
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** Instructions with their continuation lines joined, comments dropped. */
    private static List<String> instructions(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(DOCKER.resolve(dockerfile))) {
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                current.append(line.strip());
                if (current.charAt(current.length() - 1) == '\\') {
                    current.setLength(current.length() - 1);
                } else {
                    instructions.add(current.toString());
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return instructions;
    }

    private static List<String> arguments(List<String> instructions, String keyword) {
        return instructions.stream().filter(i -> i.startsWith(keyword + " "))
                .map(i -> i.substring(keyword.length()).strip())
                .toList();
    }

    /** The build-context paths of COPY instructions (their options dropped, their destination too). */
    private static List<String> copySources(List<String> instructions) {
        return arguments(instructions, "COPY").stream()
                .map(arguments -> Stream.of(arguments.split("\\s+")).filter(a -> !a.startsWith("--")).toList())
                .flatMap(words -> words.subList(0, words.size() - 1).stream())
                .toList();
    }

    private static List<Path> matches(String source) {
        String glob = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> files = Files.walk(Path.of("target"), 3)) {
            return files.filter(matcher::matches).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
