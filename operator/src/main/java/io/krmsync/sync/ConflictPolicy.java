package io.krmsync.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** What to do when the target already holds an object of that name that krm-sync did not create. */
public enum ConflictPolicy {
    /** Leave the object untouched and report a conflict. */
    Skip,
    /** Take the object over: from then on it is a managed copy. Never applies to another krm-sync owner's copy. */
    Overwrite,
    /** Any other value in a spec: reported as InvalidSpec (see {@link SpecEnums}). */
    @JsonIgnore
    Unrecognized;

    @JsonCreator
    public static ConflictPolicy fromSpec(String value) {
        return SpecEnums.byName(values(), value, Unrecognized);
    }
}
