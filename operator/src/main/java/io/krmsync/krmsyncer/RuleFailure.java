package io.krmsync.krmsyncer;

import io.krmsync.status.Reason;

/** Why a rule cannot be synced, with a message for status, events and logs. */
class RuleFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    RuleFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
