package io.krmsync.status;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every reason krm-sync gives, in one vocabulary: condition reasons, per-target failures in status, Event reasons and
 * the {@code reason} label of the errors metric. The constant's name is the CamelCase value users see in
 * {@code kubectl get -o wide} and {@code kubectl describe}, so it is spelled like one.
 */
public enum Reason {

    // Outcomes of a sync (Ready).
    /** Every target is in sync. */
    Synced,
    /** Some targets are in sync, the others failed. */
    PartiallySynced,
    /** No target is in sync. */
    SyncFailed,
    /** The spec cannot be acted on; nothing is written until it is fixed. */
    InvalidSpec,
    /** Reconciliation threw something krm-sync did not expect; retried, details in the operator log. */
    ReconcileError,

    // Sources.
    SourceNotFound,
    /** The source is itself a krm-sync copy: copies never chain or loop. */
    SourceIsACopy,
    /** A Secret that holds a ServiceAccount token, which is never copied. */
    ServiceAccountTokenSecret,
    /** An object every cluster or namespace has its own of (kube-root-ca.crt, bootstrap tokens). */
    ClusterLocalObject,

    // Targets.
    /** Ownership conflict: the target object exists and belongs to someone else (not krm-sync, or another owner). */
    Conflict,
    NamespaceNotFound,
    /** Two selected sources would be the same copy at the destination. */
    NameCollision,

    // Tenancy (docs/tenancy.md): what a syncer outside the trusted namespaces may not do.
    /** The source is in another namespace and its krm-sync.io/share-with annotation does not list the syncer's. */
    SourceNotShared,
    /** The target namespace's krm-sync.io/accept-from annotation does not list the syncer's namespace. */
    TargetNamespaceNotAccepting,
    /** conflictPolicy Overwrite takes over unmanaged objects only in the syncer's own namespace. */
    OverwriteNotAllowed,
    /** The namespace is outside what the syncer (or propagation) may act on. */
    NamespaceOutOfScope,
    /** A tenant's KRMSyncer rule names a cluster-scoped kind. */
    ClusterScopedKindNotAllowed,

    // KRMSyncer: suspension (the Suspended condition) and its destination.
    Suspended,
    Active,
    /** spec.suspend and spec.suspended are both set and disagree. */
    SuspendFieldsDisagree,
    WatchesStarting,
    SecretNotFound,
    KubeconfigInvalid,
    KubeconfigRefused,
    DestinationUnreachable,
    DestinationUnauthorized,
    /** deletionPolicy Delete could not delete every copy. */
    DeleteFailed,
    RuleInvalid,
    KindNotServedAtDestination,

    // Propagation, on the labelled ConfigMap.
    PropagationFailed,
    PropagationRecovered,

    // Kubeconfigs krm-sync will not use (cluster Secrets, files, KRMSyncer destinations).
    /** Not YAML, not a kubeconfig, empty, or entries without names or with one name twice. */
    MalformedKubeconfig,
    NoContexts,
    /** A kubeconfig with several contexts does not name one in current-context. */
    NoCurrentContext,
    /** A context names a missing cluster or user, or its cluster has no server. */
    ContextIncomplete,
    ExecRefused,
    /** An allowed exec credential plugin could not be started. */
    ExecFailed,
    AuthProviderRefused,
    FileReferenceRefused,
    InsecureTlsRefused,
    InvalidClusterName,
    /** A cluster Secret without the kubeconfig key. */
    MissingKubeconfigKey,
    KubeconfigUnreadable,
    /** Two kubeconfigs name the same cluster: the later one is ignored. */
    DuplicateClusterName,
    /** fabric8 could not build a client from an otherwise valid kubeconfig. */
    ClientFailed,

    // Requests an API server refused or did not answer (ApiErrors).
    /** No HTTP answer at all: refused, reset, timed out. */
    Unreachable,
    Unauthorized,
    Forbidden,
    NotFound,
    /** HTTP 409: the object changed (or appeared) while krm-sync wrote it. Not an ownership {@link #Conflict}. */
    WriteConflict,
    TooLarge,
    Invalid,
    TooManyRequests,
    ServerError,
    RequestFailed;

    /** Kubeconfig features refused by policy (an opt-in allows them), as opposed to kubeconfigs that are broken. */
    private static final Set<Reason> REFUSALS = EnumSet.of(ExecRefused, AuthProviderRefused, FileReferenceRefused,
            InsecureTlsRefused);

    public boolean isKubeconfigRefusal() {
        return REFUSALS.contains(this);
    }
}
