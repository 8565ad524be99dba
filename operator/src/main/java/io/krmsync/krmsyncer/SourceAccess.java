package io.krmsync.krmsyncer;

import java.util.List;
import java.util.Optional;

import io.krmsync.krmsyncer.SourceWatches.WatchKey;
import io.krmsync.tenancy.Access;
import io.krmsync.tenancy.Authority;
import io.krmsync.tenancy.Impersonation;
import io.krmsync.tenancy.Impersonation.Refusal;

/**
 * What a KRMSyncer may read in this cluster: its {@link Authority} (docs/tenancy.md), and whether the user it acts as
 * (spec.serviceAccountName, or the tenancy default) may read what a rule watches: list and watch of the kind, in each
 * namespace watched, or cluster-wide when the rule names none.
 * The watches themselves are the operator's, shared between KRMSyncers, so the API server is asked first, with a
 * SubjectAccessReview. Nothing is impersonated: a KRMSyncer writes only to its destination, with the credentials of
 * the kubeconfig its namespace gave it, and that cluster's RBAC already bounds those writes.
 */
record SourceAccess(Authority authority, Impersonation impersonation) {

    private static final List<String> READ_VERBS = List.of("list", "watch");

    /**
     * @throws RuleFailure Forbidden, naming the user and the verb, when the user may not; the API error's reason when
     *         the review itself failed
     */
    void requireRead(WatchKey key) throws RuleFailure {
        Optional<String> user = authority.user();
        if (user.isEmpty()) {
            return;
        }
        RuleKind kind = key.kind();
        String namespace = key.namespace() == null ? "" : key.namespace();
        for (String verb : READ_VERBS) {
            Access read = new Access(user.get(), verb, kind.gvk().group(), kind.plural(), namespace, "");
            Optional<Refusal> refusal = impersonation.refusal(read);
            if (refusal.isPresent()) {
                throw new RuleFailure(refusal.get().reason(),
                        refusal.get().message() + "; the rule syncs nothing until its RBAC allows it");
            }
        }
    }
}
