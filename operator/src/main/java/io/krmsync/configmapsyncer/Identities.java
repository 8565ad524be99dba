package io.krmsync.configmapsyncer;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.status.SyncBlocked;
import io.krmsync.sync.CopyCache;
import io.krmsync.sync.CopyTarget;
import io.krmsync.tenancy.Access;
import io.krmsync.tenancy.Authority;
import io.krmsync.tenancy.Impersonation;
import io.krmsync.tenancy.Impersonation.Refusal;

/**
 * Who each ConfigMapSyncer acts as, as its {@link Authority} says: the operator itself, or the ServiceAccount its spec
 * names (or, for a tenant's syncer, the one {@code krm-sync.tenancy.default-service-account} names). As a
 * ServiceAccount it reads its source only when a SubjectAccessReview allows that ServiceAccount to get it, and writes
 * and deletes its copies through a client impersonating it. The informer caches it reads copies from are the
 * operator's, shared by every identity.
 */
final class Identities {

    /**
     * One syncer's authority and where it writes with it.
     *
     * @param authority what the syncer may do, and the user it acts as (none: the operator itself)
     */
    record Identity(Authority authority, CopyTarget<ConfigMap> configMaps, CopyTarget<Secret> secrets) {

        Optional<String> user() {
            return authority.user();
        }

        CopyTarget<? extends HasMetadata> copies(SourceKind kind) {
            return kind == SourceKind.CONFIG_MAP ? configMaps : secrets;
        }
    }

    private final String cluster;
    private final Impersonation impersonation;
    private final CopyCache<ConfigMap> configMapCopies;
    private final CopyCache<Secret> secretCopies;

    Identities(String cluster, Impersonation impersonation, CopyCache<ConfigMap> configMapCopies,
            CopyCache<Secret> secretCopies) {
        this.cluster = cluster;
        this.impersonation = impersonation;
        this.configMapCopies = configMapCopies;
        this.secretCopies = secretCopies;
    }

    Identity of(Authority authority) {
        KubernetesClient client = impersonation.clientFor(authority.user());
        return new Identity(authority, new CopyTarget<>(cluster, ConfigMap.class, client.configMaps(), configMapCopies),
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
        Optional<Refusal> refusal = impersonation.refusal(get);
        if (refusal.isPresent()) {
            throw new SyncBlocked(refusal.get().reason(), refusal.get().message()
                    + "; nothing is written until its RBAC allows it", true);
        }
    }
}
