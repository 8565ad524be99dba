package io.krmsync.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The sandbox: what {@code ./mvnw quarkus:dev} runs with no cluster anywhere. Four in-memory API servers,
 * {@code cluster1..4}, on consecutive loopback ports from {@code krm-sync.sandbox.base-port}, each with the
 * {@code default} and {@code kube-system} namespaces and the project's CRDs, and a kubeconfig per cluster in
 * {@code krm-sync.sandbox.dir}. The operator's own client points at cluster1, and PropagationReconciler is given
 * cluster1..3 as providers, as in the multicluster-runtime sync example (see application.properties); cluster4 is the spare a user adds live.
 * <p>
 * The packaged application does not contain this module at all (the operator depends on it with scope provided).
 * The tests and {@code quarkus:dev -Dquarkus.profile=kind} have it on their class path, so the bean exists only in
 * the dev build profile. The servers start in a StartupEvent observer that runs before every other one (the operator
 * SDK starts its informers in its own, later, StartupEvent observer) and stop after the operator has stopped. A live
 * reload restarts them empty, like a restart of the whole sandbox.
 */
@IfBuildProfile("dev")
@Singleton
public class SandboxClusters {

    private static final Logger LOG = Logger.getLogger(SandboxClusters.class);
    private static final List<String> CLUSTER_NAMES = List.of("cluster1", "cluster2", "cluster3", "cluster4");
    /** cluster4 is in no source at start: dropping its kubeconfig into {@link #CLUSTERS_DIRECTORY} adds it live. */
    private static final String SPARE_CLUSTER = "cluster4";
    /**
     * The upstream KRMSyncer example in the sandbox: kubeconfig Secrets in cluster1's default namespace, as its usage
     * example creates them, so that both of its KRMSyncers apply as written (test-syncer.yaml pushes to cluster2,
     * resource-sync.yaml to cluster3).
     */
    private static final Map<String, String> DESTINATION_SECRETS = Map.of("destination-kubeconfig", "cluster2",
            "remote-cluster-kubeconfig", "cluster3");
    /** The watched kubeconfig directory of the sandbox ({@code krm-sync.clusters.directory} in the dev profile). */
    static final String CLUSTERS_DIRECTORY = "clusters.d";
    private static final String CRD_FILE_GLOB = "*-v1.yml";

    private final int basePort;
    private final Path directory;
    private final Path crdDirectory;
    private final int httpPort;
    private final Optional<String> operatorApiServerUrl;
    private final List<SandboxApiServer> servers = new ArrayList<>();
    private final List<String> installedCrds = new ArrayList<>();

    SandboxClusters(@ConfigProperty(name = "krm-sync.sandbox.base-port") int basePort,
            @ConfigProperty(name = "krm-sync.sandbox.dir") Path directory,
            @ConfigProperty(name = "krm-sync.sandbox.crd-dir") Path crdDirectory,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort,
            @ConfigProperty(name = "quarkus.kubernetes-client.api-server-url") Optional<String> operatorApiServerUrl) {
        this.basePort = basePort;
        this.directory = directory;
        this.crdDirectory = crdDirectory;
        this.httpPort = httpPort;
        this.operatorApiServerUrl = operatorApiServerUrl;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        try {
            List<CustomResourceDefinition> crds = loadCrds();
            Files.createDirectories(directory.resolve(CLUSTERS_DIRECTORY));
            for (int i = 0; i < CLUSTER_NAMES.size(); i++) {
                SandboxApiServer server = new SandboxApiServer(CLUSTER_NAMES.get(i), basePort + i);
                server.start();
                servers.add(server);
                addNamespacesAndCrds(server, crds);
                Files.writeString(kubeconfigPath(server), server.kubeconfig());
            }
            crds.forEach(crd -> installedCrds.add(crd.getMetadata().getName()));
            for (var secret : DESTINATION_SECRETS.entrySet()) {
                servers.get(0).create("/api/v1/namespaces/default/secrets", kubeconfigSecret(secret.getKey(),
                        servers.get(CLUSTER_NAMES.indexOf(secret.getValue())).kubeconfig()));
            }
        } catch (IOException | RuntimeException e) {
            stopServers();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Runs after the operator has started, so the hints come last in the start-up log. */
    void printHints(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent event) {
        StringBuilder hints = new StringBuilder("krm-sync sandbox is up: four in-memory Kubernetes API servers, no real cluster.\n");
        for (SandboxApiServer server : servers) {
            hints.append(String.format("  %-9s %-24s kubeconfig %s%s%n", server.name(), server.url(),
                    kubeconfigPath(server), operatorApiServerUrl.filter(url -> isUrlOf(server, url)).isPresent()
                            ? "  (the operator's own cluster)"
                            : SPARE_CLUSTER.equals(server.name()) ? "  (spare: copy its kubeconfig into "
                                    + directory.resolve(CLUSTERS_DIRECTORY) + " to add it)" : ""));
        }
        hints.append("  CRDs installed: ").append(installedCrds.isEmpty() ? "none" : String.join(", ", installedCrds))
                .append('\n');
        String kubectl = "kubectl --kubeconfig " + kubeconfigPath(servers.get(0));
        hints.append("What to try next:\n")
                .append("  ").append(kubectl).append(" get ns\n")
                .append("  ").append(kubectl).append(" create configmap app-config --from-literal=a=b\n")
                .append("  ").append(kubectl).append(" get configmapsyncers -o wide\n")
                .append("  ").append(kubectl).append(" apply -f kubernetes/samples/example-cm.yaml   # then look in cluster2/3\n")
                .append("  ").append(kubectl).append(" apply -f kubernetes/samples/test-syncer.yaml   # KRMSyncer: default's ConfigMaps to cluster2\n")
                .append("  curl http://localhost:").append(httpPort).append("/q/health\n")
                .append("  curl http://localhost:").append(httpPort).append("/q/metrics\n")
                .append("The clusters live in memory: stopping quarkus:dev (or a live reload) starts them empty again.");
        LOG.info(hints);
        if (operatorApiServerUrl.isEmpty() || servers.stream().noneMatch(s -> isUrlOf(s, operatorApiServerUrl.get()))) {
            LOG.warnf("The operator's client does not point at a sandbox cluster (quarkus.kubernetes-client.api-server-url=%s)",
                    operatorApiServerUrl.orElse("unset"));
        }
    }

    /** Runs after the operator SDK's own ShutdownEvent observer has stopped its informers. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        stopServers();
    }

    private void stopServers() {
        if (!servers.isEmpty()) {
            LOG.infof("Sandbox: stopping %s", String.join(", ", servers.stream().map(SandboxApiServer::name).toList()));
        }
        for (SandboxApiServer server : servers) {
            try {
                server.stop();
            } catch (RuntimeException e) {
                LOG.warnf(e, "Sandbox API server %s did not stop cleanly", server.name());
            }
        }
        servers.clear();
        installedCrds.clear();
    }

    /** A real cluster has these namespaces; the CRUD mock only knows a CRD's scope and status once it stores it. */
    private static void addNamespacesAndCrds(SandboxApiServer server, List<CustomResourceDefinition> crds) {
        for (String namespace : List.of("default", "kube-system")) {
            server.create("/api/v1/namespaces", new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .endMetadata().withNewStatus().withPhase("Active").endStatus().build());
        }
        for (CustomResourceDefinition crd : crds) {
            server.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        }
    }

    private static Secret kubeconfigSecret(String name, String kubeconfig) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withType("Opaque").withData(Map.of("kubeconfig",
                        Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /** The CRDs the operator SDK generated at build time, e.g. {@code target/kubernetes/<plural>.<group>-v1.yml}. */
    private List<CustomResourceDefinition> loadCrds() throws IOException {
        List<CustomResourceDefinition> crds = new ArrayList<>();
        if (!Files.isDirectory(crdDirectory)) {
            LOG.warnf("Sandbox: no CRD folder %s; custom resources stay unknown until their CRDs are applied",
                    crdDirectory.toAbsolutePath());
            return crds;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(crdDirectory, CRD_FILE_GLOB)) {
            stream.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
                LOG.infof("Sandbox: installing CRD %s from %s into %s", crd.getMetadata().getName(), file,
                        String.join(", ", CLUSTER_NAMES));
                crds.add(crd);
            }
        }
        if (crds.isEmpty()) {
            LOG.warnf("Sandbox: no CRD files (%s) in %s", CRD_FILE_GLOB, crdDirectory.toAbsolutePath());
        }
        return crds;
    }

    private Path kubeconfigPath(SandboxApiServer server) {
        return directory.resolve(server.name() + ".kubeconfig");
    }

    private static boolean isUrlOf(SandboxApiServer server, String url) {
        String normalized = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return normalized.equals(server.url()) || normalized.equals("http://localhost:" + server.port());
    }
}
