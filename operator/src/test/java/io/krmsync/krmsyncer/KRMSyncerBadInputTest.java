package io.krmsync.krmsyncer;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.ruleOf;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.krmsync.testing.LogCapture;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every way a KRMSyncer's input can be wrong gets its own Ready reason and a Warning event, and touches nothing at
 * the destination, and no credential of a refused kubeconfig reaches a status, an Event or a log line; the problems that can heal (a Secret created later, a destination back up) heal without a
 * restart. The kubeconfigs that are refused point at a live cluster, so that a missing refusal would sync.
 */
@QuarkusTest
class KRMSyncerBadInputTest extends OperatorTest {

    private static final String DESTINATION = "cluster4";

    // Fake credentials in the refused kubeconfigs: no message may repeat them.
    private static final String TOKEN = "bad-input-token-5c1f0e";
    private static final String EXEC_ARG = "bad-input-exec-arg-77d2";
    private static final String EXEC_ENV_VALUE = "bad-input-exec-env-a4b9";
    private static final String EXEC_TOKEN = "bad-input-exec-token-0e3c";
    private static final String CLIENT_SECRET = "bad-input-client-secret-9f61";
    private static final String CERT_DATA = Base64.getEncoder().encodeToString(
            "-----BEGIN CERTIFICATE-----\nbad-input-fake-cert\n-----END CERTIFICATE-----".getBytes(StandardCharsets.UTF_8));
    private static final List<String> SECRETS = List.of(TOKEN, EXEC_ARG, EXEC_ENV_VALUE, EXEC_TOKEN, CLIENT_SECRET,
            CERT_DATA);

    private static final String CAPTURE_MARK = "log capture attached";

    LogCapture logs;

    @BeforeEach
    void sourceConfigMap() {
        kubectl().createConfigMap(namespace, "app", "v=1");
    }

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.attach();
        // Proves the capture sees what the application logs: refusals themselves are reported in status and Events.
        Logger.getLogger(KRMSyncerBadInputTest.class).info(CAPTURE_MARK);
    }

    @AfterEach
    void noSecretWasLogged() {
        logs.close();
        assertThat(logs.lines()).as("log lines").contains(CAPTURE_MARK)
                .allSatisfy(line -> assertThat(line).doesNotContain(SECRETS));
    }

    private String server() {
        return "http://127.0.0.1:" + clusters.port(DESTINATION);
    }

    /** A kubeconfig for {@code server} with one context whose cluster and user entries are these flow mappings. */
    private static String kubeconfig(String clusterFields, String userFields) {
        return """
                apiVersion: v1
                kind: Config
                current-context: dest
                clusters:
                - name: dest
                  cluster: {%s}
                contexts:
                - name: dest
                  context: {cluster: dest, user: dest-user}
                users:
                - name: dest-user
                  user: {%s}
                """.formatted(clusterFields, userFields);
    }

    /** The KRMSyncer reports the reason in Ready and in a Warning event, and the destination has nothing of it. */
    private Condition assertRefusedWithoutWrites(KRMSyncer syncer, String reason) {
        Condition ready = awaitNotReady(syncer, reason);
        Event event = awaitWarning(syncer, reason);
        assertThat(event.getMessage()).isEqualTo(ready.getMessage());
        assertThat(kubectl(DESTINATION).hasNamespace(namespace)).as("namespace %s at the destination", namespace)
                .isFalse();
        assertThat(kubectl(DESTINATION).configMaps(namespace)).isEmpty();
        assertThat(latest(syncer).getStatus().getRules()).as("no rule ran").isEmpty();
        return ready;
    }

    @Test
    void missingSecretIsReportedUntilItIsCreated() {
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));

        Condition ready = assertRefusedWithoutWrites(pusher, "SecretNotFound");
        assertThat(ready.getMessage()).contains("Secret " + namespace + "/dest not found");

        // kubectl create secret generic dest --from-file=kubeconfig=cluster4.kubeconfig
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        awaitCopy(DESTINATION, namespace, "app", copy -> assertThat(copy.getData()).containsEntry("v", "1"));
        awaitReady(pusher, "Synced");
    }

    static Stream<Arguments> invalidKubeconfigs() {
        return Stream.of(
                Arguments.of("no such key", "config", "KUBECONFIG", "has no key kubeconfig"),
                Arguments.of("not YAML", "kubeconfig", kubeconfig("server: 'SERVER'", "token: " + TOKEN)
                        .replace("token: " + TOKEN + "}", "token: [" + TOKEN + "}"), "MalformedKubeconfig: not valid YAML"),
                Arguments.of("not a kubeconfig", "kubeconfig", "apiVersion: v1\nkind: ConfigMap\ndata: {token: " + TOKEN
                        + "}\n", "MalformedKubeconfig: not a kubeconfig"),
                Arguments.of("no current-context", "kubeconfig", kubeconfig("server: 'SERVER'", "token: " + TOKEN)
                        .replace("current-context: dest\n", ""), "NoCurrentContext"),
                Arguments.of("password in the server URL", "kubeconfig",
                        kubeconfig("server: 'http://admin:" + TOKEN + "@HOST_PORT'", ""),
                        "not an http(s) URL without user info"),
                // Issue 13: depending on the thread's stack, a StackOverflowError escaped reconciliation, leaving no
                // status and a stuck finalizer (the cleanup after each test checks the syncer goes).
                Arguments.of("nested 20,000 deep", "kubeconfig", "[".repeat(20_000),
                        "MalformedKubeconfig: not a kubeconfig"));
    }

    /** A Secret without the key, or whose key holds no usable kubeconfig: KubeconfigInvalid. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidKubeconfigs")
    void invalidKubeconfigIsReported(String label, String key, String content, String explanation) {
        kubectl().applySecret(namespace, "dest", key, content.replace("KUBECONFIG", clusters.kubeconfigContent(DESTINATION))
                .replace("SERVER", server()).replace("HOST_PORT", "127.0.0.1:" + clusters.port(DESTINATION)));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));

        Condition ready = assertRefusedWithoutWrites(pusher, "KubeconfigInvalid");
        assertThat(ready.getMessage()).contains("Secret " + namespace + "/dest", explanation).doesNotContain(SECRETS);
        assertThat(kubectl().eventsFor(pusher)).extracting(Event::getMessage).allSatisfy(m -> assertThat(m).doesNotContain(SECRETS));
    }

    static Stream<Arguments> refusedKubeconfigs() {
        String execCredential = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                + "\"status\":{\"token\":\"" + EXEC_TOKEN + "\"}}";
        return Stream.of(
                Arguments.of("exec", kubeconfig("server: 'SERVER'",
                        "exec: {apiVersion: client.authentication.k8s.io/v1, command: echo, args: ['" + execCredential
                                + "', " + EXEC_ARG + "], env: [{name: SECRET, value: " + EXEC_ENV_VALUE + "}]}"),
                        "runs a command to get credentials (exec)"),
                Arguments.of("auth-provider", kubeconfig("server: 'SERVER'", "auth-provider: {name: oidc, config: "
                        + "{client-id: krm-sync, client-secret: " + CLIENT_SECRET + ", id-token: " + TOKEN
                        + ", idp-issuer-url: 'https://issuer.example'}}"), "uses auth-provider 'oidc'"),
                Arguments.of("tokenFile", kubeconfig("server: 'SERVER'",
                        "token: " + TOKEN + ", tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token"),
                        "reads its tokenFile from a file"),
                Arguments.of("client-key file", kubeconfig("server: 'SERVER'",
                        "client-certificate-data: " + CERT_DATA + ", client-key: /etc/krm-sync/tls.key"),
                        "reads its client-key from a file"),
                Arguments.of("certificate-authority file", kubeconfig(
                        "server: 'SERVER', certificate-authority: /etc/ssl/certs/ca.crt", "token: " + TOKEN),
                        "reads its certificate-authority from a file"),
                Arguments.of("insecure-skip-tls-verify", kubeconfig("server: 'SERVER', insecure-skip-tls-verify: true",
                        "token: " + TOKEN), "insecure-skip-tls-verify"));
    }

    /**
     * A kubeconfig that would run a command, use an auth provider, read the operator's files or skip TLS checks is
     * refused, the message names the feature, and neither status nor events repeat its credentials.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedKubeconfigs")
    void riskyKubeconfigIsRefusedWithoutLeakingIt(String label, String content, String explanation) {
        kubectl().applySecret(namespace, "dest", "kubeconfig", content.replace("SERVER", server()));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));

        Condition ready = assertRefusedWithoutWrites(pusher, "KubeconfigRefused");
        assertThat(ready.getMessage()).contains("Secret " + namespace + "/dest", explanation, "krm-sync.clusters.insecure.allow-");
        String status = local().getKubernetesSerialization().asJson(latest(pusher).getStatus());
        assertThat(status).doesNotContain(SECRETS);
        assertThat(kubectl().eventsFor(pusher)).extracting(Event::getMessage).allSatisfy(m -> assertThat(m).doesNotContain(SECRETS));
    }

    @Test
    void closedPortIsUnreachable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        kubectl().applySecret(namespace, "dest", "kubeconfig", kubeconfig("server: 'http://127.0.0.1:" + closed + "'", ""));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));

        Condition ready = awaitNotReady(pusher, "DestinationUnreachable");
        assertThat(ready.getMessage()).contains("http://127.0.0.1:" + closed, "retrying");
        assertThat(latest(pusher).getStatus().getDestination()).isEqualTo("http://127.0.0.1:" + closed + "/");
        assertThat(awaitWarning(pusher, "DestinationUnreachable").getMessage()).isEqualTo(ready.getMessage());
    }

    /**
     * The destination goes down: the next change reports DestinationUnreachable. It comes back (rebuilt, empty): the
     * KRMSyncer retries on its own and fills it again.
     */
    @Test
    void stoppedDestinationIsUnreachableUntilItIsBack() {
        kubectl().createConfigMap(namespace, "app-settings", "v=1");
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));
        awaitReady(pusher, "Synced");
        awaitCopy(DESTINATION, namespace, "app", copy -> assertThat(copy.getData()).containsEntry("v", "1"));

        int port = clusters.port(DESTINATION);
        clusters.stop(DESTINATION);
        try {
            kubectl().mergePatch(ConfigMap.class, namespace, "app", "{\"data\":{\"v\":\"2\"}}");
            Condition ready = awaitNotReady(pusher, "DestinationUnreachable");
            assertThat(ready.getMessage()).contains("127.0.0.1:" + port);
            assertThat(awaitWarning(pusher, "DestinationUnreachable").getMessage()).isEqualTo(ready.getMessage());
            assertThat(latest(pusher).getStatus().getRules()).as("the last rule statuses are kept")
                    .singleElement().satisfies(rule -> assertThat(rule.getSynced()).isEqualTo(2));
        } finally {
            clusters.restart(DESTINATION, port);
        }

        // Up to the 30 s retry period of a failure that may heal by itself.
        awaitCopy(DESTINATION, namespace, "app", Duration.ofSeconds(45),
                copy -> assertThat(copy.getData()).containsEntry("v", "2"));
        awaitCopy(DESTINATION, namespace, "app-settings", copy -> assertThat(copy.getData()).containsEntry("v", "1"));
        awaitReady(pusher, "Synced");
    }

    /** A rule naming a kind the cluster does not serve fails alone: RuleInvalid, while the valid rule syncs. */
    @Test
    void invalidRuleFailsAlone() {
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest").withYaml("spec.rules", """
                - {version: v1, kind: ConfigMapp}
                - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(namespace)));

        Condition ready = awaitNotReady(pusher, "RuleInvalid");
        assertThat(ready.getMessage()).contains("kind ConfigMapp is not served by API v1");
        awaitWarning(pusher, "RuleInvalid");
        RuleStatus invalid = ruleOf(latest(pusher), "ConfigMapp");
        assertThat(invalid.getReason()).isEqualTo("RuleInvalid");
        assertThat(invalid.getSynced()).isZero();
        await().untilAsserted(() -> assertThat(ruleOf(latest(pusher), "ConfigMap").getSynced()).isEqualTo(1));
        awaitCopy(DESTINATION, namespace, "app", copy -> assertThat(copy.getData()).containsEntry("v", "1"));
        assertThat(kubectl(DESTINATION).configMaps(namespace)).extracting(c -> c.getMetadata().getName()).containsExactly("app");
    }

    /**
     * A policy value the CRD's enum refuses, let in by an older CRD or a server without schemas: InvalidSpec with
     * nothing written, while the other KRMSyncers keep syncing (the value does not stop the informer), and deleting it
     * lets go of it, deleting nothing.
     */
    @Test
    void unrecognisedPolicyIsAnInvalidSpec() {
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest").with("spec.deletionPolicy", "Destroy"));

        Condition ready = assertRefusedWithoutWrites(pusher, "InvalidSpec");
        assertThat(ready.getMessage()).contains("spec.deletionPolicy must be Retain or Delete");

        KRMSyncer healthy = apply(krmSyncer("healthy", "dest"));
        awaitReady(healthy, "Synced");
        awaitCopy(DESTINATION, namespace, "app", copy -> assertThat(copy.getData()).containsEntry("v", "1"));

        kubectl().delete(latest(pusher));
        await().atMost(Duration.ofSeconds(10)).until(() -> latest(pusher) == null);
        assertThat(kubectl(DESTINATION).configMap(namespace, "app")).as("the other KRMSyncer's copy").isNotNull();
    }

    /**
     * A serviceAccountName the CRD's pattern refuses: with a colon, the user krm-sync would act as would not be a
     * ServiceAccount of the KRMSyncer's namespace at all.
     */
    @Test
    void serviceAccountNameThatIsNoServiceAccountsIsAnInvalidSpec() {
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest").with("spec.serviceAccountName", "kube-system:admin"));

        Condition ready = assertRefusedWithoutWrites(pusher, "InvalidSpec");
        assertThat(ready.getMessage())
                .contains("spec.serviceAccountName \"kube-system:admin\" is not a valid ServiceAccount name");
    }
}
