package io.krmsync.status;

/**
 * Nothing can be synced now, before any copy is written (an invalid spec, a missing source or destination): the
 * reason and message Ready reports. What is already synced stays as it is.
 */
public class SyncBlocked extends Exception {

    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final boolean heals;

    /** A problem that only a change (of the spec, a source, a Secret) solves: nothing is retried meanwhile. */
    public SyncBlocked(Reason reason, String message) {
        this(reason, message, false);
    }

    /** @param heals whether it can go away by itself (an outage), so that it is worth trying again after a while */
    public SyncBlocked(Reason reason, String message, boolean heals) {
        super(message);
        this.reason = reason;
        this.heals = heals;
    }

    public Reason reason() {
        return reason;
    }

    public boolean heals() {
        return heals;
    }
}
