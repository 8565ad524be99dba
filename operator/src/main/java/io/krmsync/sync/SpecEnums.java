package io.krmsync.sync;

/**
 * Enum fields of a spec read tolerantly: an unknown value becomes the enum's "unrecognized" constant, which the CRD
 * schema leaves out (so a real API server refuses it at admission) and the reconciler reports as InvalidSpec, instead
 * of failing deserialisation and with it the informer of every syncer of that kind.
 */
public final class SpecEnums {

    private SpecEnums() {
    }

    public static <E extends Enum<E>> E byName(E[] values, String value, E unrecognized) {
        for (E constant : values) {
            if (constant != unrecognized && constant.name().equals(value)) {
                return constant;
            }
        }
        return unrecognized;
    }
}
