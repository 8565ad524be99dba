package io.krmsync.sync;

import io.krmsync.status.Reason;

/** A source object that krm-sync refuses to copy, and why. */
public class UncopyableObjectException extends RuntimeException {

    private final Reason reason;

    public UncopyableObjectException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
