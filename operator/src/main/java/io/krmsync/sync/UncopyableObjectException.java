package io.krmsync.sync;

/** A source object that krm-sync refuses to copy, with a condition-style reason. */
public class UncopyableObjectException extends RuntimeException {

    private final String reason;

    public UncopyableObjectException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
