package io.krmsync.sync;

/**
 * The outcome of bringing one copy in line with its source.
 *
 * @param carriedSourceChange the write brought an existing copy a new version of the source's content (not a create,
 *        not the repair of an edited copy): what the copy latency metric times
 */
public record CopyResult(Outcome outcome, String message, boolean carriedSourceChange) {

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

    public static CopyResult of(Outcome outcome) {
        return new CopyResult(outcome, null, false);
    }

    static CopyResult conflict(String message) {
        return new CopyResult(Outcome.CONFLICT, message, false);
    }

    public boolean wrote() {
        return outcome != Outcome.UNCHANGED && outcome != Outcome.CONFLICT;
    }
}
