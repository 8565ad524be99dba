package io.krmsync.configmapsyncer;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.krmsync.sandbox.RequestLog;
import io.krmsync.tenancy.AccessReviews;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A ConfigMapSyncer with {@code spec.serviceAccountName} acts as that ServiceAccount: its source is read only when a
 * SubjectAccessReview allows the ServiceAccount to get it, and every copy it writes or deletes carries
 * {@code Impersonate-User}, so that the API server's RBAC bounds it. The in-memory API server allows everything unless
 * a test denies it ({@code apiServer(LOCAL).deny(...)}), and records the requests it gets.
 */
@QuarkusTest
class ConfigMapSyncerImpersonationTest extends OperatorTest {

    private static final String SERVICE_ACCOUNT = "copier";

    @Test
    void everyCopyWriteImpersonatesTheServiceAccountAndNothingElse() {
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();
        String kept = namespace("kept"), dropped = namespace("dropped");
        kubectl().createConfigMap(namespace, "app-config", "color=blue");

        // create
        ConfigMapSyncer copier = apply(configMapSyncer("copier", kept, dropped)
                .with("spec.serviceAccountName", SERVICE_ACCOUNT));
        awaitReady(copier, "Synced");
        // update
        kubectl().edit(kubectl().configMap(namespace, "app-config"), cm -> cm.setData(Map.of("color", "green")));
        awaitCopy(LOCAL, kept, "app-config", copy -> assertThat(copy.getData()).containsEntry("color", "green"));
        awaitCopy(LOCAL, dropped, "app-config", copy -> assertThat(copy.getData()).containsEntry("color", "green"));
        // delete of a copy no longer wanted
        kubectl().edit(copier, syncer -> syncer.getSpec().setTargetNamespaces(List.of(kept)));
        awaitNoCopy(LOCAL, dropped, "app-config");
        // delete of the rest when the syncer goes
        kubectl().delete(copier);
        awaitNoCopy(LOCAL, kept, "app-config");

        List<RequestLog.Request> copyWrites = copyWrites(log, kept, dropped);
        assertThat(copyWrites).extracting(RequestLog.Request::method)
                .containsExactlyInAnyOrder("POST", "POST", "PUT", "PUT", "DELETE", "DELETE");
        assertThat(copyWrites).allSatisfy(write -> {
            assertThat(write.impersonatedUser()).isEqualTo(user(namespace));
            assertThat(write.impersonatedGroups()).isEmpty();
        });
    }

    @Test
    void withoutAServiceAccountTheOperatorWritesAsItself() {
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();
        String target = namespace("target");
        kubectl().createConfigMap(namespace, "app-config", "color=blue");

        ConfigMapSyncer copier = apply(configMapSyncer("copier", target));
        awaitReady(copier, "Synced");
        kubectl().delete(copier);
        awaitNoCopy(LOCAL, target, "app-config");

        assertThat(copyWrites(log, target)).extracting(RequestLog.Request::method).containsExactly("POST", "DELETE");
        assertThat(copyWrites(log, target)).allSatisfy(write -> assertThat(write.impersonatedUser()).isNull());
        assertThat(log.reviews()).noneSatisfy(access -> assertThat(access.namespace()).isEqualTo(namespace));
    }

    @Test
    void aServiceAccountThatMayNotGetTheSourceCopiesNothing() {
        String target = namespace("target");
        kubectl().createConfigMap(namespace, "app-config", "color=blue");
        clusters.apiServer(LOCAL).deny(user(namespace), "get", "configmaps", namespace, "app-config");
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();

        ConfigMapSyncer copier = apply(configMapSyncer("copier", target)
                .with("spec.serviceAccountName", SERVICE_ACCOUNT));

        assertThat(awaitNotReady(copier, "Forbidden")).hasMessageContaining(
                user(namespace) + " may not get configmaps " + namespace + "/app-config");
        assertThat(awaitWarning(copier, "Forbidden").getMessage()).contains(user(namespace) + " may not get");
        assertThat(kubectl().configMap(target, "app-config")).isNull();
        assertThat(copyWrites(log, target)).isEmpty();
    }

    @Test
    void theServiceAccountsRbacBoundsTheWritesPerNamespace() {
        String allowed = namespace("allowed"), refused = namespace("refused");
        kubectl().createConfigMap(namespace, "app-config", "color=blue");
        clusters.apiServer(LOCAL).deny(user(namespace), "create", "configmaps", refused, null);

        ConfigMapSyncer copier = apply(configMapSyncer("copier", allowed, refused)
                .with("spec.serviceAccountName", SERVICE_ACCOUNT));

        awaitNotReady(copier, "PartiallySynced");
        ConfigMapSyncerStatus status = latest(copier).getStatus();
        assertThat(status.getSyncedNamespaces()).containsExactly(allowed);
        assertThat(status.getFailures()).singleElement().satisfies(failure -> {
            assertThat(failure.namespace()).isEqualTo(refused);
            assertThat(failure.reason()).isEqualTo("Forbidden");
            assertThat(failure.message())
                    .contains("User \"" + user(namespace) + "\" cannot create resource \"configmaps\"");
        });
        assertThat(kubectl().configMap(refused, "app-config")).isNull();
    }

    @Test
    void aCopyTheServiceAccountMayNotDeleteIsLeftWhenTheSyncerGoes() {
        String target = namespace("target");
        kubectl().createConfigMap(namespace, "app-config", "color=blue");
        ConfigMapSyncer copier = apply(configMapSyncer("copier", target)
                .with("spec.serviceAccountName", SERVICE_ACCOUNT));
        awaitReady(copier, "Synced");
        clusters.apiServer(LOCAL).deny(user(namespace), "delete", "configmaps", target, "app-config");

        kubectl().delete(copier);

        eventually().untilAsserted(() -> assertThat(latest(copier)).isNull());
        assertThat(awaitWarning(copier, "Forbidden").getMessage())
                .contains("ConfigMap " + target + "/app-config is left in place").contains("User \"" + user(namespace) + "\" cannot delete");
        assertThat(kubectl().configMap(target, "app-config")).isNotNull();
    }

    @Test
    void aFanOutAsksTheApiServerOncePerSourcePerCachePeriod() {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            targets.add(namespace("t" + i));
        }
        kubectl().createConfigMap(namespace, "app-config", "color=blue");
        RequestLog log = clusters.apiServer(LOCAL).recordRequests();
        long start = System.nanoTime();

        ConfigMapSyncer copier = apply(configMapSyncer("copier", targets.toArray(String[]::new))
                .with("spec.serviceAccountName", SERVICE_ACCOUNT));
        awaitReady(copier, "Synced");
        for (String color : List.of("green", "red")) {
            kubectl().edit(kubectl().configMap(namespace, "app-config"), cm -> cm.setData(Map.of("color", color)));
            targets.forEach(target -> awaitCopy(LOCAL, target, "app-config",
                    copy -> assertThat(copy.getData()).containsEntry("color", color)));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(copyWrites(log, targets.toArray(String[]::new))).hasSize(3 * targets.size());
        long periods = 1 + elapsed.toMillis() / AccessReviews.TTL.toMillis();
        assertThat(log.reviews()).filteredOn(access -> access.namespace().equals(namespace))
                .allSatisfy(access -> assertThat(access.name()).isEqualTo("app-config"))
                .hasSizeBetween(1, (int) periods);
    }

    private static String user(String namespace) {
        return "system:serviceaccount:" + namespace + ":" + SERVICE_ACCOUNT;
    }

    /** Writes of the copy app-config in these namespaces, as the API server received them. */
    private static List<RequestLog.Request> copyWrites(RequestLog log, String... namespaces) {
        List<String> paths = List.of(namespaces).stream()
                .flatMap(ns -> List.of("/api/v1/namespaces/" + ns + "/configmaps",
                        "/api/v1/namespaces/" + ns + "/configmaps/app-config").stream())
                .toList();
        return log.requests().stream().filter(RequestLog.Request::isWrite)
                .filter(request -> paths.contains(request.path())).toList();
    }
}
