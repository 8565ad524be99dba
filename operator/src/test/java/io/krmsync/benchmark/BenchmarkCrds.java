package io.krmsync.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourcesBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;

/** The operator's own CRDs, installed in a benchmark's in-memory API server. */
final class BenchmarkCrds {

    private BenchmarkCrds() {
    }

    /**
     * Installs the CRD of {@code type}: the file the build generates when present (it is what production installs),
     * else one derived from the class; with the status subresource either way, which is what makes status writes go
     * to {@code /status}.
     *
     * @return where the CRD came from, for the report
     */
    static String install(KubernetesClient client, Class<? extends CustomResource<?, ?>> type, Path generated)
            throws IOException {
        CustomResourceDefinition crd;
        String origin;
        if (Files.isRegularFile(generated)) {
            crd = client.getKubernetesSerialization().unmarshal(Files.readString(generated), CustomResourceDefinition.class);
            origin = generated.toString();
        } else {
            crd = CustomResourceDefinitionContext.v1CRDFromCustomResourceType(type).build();
            origin = "derived from " + type.getSimpleName() + ".class (" + generated + " not built)";
        }
        crd.getSpec().getVersions().forEach(version -> {
            if (version.getSubresources() == null || version.getSubresources().getStatus() == null) {
                version.setSubresources(new CustomResourceSubresourcesBuilder().withNewStatus().endStatus().build());
            }
        });
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        return origin;
    }
}
