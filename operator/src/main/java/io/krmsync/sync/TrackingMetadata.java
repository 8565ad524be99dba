package io.krmsync.sync;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The marker krm-sync stamps on every object it creates. Ownership, cleanup and loop prevention are decided by
 * these keys alone, never by a reconciler's current spec.
 */
public final class TrackingMetadata {

    public static final String PREFIX = "krm-sync.io/";
    /** Label: which reconciler manages the copy, so that copies can be listed with a selector. */
    public static final String MANAGED_BY_LABEL = PREFIX + "managed-by";
    /** Label: hash of the owner key; label values are too short and restricted for namespace/name pairs. */
    public static final String OWNER_LABEL = PREFIX + "owner";
    /** Annotation: the exact owner key, checked before any overwrite or delete. */
    public static final String OWNER_ANNOTATION = PREFIX + "owner";
    /** Annotation: the source as cluster/namespace/name. */
    public static final String SOURCE_ANNOTATION = PREFIX + "source";
    /** Annotation: hash of the desired content, which tells a changed source from an edited copy. */
    public static final String SOURCE_HASH_ANNOTATION = PREFIX + "source-hash";
    /**
     * Annotation: the source's metadata.generation, which a copy cannot keep as its own (the destination's server sets
     * it); a copied status's observedGeneration refers to this one.
     */
    public static final String SOURCE_GENERATION_ANNOTATION = PREFIX + "source-generation";

    private TrackingMetadata() {
    }

    public enum Ownership {
        /** Carries this owner's marker. */
        OWNED,
        /** Carries no krm-sync marker: a user's object. */
        UNMANAGED,
        /** Carries the marker of another krm-sync owner. */
        OTHER_OWNER
    }

    public static Ownership ownership(HasMetadata object, CopyOwner owner) {
        Optional<String> ownerKey = ownerKey(object);
        if (ownerKey.isEmpty()) {
            return Ownership.UNMANAGED;
        }
        return ownerKey.get().equals(owner.key()) ? Ownership.OWNED : Ownership.OTHER_OWNER;
    }

    public static Optional<String> ownerKey(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(OWNER_ANNOTATION));
    }

    public static boolean isTrackingKey(String key) {
        return key.startsWith(PREFIX);
    }

    /** The label selector that lists every copy of one owner; confirm each hit with {@link #ownership}. */
    public static Map<String, String> selectorFor(CopyOwner owner) {
        return Map.of(MANAGED_BY_LABEL, owner.reconciler(), OWNER_LABEL, owner.labelValue());
    }
}
