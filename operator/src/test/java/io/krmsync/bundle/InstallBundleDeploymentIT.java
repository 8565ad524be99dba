package io.krmsync.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The operator's Deployment in the generated bundle: restricted security context (Pod Security Standard "restricted"),
 * health probes, a named metrics port, resource requests and limits, and everything in the krm-sync-system namespace.
 */
class InstallBundleDeploymentIT {

    private static List<HasMetadata> resources;
    private static Deployment deployment;
    private static PodSpec pod;
    private static Container container;

    @BeforeAll
    static void read() {
        resources = Manifests.resources(Manifests.generatedManifest());
        List<Deployment> deployments = Manifests.ofType(resources, Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName()).containsExactly(Manifests.NAME);
        deployment = deployments.get(0);
        pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).hasSize(1);
        container = pod.getContainers().get(0);
    }

    @Test
    void installsIntoItsOwnNamespace() {
        assertThat(Manifests.ofType(resources, Namespace.class)).extracting(n -> n.getMetadata().getName())
                .containsExactly(Manifests.NAMESPACE);
        assertThat(resources.get(0)).as("the Namespace comes first, so that one `kubectl apply` creates it first")
                .isInstanceOf(Namespace.class);
        resources.stream()
                .filter(r -> !isClusterScoped(r))
                .forEach(r -> assertThat(r.getMetadata().getNamespace())
                        .as("namespace of %s %s", r.getKind(), r.getMetadata().getName())
                        .isEqualTo(Manifests.NAMESPACE));
        assertThat(Manifests.ofType(resources, ServiceAccount.class)).extracting(s -> s.getMetadata().getName())
                .containsExactly(Manifests.NAME);
        assertThat(pod.getServiceAccountName()).isEqualTo(Manifests.NAME);
    }

    @Test
    void runsWithARestrictedSecurityContext() {
        SecurityContext sc = container.getSecurityContext();
        Optional<PodSecurityContext> podSc = Optional.ofNullable(pod.getSecurityContext());
        assertThat(sc).as("container securityContext").isNotNull();
        assertThat(Optional.ofNullable(sc.getRunAsNonRoot())
                .or(() -> podSc.map(PodSecurityContext::getRunAsNonRoot))).as("runAsNonRoot").contains(true);
        assertThat(sc.getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation").isFalse();
        assertThat(sc.getPrivileged()).as("privileged").isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities()).as("capabilities").isNotNull();
        assertThat(sc.getCapabilities().getDrop()).as("capabilities dropped").containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).as("capabilities added").isEmpty();
        String seccomp = Optional.ofNullable(sc.getSeccompProfile())
                .or(() -> podSc.map(PodSecurityContext::getSeccompProfile))
                .map(p -> p.getType()).orElse(null);
        assertThat(seccomp).as("seccompProfile").isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void hasAWritableTmpOnAnEmptyDirBecauseTheRootFilesystemIsReadOnly() {
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getMountPath()).isEqualTo("/tmp");
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow();
            assertThat(volume.getEmptyDir()).isNotNull();
        });
    }

    @Test
    void probesTheHealthEndpoints() {
        assertHttpProbe("livenessProbe", container.getLivenessProbe(), "/q/health/live");
        assertHttpProbe("readinessProbe", container.getReadinessProbe(), "/q/health/ready");
        assertHttpProbe("startupProbe", container.getStartupProbe(), "/q/health/started");
    }

    /**
     * Prometheus scrapes /q/metrics on a named container port. It is Quarkus' HTTP port "http", which also serves
     * /q/health: naming it "metrics" through quarkus.kubernetes.ports.metrics made the generated name flip between
     * builds (two port build items for 8080), which a committed, drift-checked bundle cannot have.
     */
    @Test
    void exposesTheMetricsEndpointOnANamedPort() {
        String scrapePort = deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/q/metrics");
        ContainerPort metrics = container.getPorts().stream()
                .filter(p -> String.valueOf(p.getContainerPort()).equals(scrapePort)).findFirst()
                .orElseThrow(() -> new AssertionError("no container port " + scrapePort + ": " + container.getPorts()));
        assertThat(metrics.getName()).as("name of the metrics port").isNotBlank();
        assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort).doesNotHaveDuplicates();
    }

    @Test
    void requestsAndLimitsResources() {
        assertThat(container.getResources()).as("resources").isNotNull();
        assertThat(container.getResources().getRequests()).as("requests").containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).as("limits").containsKeys("cpu", "memory");
    }

    private static void assertHttpProbe(String name, Probe probe, String path) {
        assertThat(probe).as(name).isNotNull();
        assertThat(probe.getHttpGet()).as(name + ".httpGet").isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(name + " path").isEqualTo(path);
        Integer port = probe.getHttpGet().getPort().getIntVal();
        String portName = probe.getHttpGet().getPort().getStrVal();
        assertThat(container.getPorts()).as(name + " port is a container port")
                .anyMatch(p -> p.getContainerPort().equals(port) || p.getName().equals(portName));
    }

    private static boolean isClusterScoped(HasMetadata resource) {
        return switch (resource.getKind()) {
            case "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition" -> true;
            default -> false;
        };
    }
}
