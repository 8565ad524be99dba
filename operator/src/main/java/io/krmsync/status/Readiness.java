package io.krmsync.status;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** The Ready condition one reconciliation settled on. */
public record Readiness(boolean ready, Reason reason, String message) {

    public static Readiness ready(Reason reason, String message) {
        return new Readiness(true, reason, message);
    }

    public static Readiness notReady(Reason reason, String message) {
        return new Readiness(false, reason, message);
    }

    /**
     * A reconciliation that threw. An API refusal keeps its reason and the API server's message; anything else is named
     * by its type only, since an exception's message may quote what it was parsing (a Secret's content). The operator
     * log has the stack trace.
     */
    public static Readiness failed(Exception e) {
        if (e instanceof KubernetesClientException failure) {
            return notReady(ApiErrors.reason(failure), ApiErrors.message(failure) + "; retrying");
        }
        return notReady(Reason.ReconcileError, "reconciliation failed with " + e.getClass().getSimpleName()
                + "; retrying (details in the operator log)");
    }
}
