package io.krmsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The README walkthroughs' kubectl commands, exactly as a user types them, against one sandbox API server. Needs a kubectl
 * on the PATH (1.32 is what the sandbox was measured with) and is skipped without one.
 */
class KubectlAgainstSandboxTest {

    private record Result(int exitCode, String output) {
    }

    @TempDir
    Path directory;
    private Path kubectl;
    private SandboxApiServer server;

    @BeforeEach
    void start() throws IOException {
        Optional<Path> onPath = findKubectl();
        assumeTrue(onPath.isPresent(), "kubectl is not on the PATH");
        kubectl = onPath.get();
        server = new SandboxApiServer("cluster1", 0);
        server.start();
        for (String namespace : List.of("default", "kube-system")) {
            server.create("/api/v1/namespaces", new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .endMetadata().build());
        }
        try (InputStream crd = getClass().getResourceAsStream("/sandbox/configmapsyncers-crd.yml")) {
            server.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                    Serialization.unmarshal(crd, CustomResourceDefinition.class));
        }
        Files.writeString(directory.resolve("cluster1.kubeconfig"), server.kubeconfig());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void runsTheWalkthroughsCommands() throws Exception {
        assertThat(kubectl("create namespace dev")).isEqualTo("namespace/dev created");
        assertThat(kubectl("create configmap app-config --from-literal=a=b -n default"))
                .isEqualTo("configmap/app-config created");
        assertThat(kubectl("create secret generic s --from-literal=a=b")).isEqualTo("secret/s created");

        Path manifest = directory.resolve("file.yaml");
        Files.writeString(manifest, manifest("1"));
        assertThat(kubectl("apply -f " + manifest)).contains("configmapsyncer.config.example.com/sync1 created",
                "configmap/applied created");
        Files.writeString(manifest, manifest("2"));
        assertThat(kubectl("apply -f " + manifest)).contains("configmap/applied configured");

        assertThat(kubectl("get configmapsyncers -o wide").lines().findFirst().orElseThrow())
                .containsSubsequence("NAME", "SOURCE", "READY", "SUMMARY", "AGE");
        assertThat(kubectl("get configmapsyncers").lines().findFirst().orElseThrow()).doesNotContain("SUMMARY");
        assertThat(kubectl("get cm -A -l team=a")).contains("applied").doesNotContain("app-config");
        assertThat(kubectl("get cm applied -n dev -o jsonpath={.data.x}")).isEqualTo("2");
        assertThat(kubectl("get ns dev -o yaml")).contains("phase: Active");
        assertThat(kubectl("get ns -o wide")).contains("dev", "Active");

        assertThat(kubectl("patch configmap app-config -n default --type merge -p {\"data\":{\"c\":\"d\"}}"))
                .isEqualTo("configmap/app-config patched");
        assertThat(kubectl("label ns dev env=prod")).isEqualTo("namespace/dev labeled");
        assertThat(kubectl("get ns -l env=prod")).contains("dev");
        assertThat(kubectl("describe configmapsyncer sync1")).contains("Name:", "sync1", "Source Namespace:");

        assertThat(kubectl("delete configmap applied -n dev")).isEqualTo("configmap \"applied\" deleted");
        assertThat(kubectl("delete configmapsyncer sync1"))
                .isEqualTo("configmapsyncer.config.example.com \"sync1\" deleted");
        assertThat(kubectl("get configmapsyncers")).contains("No resources found");
    }

    @Test
    void refusesWhatItCannotDoAtOnceAndSaysWhy() throws Exception {
        Result deployment = run("create deployment web --image=nginx");

        assertThat(deployment.exitCode()).isNotZero();
        assertThat(deployment.output()).contains("kubectl apply -f");
    }

    private static String manifest(String value) {
        return """
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: sync1
                  namespace: default
                spec:
                  sourceNamespace: default
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: applied
                  namespace: dev
                  labels:
                    team: a
                data:
                  x: "%s"
                """.formatted(value);
    }

    private String kubectl(String arguments) throws Exception {
        Result result = run(arguments);
        assertThat(result.exitCode()).as("kubectl %s: %s", arguments, result.output()).isZero();
        return result.output().strip();
    }

    private Result run(String arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(kubectl.toString(),
                "--kubeconfig", directory.resolve("cluster1.kubeconfig").toString(),
                "--cache-dir", directory.resolve("cache").toString()));
        command.addAll(List.of(arguments.split(" ")));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean finished = process.waitFor(20, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("kubectl %s finished within 20 s", arguments).isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    private static Optional<Path> findKubectl() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder, "kubectl");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
