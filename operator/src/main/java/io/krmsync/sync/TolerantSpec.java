package io.krmsync.sync;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A part of a syncer's spec that reads past fields this version of krm-sync does not know (a newer CRD's, or today's
 * upstream KRMSyncer API's {@code mode}, {@code remote}, {@code syncFields}) and keeps them as read. Failing on them
 * would stop the controller's informer, and with it every syncer of the kind; ignoring them would act against what the
 * object asks (push where it says pull, write where it says dry-run). So the object alone is refused: its reconciler
 * reports the names as InvalidSpec and writes nothing. The CRD's schema is not changed: the API server keeps what the
 * installed CRD allows.
 */
public abstract class TolerantSpec {

    @JsonIgnore
    private final Map<String, Object> unknownFields = new TreeMap<>();

    @JsonAnySetter
    void unknownField(String name, Object value) {
        unknownFields.put(name, value);
    }

    /**
     * Written back as read: the operator SDK hands reconcilers a copy made by serialising the informer's object, and
     * the copy must still show what this version does not know.
     */
    @JsonAnyGetter
    Map<String, Object> unknownFieldValues() {
        return unknownFields;
    }

    /** The unknown fields of this part, as paths under {@code path} ({@code spec.mode}). */
    public List<String> unknownFieldsAt(String path) {
        return unknownFields.keySet().stream().map(name -> path + "." + name).toList();
    }

    /** What status says about them, or nothing when there are none. */
    public static List<String> problems(List<String> unknownFields) {
        return unknownFields.isEmpty() ? List.of() : List.of(String.join(", ", unknownFields)
                + (unknownFields.size() == 1 ? " is not a field" : " are not fields")
                + " this version of krm-sync knows (a newer CRD's?); nothing is synced until the spec has only known"
                + " fields or krm-sync is upgraded");
    }
}
