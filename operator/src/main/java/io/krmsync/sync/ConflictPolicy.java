package io.krmsync.sync;

/** What to do when the target already holds an object of that name that krm-sync did not create. */
public enum ConflictPolicy {
    /** Leave the object untouched and report a conflict. */
    Skip,
    /** Take the object over: from then on it is a managed copy. Never applies to another krm-sync owner's copy. */
    Overwrite
}
