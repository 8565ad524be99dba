package io.krmsync.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** What to do when the target already holds an object of that name that krm-sync did not create. */
public enum ConflictPolicy {
    /** Leave the object untouched and report a conflict. */
    Skip,
    /** Take the object over: from then on it is a managed copy. Never applies to another krm-sync owner's copy. */
    Overwrite,
    /**
     * Any other value in a spec. The CRDs' schemas leave it out, so a real API server refuses it at admission; one that
     * slipped past (an older CRD, the in-memory server) becomes this, reported as InvalidSpec, instead of failing
     * deserialisation and with it the informer of every syncer.
     */
    @JsonIgnore
    Unrecognized;

    @JsonCreator
    public static ConflictPolicy fromSpec(String value) {
        for (ConflictPolicy policy : values()) {
            if (policy != Unrecognized && policy.name().equals(value)) {
                return policy;
            }
        }
        return Unrecognized;
    }
}
