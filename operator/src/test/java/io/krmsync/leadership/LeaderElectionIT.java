package io.krmsync.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krmsync.testing.InMemoryCluster;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorEndpoints;

/**
 * Two replicas of the packaged operator (production profile: leader election on) against one API server: one holds
 * the Lease and does all the work (reconciliations, deletions outside them, Events), the other writes nothing; when the leader dies, the standby takes the Lease over
 * and carries on. Runs what the build packaged (the jar, or the native executable under {@code -Dnative}), as two
 * processes, because one JVM holds one Quarkus application.
 */
class LeaderElectionIT {

    private static final String OPERATOR_NAMESPACE = "krm-sync-system";
    private static final String LEASE = "krm-sync-leader";
    private static final Duration LEASE_DURATION = Duration.ofSeconds(4);
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path LOGS = Path.of("target", "leader-election-it");
    /** A kubeconfig krm-sync refuses by default: it would run a program. */
    private static final String EXEC_KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """;
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(?:\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);

    private final List<Replica> replicas = new ArrayList<>();
    private InMemoryCluster local;
    private InMemoryCluster provider;
    private KubernetesClient client;

    @BeforeEach
    void startClusterAndTwoReplicas() throws IOException {
        assertThat(Optional.ofNullable(System.getProperty("native.image.path")).map(Path::of).orElse(JAR))
                .as("the packaged operator (./mvnw verify packages it before this test)").exists();
        local = InMemoryCluster.start("local", 0);
        client = local.client();
        for (String namespace : List.of(OPERATOR_NAMESPACE, "team-a")) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                    .build()).create();
        }
        // In production the CRDs come from kubernetes/crds/; here from the same build.
        try (DirectoryStream<Path> crds = Files.newDirectoryStream(Path.of("target", "kubernetes"), "*-v1.yml")) {
            for (Path crd : crds) {
                client.resource(client.getKubernetesSerialization().unmarshal(Files.readString(crd),
                        CustomResourceDefinition.class)).create();
            }
        }
        provider = InMemoryCluster.start("provider", 0);
        Files.createDirectories(LOGS);
        Path providerKubeconfig = Files.writeString(LOGS.resolve("provider.kubeconfig"), provider.kubeconfig());
        replicas.add(Replica.start("replica-a", local.url(), providerKubeconfig));
        replicas.add(Replica.start("replica-b", local.url(), providerKubeconfig));
    }

    @AfterEach
    void stop() {
        replicas.forEach(Replica::kill);
        for (InMemoryCluster cluster : new InMemoryCluster[] { local, provider }) {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void onlyTheLeaderWritesAndTheStandbyTakesOverWhenTheLeaderDies() {
        Replica leader = awaitLeaderAndStandbyReady();
        Replica standby = other(leader);

        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("app-config").endMetadata().withData(Map.of("key", "v1")).build()).create();
        client.resource(Manifest.configMapSyncerSample().with("spec.targetNamespaces", List.of("team-a")).object())
                .create();
        await().atMost(Duration.ofSeconds(30)).until(() -> copyValue().filter("v1"::equals).isPresent());

        // PropagationReconciler deletes copies outside reconciliations too (source deleted, periodic sweep).
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("shared-settings").addToLabels("example.io/propagate", "true").endMetadata()
                .withData(Map.of("key", "v1")).build()).create();
        var propagated = provider.client().configMaps().inNamespace("default").withName("shared-settings");
        await().atMost(Duration.ofSeconds(30)).until(() -> propagated.get() != null);
        client.configMaps().inNamespace("default").withName("shared-settings").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> propagated.get() == null);

        // Both replicas read a refused cluster kubeconfig Secret; only the leader reports it.
        client.secrets().inNamespace(OPERATOR_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName("exec-cluster").addToLabels("krm-sync.io/cluster-kubeconfig", "true").endMetadata()
                .addToStringData("kubeconfig", EXEC_KUBECONFIG).build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> eventsAbout("exec-cluster") > 0);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> eventsAbout("exec-cluster") == 1);

        assertThat(metric(leader, "krm_sync_leader")).as("leader's krm_sync_leader").isEqualTo(1.0);
        assertThat(metric(leader, "operator_sdk_reconciliations_started_total")).as("leader reconciled").isPositive();
        assertThat(metric(leader, "krm_sync_copy_writes_total")).as("leader's copy writes").isPositive();
        assertThat(metric(standby, "krm_sync_leader")).as("standby's krm_sync_leader").isEqualTo(0.0);
        assertThat(metric(standby, "operator_sdk_reconciliations_started_total")).as("standby reconciled").isZero();
        assertThat(metric(standby, "krm_sync_copy_writes_total")).as("standby's copy writes").isZero();

        leader.kill();
        client.configMaps().inNamespace("default").withName("app-config")
                .edit(source -> new ConfigMapBuilder(source).addToData("key", "v2").build());

        // The Lease expires LEASE_DURATION after the dead leader's last renewal; then the standby acquires it.
        await().atMost(LEASE_DURATION.multipliedBy(10)).until(() -> copyValue().filter("v2"::equals).isPresent());
        assertThat(leaseHolder()).as("Lease holder after the leader died").contains(standby);
        assertThat(metric(standby, "krm_sync_leader")).as("new leader's krm_sync_leader").isEqualTo(1.0);
        assertThat(metric(standby, "krm_sync_copy_writes_total")).as("new leader's copy writes").isPositive();
    }

    /**
     * Split brain guard: a leader that can no longer renew its Lease (here another holder took it, as after a network
     * partition) stops, rather than reconciling beside the new leader; Kubernetes restarts it as a standby.
     */
    @Test
    void aLeaderThatLosesItsLeaseExits() {
        Replica leader = awaitLeaderAndStandbyReady();

        // The leader renews every retry period: an edit may meet a newer resourceVersion (409) and is tried again.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
            client.resources(Lease.class).inNamespace(OPERATOR_NAMESPACE).withName(LEASE)
                    .edit(lease -> new LeaseBuilder(lease).editSpec().withHolderIdentity("another-installation")
                            .withLeaseDurationSeconds(3600).withRenewTime(ZonedDateTime.now()).endSpec().build());
            return true;
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> !leader.process().isAlive());
        assertThat(leader.process().exitValue()).as("exit code of the replica that lost its Lease").isEqualTo(1);
        assertThat(metric(other(leader), "krm_sync_leader")).as("the standby does not lead a held Lease").isZero();
    }

    /**
     * The Lease holder, once both replicas serve HTTP: a replica can win the Lease before its HTTP server is up, and a
     * standby still starting refuses the connections the tests make to it.
     */
    private Replica awaitLeaderAndStandbyReady() {
        Replica leader = await().atMost(Duration.ofSeconds(60)).until(this::leaseHolder, Optional::isPresent).get();
        Replica standby = other(leader);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            assertThat(standby.endpoints().get("/q/health/ready").statusCode()).as("standby ready").isEqualTo(200);
            assertThat(leader.endpoints().get("/q/health/ready").statusCode()).as("leader ready").isEqualTo(200);
        });
        return leader;
    }

    private long eventsAbout(String name) {
        return client.v1().events().inNamespace(OPERATOR_NAMESPACE).list().getItems().stream()
                .filter(event -> name.equals(event.getInvolvedObject().getName())).count();
    }

    private Optional<String> copyValue() {
        return Optional.ofNullable(client.configMaps().inNamespace("team-a").withName("app-config").get())
                .map(ConfigMap::getData).map(data -> data.get("key"));
    }

    private Optional<Replica> leaseHolder() {
        Lease lease = client.resources(Lease.class).inNamespace(OPERATOR_NAMESPACE).withName(LEASE).get();
        if (lease == null || lease.getSpec().getHolderIdentity() == null) {
            return Optional.empty();
        }
        return replicas.stream().filter(replica -> lease.getSpec().getHolderIdentity().startsWith(replica.name + "_"))
                .findFirst();
    }

    private Replica other(Replica replica) {
        return replicas.stream().filter(candidate -> candidate != replica).findFirst().orElseThrow();
    }

    /** The sum of a metric's samples over all its label sets; 0 when the replica has no such series. */
    private static double metric(Replica replica, String name) {
        double sum = 0;
        Matcher sample = SAMPLE.matcher(replica.endpoints().metrics());
        while (sample.find()) {
            if (sample.group(1).equals(name)) {
                sum += Double.parseDouble(sample.group(2));
            }
        }
        return sum;
    }

    /** One operator process: the production jar, in namespace krm-sync-system as the Deployment runs it. */
    private record Replica(String name, Process process, int port) {

        static Replica start(String name, String apiServerUrl, Path providerKubeconfig) throws IOException {
            int port = freePort();
            List<String> command = launcher(List.of(
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.kubernetes-client.api-server-url=" + apiServerUrl,
                    "-Dquarkus.log.console.json.enabled=false",
                    "-Dkrm-sync.clusters.provider-kubeconfigs=" + providerKubeconfig.toAbsolutePath(),
                    "-Dkrm-sync.leader-election.lease-duration=" + LEASE_DURATION.toSeconds() + "s",
                    "-Dkrm-sync.leader-election.renew-deadline=3s",
                    "-Dkrm-sync.leader-election.retry-period=500ms"));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(LOGS.resolve(name + ".log").toFile());
            // As the Deployment sets them: the pod's name and namespace; and, as docs/operations.md shows, the trusted
            // namespaces, since the ConfigMapSyncer and the propagated ConfigMaps are in default.
            builder.environment().put("HOSTNAME", name);
            builder.environment().put("KUBERNETES_NAMESPACE", OPERATOR_NAMESPACE);
            builder.environment().put("KRM_SYNC_TENANCY_TRUSTED_NAMESPACES", OPERATOR_NAMESPACE + ",default");
            return new Replica(name, builder.start(), port);
        }

        /**
         * The native executable under {@code -Dnative} (failsafe names it), else the packaged jar on this JVM; both
         * take system properties ahead of the operator's own arguments.
         */
        private static List<String> launcher(List<String> systemProperties) {
            List<String> command = new ArrayList<>();
            String nativeExecutable = System.getProperty("native.image.path");
            if (nativeExecutable != null) {
                command.add(Path.of(nativeExecutable).toAbsolutePath().toString());
                command.addAll(systemProperties);
            } else {
                command.add(ProcessHandle.current().info().command().orElse("java"));
                command.addAll(systemProperties);
                command.addAll(List.of("-jar", JAR.toString()));
            }
            return command;
        }

        OperatorEndpoints endpoints() {
            return new OperatorEndpoints(port);
        }

        /** As a node failure or OOM kill would: no shutdown, no Lease release. */
        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
