package io.krmsync.tenancy;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What one syncer may do, decided by the namespace it lives in: a trusted namespace's syncer acts with the operator's
 * authority; a tenant's reads its own namespace and what is shared with it, writes into its own namespace and those
 * accepting it, and takes over unmanaged objects only at home. Checked on every reconciliation, so that consent
 * withdrawn is authority withdrawn.
 *
 * @param namespace the syncer's namespace
 * @param serviceAccount the ServiceAccount (in {@code namespace}) the syncer acts as, if any
 */
public record Authority(String namespace, boolean trusted, Optional<String> serviceAccount) {

    /** Whether the syncer may read this source object. */
    public boolean mayRead(HasMetadata source) {
        return trusted || namespace.equals(source.getMetadata().getNamespace())
                || Consent.sharedWith(source, namespace);
    }

    /** Whether the syncer may read in this namespace at all, before any object's consent is looked at. */
    public boolean readsFreelyIn(String otherNamespace) {
        return trusted || namespace.equals(otherNamespace);
    }

    /** Whether the syncer may write copies into this namespace (a Namespace object). */
    public boolean mayWriteInto(HasMetadata targetNamespace) {
        return trusted || namespace.equals(targetNamespace.getMetadata().getName())
                || Consent.acceptsFrom(targetNamespace, namespace);
    }

    /** Whether conflictPolicy Overwrite may take over an object krm-sync did not create, in this namespace. */
    public boolean mayOverwriteIn(String targetNamespace) {
        return trusted || namespace.equals(targetNamespace);
    }

    /** Whether the syncer may read or write cluster-scoped objects. */
    public boolean mayUseClusterScopedKinds() {
        return trusted;
    }

    /** The user the syncer acts as on the local cluster, when it acts as a ServiceAccount. */
    public Optional<String> user() {
        return serviceAccount.map(name -> "system:serviceaccount:" + namespace + ":" + name);
    }
}
