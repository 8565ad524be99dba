package io.krmsync.configmapsyncer;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.Reason;
import io.krmsync.status.SyncBlocked;
import io.krmsync.sync.CopyCache;
import io.krmsync.sync.CopyTarget;
import io.krmsync.tenancy.Access;
import io.krmsync.tenancy.Impersonation;
import io.krmsync.tenancy.Tenancy;

/**
 * Who each ConfigMapSyncer acts as: the operator itself, or the ServiceAccount its spec names (or, for a tenant's
 * syncer, the one {@code krm-sync.tenancy.default-service-account} names). As a ServiceAccount it reads its source only
 * when a SubjectAccessReview allows that ServiceAccount to get it, and writes and deletes its copies through a client
 * impersonating it. The informer caches it reads copies from are the operator's, shared by every identity.
 */
final class Identities {

    /**
     * One syncer's identity and where it writes as that identity.
     *
     * @param user empty when the syncer acts with the operator's own authority
     */
    record Identity(Optional<String> user, CopyTarget<ConfigMap> configMaps, CopyTarget<Secret> secrets) {

        CopyTarget<? extends HasMetadata> copies(SourceKind kind) {
            return kind == SourceKind.CONFIG_MAP ? configMaps : secrets;
        }
    }

    private final String cluster;
    private final Tenancy tenancy;
    private final Impersonation impersonation;
    private final CopyCache<ConfigMap> configMapCopies;
    private final CopyCache<Secret> secretCopies;

    Identities(String cluster, Tenancy tenancy, Impersonation impersonation, CopyCache<ConfigMap> configMapCopies,
            CopyCache<Secret> secretCopies) {
        this.cluster = cluster;
        this.tenancy = tenancy;
        this.impersonation = impersonation;
        this.configMapCopies = configMapCopies;
        this.secretCopies = secretCopies;
    }

    Identity of(ConfigMapSyncer syncer) {
        String serviceAccount = syncer.getSpec() == null ? null : syncer.getSpec().getServiceAccountName();
        Optional<String> user = tenancy.of(syncer.getMetadata().getNamespace(), serviceAccount).user();
        KubernetesClient client = impersonation.clientFor(user);
        return new Identity(user, new CopyTarget<>(cluster, ConfigMap.class, client.configMaps(), configMapCopies),
                new CopyTarget<>(cluster, Secret.class, client.secrets(), secretCopies));
    }

    /**
     * Nothing, when the identity may get the source; else why not. RBAC changes make no event, so a refusal is looked
     * at again after the retry interval.
     */
    void requireGet(Identity identity, SourceKind kind, String namespace, String name) throws SyncBlocked {
        if (identity.user().isEmpty()) {
            return;
        }
        Access get = new Access(identity.user().get(), "get", "", kind.resource(), namespace, name);
        Optional<String> refusal;
        try {
            refusal = impersonation.refusal(get);
        } catch (KubernetesClientException e) {
            throw new SyncBlocked(ApiErrors.reason(e), "could not review whether " + identity.user().get()
                    + " may get " + kind.resource() + " " + namespace + "/" + name + ": " + ApiErrors.message(e), true);
        }
        if (refusal.isPresent()) {
            throw new SyncBlocked(Reason.Forbidden, refusal.get() + "; nothing is written until its RBAC allows it",
                    true);
        }
    }
}
