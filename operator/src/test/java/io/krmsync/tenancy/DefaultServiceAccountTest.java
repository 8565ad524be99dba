package io.krmsync.tenancy;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.sandbox.RequestLog;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Tenants;
import io.krmsync.testing.TenantsWithDefaultServiceAccount;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * With {@code krm-sync.tenancy.default-service-account} set, a tenant's syncer that names no ServiceAccount acts as
 * that one of its own namespace; one that names its own acts as that; a trusted namespace's syncer acts as the
 * operator. Each test's own namespace is a tenant's ({@link Tenants}).
 */
@QuarkusTest
@TestProfile(TenantsWithDefaultServiceAccount.class)
class DefaultServiceAccountTest extends OperatorTest {

    @Test
    void aTenantsConfigMapSyncerWithoutAServiceAccountActsAsTheDefaultOne() {
        String target = acceptingNamespace("target");
        kubectl().createConfigMap(namespace, "app-config", "color=blue");
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();

        ConfigMapSyncer copier = apply(configMapSyncer("copier", target));

        awaitReady(copier, "Synced");
        assertThat(copyWrites(log, target)).singleElement().satisfies(write -> assertThat(write.impersonatedUser())
                .isEqualTo(user(namespace, TenantsWithDefaultServiceAccount.SERVICE_ACCOUNT)));
        assertThat(log.reviews()).anySatisfy(access -> {
            assertThat(access.user()).isEqualTo(user(namespace, TenantsWithDefaultServiceAccount.SERVICE_ACCOUNT));
            assertThat(access.verb() + " " + access.resource() + " " + access.namespace() + "/" + access.name())
                    .isEqualTo("get configmaps " + namespace + "/app-config");
        });
    }

    @Test
    void aServiceAccountTheSyncerNamesComesBeforeTheDefault() {
        String target = acceptingNamespace("target");
        kubectl().createConfigMap(namespace, "app-config", "color=blue");
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();

        ConfigMapSyncer copier = apply(configMapSyncer("copier", target).with("spec.serviceAccountName", "own"));

        awaitReady(copier, "Synced");
        assertThat(copyWrites(log, target)).singleElement()
                .satisfies(write -> assertThat(write.impersonatedUser()).isEqualTo(user(namespace, "own")));
    }

    @Test
    void aTrustedNamespacesSyncerStillActsAsTheOperator() {
        String trusted = namespaceNamed(Tenants.TRUSTED);
        String target = namespace("target");
        kubectl().createConfigMap(trusted, namespace + "-config", "color=blue");
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();

        ConfigMapSyncer copier = apply(Manifest.configMapSyncerSample().named(namespace + "-copier").inNamespace(trusted)
                .with("spec.sourceNamespace", trusted).with("spec.sourceConfigMap", namespace + "-config")
                .with("spec.targetNamespaces", List.of(target)));

        awaitReady(copier, "Synced");
        assertThat(log.requests()).filteredOn(request -> request.isWrite()
                && request.path().startsWith("/api/v1/namespaces/" + target + "/configmaps"))
                .singleElement().satisfies(write -> assertThat(write.impersonatedUser()).isNull());
    }

    @Test
    void aTenantsKrmSyncerWithoutAServiceAccountReadsWhatTheDefaultOneMay() {
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent("cluster4"));
        String user = user(namespace, TenantsWithDefaultServiceAccount.SERVICE_ACCOUNT);
        clusters.apiServer(LOCAL).deny(user, "list", "configmaps", namespace, null);

        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));

        assertThat(awaitNotReady(pusher, "Forbidden"))
                .hasMessageContaining(user + " may not list configmaps in namespace " + namespace);
    }

    /** A namespace of this test's own that accepts copies from the test's namespace (krm-sync.io/accept-from). */
    private String acceptingNamespace(String suffix) {
        String name = namespace(suffix);
        local().namespaces().withName(name).edit(ns -> {
            ns.getMetadata().getAnnotations().put(Consent.ACCEPT_FROM, namespace);
            return ns;
        });
        return name;
    }

    private static String user(String namespace, String serviceAccount) {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }

    private static List<RequestLog.Request> copyWrites(RequestLog log, String namespace) {
        return log.requests().stream().filter(RequestLog.Request::isWrite)
                .filter(request -> request.path().startsWith("/api/v1/namespaces/" + namespace + "/configmaps"))
                .toList();
    }
}
