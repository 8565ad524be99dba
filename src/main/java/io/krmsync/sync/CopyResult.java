package io.krmsync.sync;

/** The outcome of bringing one copy in line with its source. */
public record CopyResult(Outcome outcome, String message) {

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
        return new CopyResult(outcome, null);
    }

    public boolean wrote() {
        return outcome != Outcome.UNCHANGED && outcome != Outcome.CONFLICT;
    }
}
