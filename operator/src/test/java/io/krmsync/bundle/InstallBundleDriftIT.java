package io.krmsync.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/** The committed bundle in kubernetes/ is exactly what the build generates from the code and the configuration. */
class InstallBundleDriftIT {

    @Test
    void committedManifestEqualsTheGeneratedOne() {
        Path generated = Manifests.generatedManifest();
        Path committed = Manifests.existing(Manifests.COMMITTED_MANIFEST, Manifests.REGENERATE);
        assertThat(text(committed))
                .as("%s differs from %s. %s", committed, generated, Manifests.REGENERATE)
                .isEqualTo(text(generated));
    }

    @Test
    void committedCrdsEqualTheGeneratedOnes() {
        List<Path> generated = Manifests.generatedCrds();
        assertThat(generated).as("CRD files the build generated in %s", Manifests.GENERATED_DIR).isNotEmpty();
        assertThat(names(committedCrds()))
                .as("CRD files in %s. %s", Manifests.COMMITTED_CRDS, Manifests.REGENERATE)
                .isEqualTo(names(generated));
        for (Path file : generated) {
            Path committed = Manifests.COMMITTED_CRDS.resolve(file.getFileName());
            assertThat(text(committed))
                    .as("%s differs from %s. %s", committed, file, Manifests.REGENERATE)
                    .isEqualTo(text(file));
        }
    }

    @Test
    void crdDirectoryHoldsOnlyCrdsAndTheManifestNone() {
        for (Path file : committedCrds()) {
            assertThat(Manifests.resources(file)).as(file.toString())
                    .isNotEmpty()
                    .allMatch(CustomResourceDefinition.class::isInstance);
        }
        List<HasMetadata> manifest = Manifests.resources(Manifests.COMMITTED_MANIFEST);
        assertThat(manifest).noneMatch(CustomResourceDefinition.class::isInstance);
    }

    private static List<Path> committedCrds() {
        if (!Files.isDirectory(Manifests.COMMITTED_CRDS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Manifests.COMMITTED_CRDS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    /** File content with line endings normalised (a Windows checkout may turn \n into \r\n). */
    private static String text(Path file) {
        try {
            return Files.readString(file).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
    }
}
