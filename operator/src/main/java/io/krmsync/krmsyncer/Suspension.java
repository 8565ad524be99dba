package io.krmsync.krmsyncer;

import io.krmsync.status.Reason;

/**
 * Whether a KRMSyncer is suspended, from {@code spec.suspend} and its alias {@code spec.suspended}. When both are set
 * and disagree, it stays suspended: writing to a cluster that may be the active one is the mistake a failover pair
 * cannot undo.
 */
record Suspension(boolean suspended, Reason reason, String message) {

    static Suspension of(KRMSyncerSpec spec) {
        Boolean suspend = spec.getSuspend();
        Boolean suspended = spec.getSuspended();
        if (suspend != null && suspended != null && !suspend.equals(suspended)) {
            return new Suspension(true, Reason.SuspendFieldsDisagree, "spec.suspend is " + suspend
                    + " but spec.suspended is " + suspended
                    + "; staying suspended (no watches, no writes) until they agree or one is removed");
        }
        String field = suspend != null ? "spec.suspend" : "spec.suspended";
        if (Boolean.TRUE.equals(suspend) || Boolean.TRUE.equals(suspended)) {
            return new Suspension(true, Reason.Suspended,
                    field + " is true: no watches, no writes; copies at the destination stay as they are");
        }
        return new Suspension(false, Reason.Active, suspend == null && suspended == null
                ? "syncing (spec.suspend is not set)" : "syncing (" + field + " is false)");
    }
}
