package io.krmsync.krmsyncer;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.ruleOf;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.krmsync.sandbox.RequestLog;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A KRMSyncer with {@code spec.serviceAccountName} reads in this cluster only what SubjectAccessReviews allow that
 * ServiceAccount to list and watch; a rule it may not read fails alone, with Forbidden. It pushes to cluster4.
 */
@QuarkusTest
class KRMSyncerImpersonationTest extends OperatorTest {

    private static final String DESTINATION = "cluster4";
    private static final String KUBECONFIG_SECRET = "cluster4-kubeconfig";
    private static final String SERVICE_ACCOUNT = "pusher";

    /** kubectl create secret generic cluster4-kubeconfig --from-file=kubeconfig=cluster4.kubeconfig */
    @BeforeEach
    void destinationKubeconfig() {
        kubectl().applySecret(namespace, KUBECONFIG_SECRET, "kubeconfig", clusters.kubeconfigContent(DESTINATION));
    }

    @Test
    void aRuleTheServiceAccountMayNotListFailsAloneAndNothingOfItIsRead() {
        String apps = namespace("apps");
        clusters.apiServer(LOCAL).deny(user(), "list", "secrets", apps, null);
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();
        KRMSyncer pusher = apply(krmSyncer("pusher", KUBECONFIG_SECRET).withYaml("spec.rules", """
                - {version: v1, kind: Secret, namespaces: [%1$s]}
                - {version: v1, kind: ConfigMap, namespaces: [%1$s]}
                """.formatted(apps)).with("spec.serviceAccountName", SERVICE_ACCOUNT));
        kubectl().createConfigMap(apps, "settings", "color=blue");
        kubectl().applySecret(apps, "password", "password", "s3cr3t");

        eventually().untilAsserted(() -> assertThat(destination().configMap(apps, "settings")).isNotNull());
        assertThat(awaitNotReady(pusher, "Forbidden")).hasMessageContaining(user() + " may not list secrets in namespace "
                + apps);
        RuleStatus secrets = ruleOf(latest(pusher), "Secret");
        assertThat(secrets.getReason()).isEqualTo("Forbidden");
        assertThat(secrets.getLastError()).contains(user() + " may not list secrets in namespace " + apps);
        assertThat(destination().secret(apps, "password")).isNull();
        assertThat(log.requests()).as("reads of the refused kind in this cluster").filteredOn(request -> !request.isWrite())
                .noneSatisfy(request -> assertThat(request.path()).isEqualTo("/api/v1/namespaces/" + apps + "/secrets"));
        assertThat(log.reviews()).filteredOn(access -> access.resource().equals("configmaps"))
                .extracting(access -> access.user() + " " + access.verb() + " " + access.namespace())
                .contains(user() + " list " + apps, user() + " watch " + apps);
    }

    @Test
    void aRuleWithoutNamespacesNeedsTheKindClusterWide() {
        clusters.apiServer(LOCAL).deny(user(), "watch", "configmaps", "", null);

        KRMSyncer pusher = apply(krmSyncer("pusher", KUBECONFIG_SECRET).withYaml("spec.rules", """
                - {version: v1, kind: ConfigMap}
                """).with("spec.serviceAccountName", SERVICE_ACCOUNT));

        assertThat(awaitNotReady(pusher, "Forbidden"))
                .hasMessageContaining(user() + " may not watch configmaps cluster-wide");
        assertThat(awaitWarning(pusher, "Forbidden").getMessage()).contains(user() + " may not watch");
    }

    private String user() {
        return "system:serviceaccount:" + namespace + ":" + SERVICE_ACCOUNT;
    }

    private Kubectl destination() {
        return kubectl(DESTINATION);
    }
}
