package io.krmsync.sync;

/**
 * The outcome of bringing one copy in line with its source.
 *
 * @param carriedSourceChange the write brought an existing copy a new version of the source's content (not a create,
 *        not the repair of an edited copy): what the copy latency metric times
 * @param unmanaged a {@link Outcome#CONFLICT} with an object krm-sync did not create, which
 *        {@link ConflictPolicy#Overwrite} would have taken over, rather than another krm-sync owner's copy
 */
public record CopyResult(Outcome outcome, String message, boolean carriedSourceChange, boolean unmanaged) {

    public enum Outcome {
        CREATED,
        UPDATED,
        /** Deleted and created again because the live copy could not be changed in place. */
        RECREATED,
        /** An unmanaged object taken over under {@link ConflictPolicy#Overwrite}. */
        TAKEN_OVER,
        UNCHANGED,
        /** Not written: the object belongs to the user or to another krm-sync owner. */
        CONFLICT
    }

    public CopyResult(Outcome outcome, String message, boolean carriedSourceChange) {
        this(outcome, message, carriedSourceChange, false);
    }

    public static CopyResult of(Outcome outcome) {
        return new CopyResult(outcome, null, false);
    }

    /** Not written: the object was not created by krm-sync, and the conflict policy leaves it alone. */
    static CopyResult unmanagedConflict(String message) {
        return new CopyResult(Outcome.CONFLICT, message, false, true);
    }

    /** Not written: the object is another krm-sync owner's copy, which no conflict policy takes over. */
    static CopyResult otherOwnerConflict(String message) {
        return new CopyResult(Outcome.CONFLICT, message, false, false);
    }

    public boolean wrote() {
        return outcome != Outcome.UNCHANGED && outcome != Outcome.CONFLICT;
    }
}
